"""The desk's message panel on the ticket page: pick a template, see the preview filled in, send; the entry
and its delivery status on the timeline; the panel's cost; no 500 when the broker or the provider fails."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from progress.models import CustomerMessage
from progress.tasks import customer_message_send_task
from tickets import hooks

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(walk):
    return walk(solve=False)


def _htmx(client, url, data):
    return client.post(url, data, HTTP_HX_REQUEST="true")


def test_the_desk_sees_the_composer_and_an_engineer_does_not(ticket, client, reception, engineer):
    client.force_login(reception)
    page = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert 'data-testid="customer-message-panel"' in page and "工程师已出发" in page  # a template's name
    client.force_login(engineer)
    page = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert 'data-testid="customer-message-panel"' not in page


def test_picking_a_template_fills_the_text_and_previews_it_with_the_placeholders(ticket, reception_client, settings):
    settings.SERVICE_HOTLINE = "400-123-4567"
    response = _htmx(reception_client, reverse("progress:message-preview", args=[ticket.number]),
                     {"template": "received", "pick": "1", "channel": "sms", "text": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "{customer}您好，我们已受理" in page  # the editable text keeps the placeholders
    preview = page[page.index('data-testid="message-preview-text"'):]
    assert f"工单号{ticket.number}" in preview and "400-123-4567" in preview and "{ticket_no}" not in preview


def test_an_edited_text_is_previewed_and_a_missing_value_is_named(ticket, reception_client):
    page = _htmx(reception_client, reverse("progress:message-preview", args=[ticket.number]),
                 {"channel": "sms", "text": "工单{ticket_no}：上门{visit_window}"}).content.decode()
    assert f"工单{ticket.number}：上门" in page and 'data-testid="message-problem"' in page and "visit_window" in page


def test_sending_puts_the_message_on_the_timeline_with_its_status(ticket, reception_client, settings):
    settings.SMS_BACKEND = "progress.sms.MemorySmsBackend"
    response = _htmx(reception_client, reverse("progress:message-send", args=[ticket.number]),
                     {"channel": "sms", "template": "received", "text": "{customer}您好，工单{ticket_no}已受理"})
    assert response.status_code == 200 and response["HX-Retarget"] == "#ticket-body"
    page = response.content.decode()
    assert 'class="timeline-customer-message"' in page and f"工单{ticket.number}已受理" in page
    message = CustomerMessage.objects.get(ticket=ticket)
    status_url = reverse("progress:message-status", args=[ticket.number]) + f"?id={message.pk}"
    assert status_url in page  # the entry asks for its delivery status
    badge = reception_client.get(status_url).content.decode()
    assert 'data-status="queued"' in badge and 'hx-trigger="load delay:3s"' in badge  # asks again while queued
    customer_message_send_task.apply(args=(message.pk,))
    badge = reception_client.get(status_url).content.decode()
    assert 'data-status="sent"' in badge and "hx-trigger" not in badge and "mem-1" in badge


def test_a_refused_message_is_the_composer_again_with_the_reason_not_a_500(ticket, reception_client):
    response = _htmx(reception_client, reverse("progress:message-send", args=[ticket.number]),
                     {"channel": "email", "text": "您好"})
    assert response.status_code == 200 and 'data-testid="error-channel"' in response.content.decode()
    assert not CustomerMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_still_records_the_message_and_answers_the_page(walk, reception, client, caplog):
    from tests.resilience.outage import redis_down

    ticket = walk(solve=False)
    client.force_login(reception)
    with redis_down():
        response = _htmx(client, reverse("progress:message-send", args=[ticket.number]),
                         {"channel": "sms", "text": "您好，工单{ticket_no}"})
    assert response.status_code == 200
    assert CustomerMessage.objects.get(ticket=ticket).status == "queued"  # the requeue sweep sends it later
    assert "could not enqueue" in caplog.text


def test_a_failed_delivery_shows_the_providers_error_on_the_entry(ticket, reception, reception_client, fake_aliyun):
    fake_aliyun.fail_next(status=200, code="isv.MOBILE_NUMBER_ILLEGAL")
    _htmx(reception_client, reverse("progress:message-send", args=[ticket.number]), {"channel": "sms", "text": "您好"})
    message = CustomerMessage.objects.get(ticket=ticket)
    customer_message_send_task.apply(args=(message.pk,))
    badge = reception_client.get(reverse("progress:message-status", args=[ticket.number]) + f"?id={message.pk}")
    assert badge.status_code == 200 and "isv.MOBILE_NUMBER_ILLEGAL" in badge.content.decode()


def test_another_tickets_message_is_not_found(walk, reception_client, ticket):
    other = walk(phone="+8613900139000", solve=False)
    _htmx(reception_client, reverse("progress:message-send", args=[other.number]), {"channel": "sms", "text": "您好"})
    message = CustomerMessage.objects.get(ticket=other)
    url = reverse("progress:message-status", args=[ticket.number]) + f"?id={message.pk}"
    assert reception_client.get(url).status_code == 404


def test_the_panel_adds_one_query_to_the_ticket_page(ticket, reception_client, monkeypatch, settings):
    settings.PAGE_CACHE = False  # a drawn page's queries: a stored one (core/pagecache.py) draws no panel at all
    url = reverse("tickets:detail", args=[ticket.number])
    reception_client.get(url)  # warm caches (session, policies)
    with CaptureQueriesContext(connection) as with_panel:
        assert reception_client.get(url).status_code == 200
    panels = {app: panel for app, panel in hooks._registry.panels.items() if app != "progress"}
    monkeypatch.setattr(hooks._registry, "panels", panels)
    with CaptureQueriesContext(connection) as without:
        reception_client.get(url)
    assert len(with_panel) - len(without) == 1, [q["sql"] for q in with_panel.captured_queries]
