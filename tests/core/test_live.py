"""Live pages (core/live.py): an unchanged poll is a 304 that costs a fixed, small number of queries; a change
answers 200 with the new rows and a new ETag; a page load is never a 304; Redis is not needed."""
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.templatetags.live import SOON_SECONDS
from sla.enforcement import sla_events_notify, sla_sweep
from sla.models import Notification, SlaEvent
from tests.resilience.outage import redis_down
from tests.sla.conftest import intake
from tickets import services
from tickets.display import SOON

pytestmark = pytest.mark.django_db
POLL = {"HTTP_HX_REQUEST": "true", "HTTP_X_LIVE_POLL": "1"}
# session, user, the user's roles, the change token: nothing else may run for an unchanged poll.
POLL_304_QUERIES = 4


def page_etag(html: str, region_id: str) -> str:
    match = re.search(rf'id="{region_id}"[^>]*data-live-etag="([^"]*)"', html)
    assert match, f"no live region #{region_id}"
    return match.group(1).replace("&quot;", '"')


def poll(client, url, etag):
    return client.get(url, HTTP_IF_NONE_MATCH=etag, **POLL)


def new_ticket(user, phone="+8613800138001"):
    return services.ticket_create(created_by=user, **intake(customer={"name": "李四", "phone": phone, "email": ""}))


