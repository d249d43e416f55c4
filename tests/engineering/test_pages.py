"""The engineer's queue and action panels: HTMX contract, permissions, constant queries."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_user
from tests.factories import TicketFactory
from tickets.choices import Status
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def action_url(ticket, action):
    return reverse("tickets:engineer-action", args=[ticket.number, action])


def queue(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("tickets:mine"))
    assert response.status_code == 200
    return response, len(queries)


def test_queue_is_ordered_by_the_nearest_due_time_and_offers_a_call(engineer_client, engineer, other_engineer):
    now = timezone.now()
    later = TicketFactory(engineer=engineer, status=Status.DISPATCHED, next_due_at=now + timedelta(hours=3))
    sooner = TicketFactory(engineer=engineer, status=Status.REPLIED, next_due_at=now + timedelta(minutes=10))
    overdue = TicketFactory(engineer=engineer, status=Status.WAITING, wait_reason="parts",
                            next_due_at=now - timedelta(minutes=5))
    no_clock = TicketFactory(engineer=engineer, status=Status.DISPATCHED, next_due_at=None)
    closed = TicketFactory(engineer=engineer, status=Status.CLOSED, next_due_at=now)
    solved = TicketFactory(engineer=engineer, status=Status.SOLVED, next_due_at=now)  # the callback desk's now
    foreign = TicketFactory(engineer=other_engineer, status=Status.DISPATCHED, next_due_at=now)

    response, _ = queue(engineer_client)

    html = response.content.decode()
    order = [t.number for t in (overdue, sooner, later, no_clock)]
    assert [n for n in order if n in html] == order
    assert sorted(html.index(n) for n in order) == [html.index(n) for n in order]
    assert foreign.number not in html and closed.number not in html and solved.number not in html
    assert f'href="tel:{sooner.customer.phone}"' in html
    assert f'href="{reverse("tickets:detail", args=[sooner.number])}"' in html


def test_queue_queries_do_not_grow_with_tickets(engineer_client, engineer):
    TicketFactory.create_batch(3, engineer=engineer, status=Status.DISPATCHED, next_due_at=timezone.now())
    _, few = queue(engineer_client)
    TicketFactory.create_batch(27, engineer=engineer, status=Status.REPLIED, next_due_at=timezone.now())

    response, many = queue(engineer_client)

    assert response.content.decode().count('data-testid="queue-card"') == 30
    assert many == few


@pytest.mark.parametrize("fixture", ["reception_client", "manager_client"])
def test_queue_is_for_engineers(request, fixture):
    assert request.getfixturevalue(fixture).get(reverse("tickets:mine")).status_code == 403


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("tickets:mine"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_ticket_page_shows_the_engineers_panels(engineer_client, dispatched):
    ticket = dispatched()
    html = engineer_client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert 'data-testid="do-reply"' in html
    # The collapsed panels are on the page; their forms load when opened (tickets/views_panels.py).
    for action, button in (("solve", "do-solve"), ("wait", "do-wait"), ("hand_back", "do-hand-back")):
        assert f'id="panel-{action.replace("_", "-")}"' in html
        panel = engineer_client.get(reverse("tickets:panel", args=[ticket.number, action]), **HTMX)
        assert f'data-testid="{button}"' in panel.content.decode()
    assert 'id="id_reply-next_step"' in html and 'data-testid="do-resume"' not in html


def test_reception_sees_no_reply_panel(reception_client, dispatched):
    ticket = dispatched()
    html = reception_client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert 'data-testid="do-reply"' not in html and 'id="panel-hand-back"' not in html
    assert 'id="panel-solve"' in html  # the desk may record a remote-guidance solution (the form loads when opened)
    panel = reception_client.get(reverse("tickets:panel", args=[ticket.number, "solve"]), **HTMX)
    assert 'data-testid="do-solve"' in panel.content.decode()


def test_reply_over_htmx_swaps_the_ticket_body(engineer_client, dispatched):
    ticket = dispatched()

    response = engineer_client.post(action_url(ticket, "reply"), {
        "reply-difficulty": "需要备件", "reply-next_step": "明早上门", "reply-replied_to": "customer"}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="event-reply"' in html and "明早上门" in html
    assert Ticket.objects.get(pk=ticket.pk).status == Status.REPLIED


def test_reply_without_next_step_is_a_200_fragment_with_the_error(engineer_client, dispatched):
    ticket = dispatched()

    response = engineer_client.post(action_url(ticket, "reply"), {
        "reply-difficulty": "需要备件", "reply-next_step": "", "reply-replied_to": "customer"}, **HTMX)

    assert response.status_code == 200
    assert 'data-testid="error-next_step"' in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.DISPATCHED


def test_without_htmx_a_refusal_is_the_page_with_400(engineer_client, dispatched):
    ticket = dispatched()
    response = engineer_client.post(action_url(ticket, "wait"), {"wait-reason": "parts", "wait-note": ""})
    assert response.status_code == 400 and 'data-testid="error-note"' in response.content.decode()


def test_a_refused_step_shows_why_above_the_panels(engineer_client, dispatched, engineer):
    ticket = dispatched()
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.SOLVED)  # someone else solved it meanwhile

    response = engineer_client.post(action_url(ticket, "reply"), {
        "reply-difficulty": "a", "reply-next_step": "b", "reply-replied_to": "customer"}, **HTMX)

    assert response.status_code == 200 and 'data-testid="action-error"' in response.content.decode()
    assert not TicketEvent.objects.filter(ticket=ticket, action="reply").exists()


def test_another_engineers_ticket_is_not_found(client, dispatched, other_engineer):
    ticket = dispatched()
    client.force_login(other_engineer)
    response = client.post(action_url(ticket, "reply"), {
        "reply-difficulty": "a", "reply-next_step": "b", "reply-replied_to": "customer"}, **HTMX)
    assert response.status_code == 404
    assert Ticket.objects.get(pk=ticket.pk).status == Status.DISPATCHED


def test_hand_back_sends_the_engineer_to_the_queue(engineer_client, dispatched):
    ticket = dispatched()
    response = engineer_client.post(action_url(ticket, "hand_back"), {"hand_back-reason": "不在我的片区"}, **HTMX)
    assert response.status_code == 200 and response["HX-Redirect"] == reverse("tickets:mine")
    assert Ticket.objects.get(pk=ticket.pk).engineer is None


def test_wait_then_resume_panels(engineer_client, dispatched):
    ticket = dispatched()
    response = engineer_client.post(action_url(ticket, "wait"), {
        "wait-reason": "parts", "wait-note": "主板缺货", "wait-manufacturer_reference": "", "wait-expected_on": ""},
        **HTMX)
    html = response.content.decode()
    assert 'data-testid="do-resume"' in html and "主板缺货" in html
    engineer_client.post(action_url(ticket, "resume"), {"resume-note": ""}, **HTMX)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.DISPATCHED


def test_unknown_action_is_404(engineer_client, dispatched):
    assert engineer_client.post(action_url(dispatched(), "explode"), {}).status_code == 404


def test_partner_may_not_use_the_panels(client, dispatched):
    # A partner account has no page session (issue 13): sent to log in, and nothing changes.
    ticket = dispatched()
    client.force_login(make_user("partner", "partner-x"))
    response = client.post(action_url(ticket, "reply"), {"reply-difficulty": "x", "reply-next_step": "y"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Ticket.objects.get(pk=ticket.pk).status == Status.DISPATCHED


def test_reception_posting_a_reply_is_forbidden(reception_client, dispatched):
    ticket = dispatched()
    response = reception_client.post(action_url(ticket, "reply"), {"reply-next_step": ""}, **HTMX)
    assert response.status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).status == Status.DISPATCHED