def test_desk_list_unchanged_poll_is_a_cheap_304(reception_client, reception, django_assert_max_num_queries):
    new_ticket(reception)
    page = reception_client.get(reverse("tickets:list"))
    etag = page_etag(page.content.decode(), "ticket-rows")
    assert etag.startswith('"live-')
    with django_assert_max_num_queries(POLL_304_QUERIES):
        response = poll(reception_client, reverse("tickets:list"), etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag and response["X-Live"] == "1"


def test_desk_list_poll_after_a_new_ticket_answers_the_new_row(reception_client, reception, manager):
    first = new_ticket(reception)
    etag = page_etag(reception_client.get(reverse("tickets:list")).content.decode(), "ticket-rows")
    created = new_ticket(manager, phone="+8613800138002")  # another user, another desk
    response = poll(reception_client, reverse("tickets:list"), etag)
    assert response.status_code == 200
    body = response.content.decode()
    assert created.number in body and first.number in body
    assert "<html" not in body  # the rows only: the tbody swaps them in
    assert response["ETag"] != etag
    assert poll(reception_client, reverse("tickets:list"), response["ETag"]).status_code == 304


def test_desk_list_poll_sees_a_step_and_a_recorded_warning(reception_client, reception):
    ticket = new_ticket(reception)
    url = reverse("tickets:list")
    etag = page_etag(reception_client.get(url).content.decode(), "ticket-rows")
    services.ticket_preprocess(ticket=ticket, actor=reception)  # the pre-process clock met, dispatch starts
    changed = poll(reception_client, url, etag)
    assert changed.status_code == 200
    etag = changed["ETag"]
    assert poll(reception_client, url, etag).status_code == 304
    # The sweep writes clocks and events, never the ticket row: the token still sees it.
    assert sla_sweep(now=timezone.now() + timedelta(days=3)) >= 1
    assert SlaEvent.objects.exists()
    assert poll(reception_client, url, etag).status_code == 200


def test_a_page_load_is_never_a_304(reception_client, reception):
    new_ticket(reception)
    etag = page_etag(reception_client.get(reverse("tickets:list")).content.decode(), "ticket-rows")
    # A browser reloading with the same validator has no stored copy (pages are no-store): it gets the page.
    response = reception_client.get(reverse("tickets:list"), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and b"<html" in response.content


def test_etag_differs_by_filters_language_and_user(reception_client, reception, manager, client):
    new_ticket(reception)
    url = reverse("tickets:list")
    plain = page_etag(reception_client.get(url).content.decode(), "ticket-rows")
    filtered = page_etag(reception_client.get(url + "?kind=repair").content.decode(), "ticket-rows")
    english = page_etag(reception_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode(), "ticket-rows")
    assert len({plain, filtered, english}) == 3
    # Another desk user's page has its own validator: a rendering is never shared between users.
    client.force_login(manager)
    assert page_etag(client.get(url).content.decode(), "ticket-rows") != plain


def test_bell_poll_sees_a_new_notice_and_its_reading(reception_client, reception, django_assert_max_num_queries):
    bell = reverse("sla:bell")
    first = poll(reception_client, bell, "")  # the page's bell carries no validator: the first poll renders
    assert first.status_code == 200 and 'data-testid="bell-empty"' in first.content.decode()
    etag = first["ETag"]
    with django_assert_max_num_queries(POLL_304_QUERIES - 1):  # no role lookup: every user has a bell
        assert poll(reception_client, bell, etag).status_code == 304
    ticket = new_ticket(reception)
    Notification.objects.create(user=reception, ticket=ticket, text=f"{ticket.number}: 预处理即将到期")
    noticed = poll(reception_client, bell, etag)
    assert noticed.status_code == 200
    assert f"{ticket.number}: 预处理即将到期" in noticed.content.decode()
    assert 'data-testid="bell-count">1<' in noticed.content.decode()
    Notification.objects.filter(user=reception).update(read_at=timezone.now())
    read = poll(reception_client, bell, noticed["ETag"])
    assert read.status_code == 200 and 'data-testid="bell-count"' not in read.content.decode()


def test_bell_poll_sees_the_notice_of_a_warning(reception_client, reception):
    bell = reverse("sla:bell")
    etag = poll(reception_client, bell, "")["ETag"]
    ticket = new_ticket(reception)
    sla_sweep(now=timezone.now() + timedelta(days=3))
    sla_events_notify(event_ids=list(SlaEvent.objects.values_list("pk", flat=True)))
    response = poll(reception_client, bell, etag)
    assert response.status_code == 200 and ticket.number in response.content.decode()


def test_queue_poll_sees_a_ticket_dispatched_and_taken_away(engineer_client, engineer, other_engineer, reception):
    url = reverse("tickets:mine")
    etag = page_etag(engineer_client.get(url).content.decode(), "my-queue")
    assert poll(engineer_client, url, etag).status_code == 304
    ticket = services.ticket_preprocess(ticket=new_ticket(reception), actor=reception)
    ticket = services.ticket_dispatch(ticket=ticket, actor=reception, engineer=engineer)
    arrived = poll(engineer_client, url, etag)
    assert arrived.status_code == 200 and ticket.number in arrived.content.decode()
    services.ticket_reassign(ticket=ticket, actor=reception, engineer=other_engineer, reason="休假")
    gone = poll(engineer_client, url, arrived["ETag"])
    assert gone.status_code == 200 and ticket.number not in gone.content.decode()


def test_dashboard_poll_is_304_until_a_ticket_changes(manager_client, manager, reception):
    url = reverse("dashboard:page")
    etag = page_etag(manager_client.get(url).content.decode(), "dash-live")
    assert poll(manager_client, url, etag).status_code == 304
    new_ticket(reception)
    response = poll(manager_client, url, etag)
    assert response.status_code == 200 and 'id="dash-live"' in response.content.decode()


def test_polls_need_no_redis(reception_client, reception):
    new_ticket(reception)
    url = reverse("tickets:list")
    etag = page_etag(reception_client.get(url).content.decode(), "ticket-rows")
    with redis_down():
        assert poll(reception_client, url, etag).status_code == 304
        new_ticket(reception, phone="+8613800138003")
        assert poll(reception_client, url, etag).status_code == 200
        assert poll(reception_client, reverse("sla:bell"), "").status_code == 200


def test_a_poll_without_a_session_is_not_answered_as_live(client):
    # live.js swaps only answers marked X-Live: the log-in page a lapsed session lands on is not one.
    response = client.get(reverse("tickets:list"), **POLL)
    assert response.status_code == 302 and "X-Live" not in response


def test_settings_keep_the_promise():
    assert settings.LIVE_POLL_SECONDS <= 10  # a change shows within 10 s (issue 15)
    assert SOON_SECONDS == SOON.total_seconds()  # live.js colours a due time "soon" when the server does
