"""The SOP status machine: every legal step, every illegal jump — through the service, the API and the page."""
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from core.errors import ApplicationError, TransitionNotAllowed
from tests.factories import intake_payload
from tickets import services
from tickets.choices import Status as S
from tickets.models import Ticket, TicketEvent
from tickets.workflow import TRANSITIONS

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")

# The SOP as the product describes it, written out by hand: the table in tickets/workflow.py must match.
LEGAL = [
    ("preprocess", S.REGISTERED, S.PREPROCESSED),
    ("dispatch", S.PREPROCESSED, S.DISPATCHED),
    ("dispatch", S.REOPENED, S.DISPATCHED),
    ("reassign", S.DISPATCHED, S.DISPATCHED),
    ("reassign", S.REPLIED, S.REPLIED),
    ("reply", S.DISPATCHED, S.REPLIED),
    ("solve", S.PREPROCESSED, S.SOLVED),  # solved by remote guidance during pre-processing
    ("solve", S.DISPATCHED, S.SOLVED),
    ("solve", S.REPLIED, S.SOLVED),
    ("wait", S.PREPROCESSED, S.WAITING),
    ("wait", S.DISPATCHED, S.WAITING),
    ("wait", S.REPLIED, S.WAITING),
    ("wait", S.REOPENED, S.WAITING),
    ("resume", S.WAITING, S.REPLIED),  # back to the status saved when waiting began
    ("callback_ok", S.SOLVED, S.CALLED_BACK),
    ("callback_failed", S.SOLVED, S.REOPENED),  # 回访不合格 goes back, never silently closed
    ("close", S.CALLED_BACK, S.CLOSED),
    ("close_unreachable", S.SOLVED, S.CLOSED),
    # Issue 14: cancel (with a reason, tickets/lifecycle.py) from any open status, never from closed/cancelled.
    ("cancel", S.REGISTERED, S.CANCELLED),
    ("cancel", S.PREPROCESSED, S.CANCELLED),
    ("cancel", S.DISPATCHED, S.CANCELLED),
    ("cancel", S.REPLIED, S.CANCELLED),
    ("cancel", S.WAITING, S.CANCELLED),
    ("cancel", S.SOLVED, S.CANCELLED),
    ("cancel", S.CALLED_BACK, S.CANCELLED),
    ("cancel", S.REOPENED, S.CANCELLED),
    ("reopen", S.CLOSED, S.REOPENED),
    # Issue 14: a duplicate is merged (tickets/merging.py) from any open status; closed, cancelled and
    # merged tickets are never merged (nor can anything be done to a merged one: ILLEGAL covers it).
    ("merge", S.REGISTERED, S.MERGED),
    ("merge", S.PREPROCESSED, S.MERGED),
    ("merge", S.DISPATCHED, S.MERGED),
    ("merge", S.REPLIED, S.MERGED),
    ("merge", S.WAITING, S.MERGED),
    ("merge", S.SOLVED, S.MERGED),
    ("merge", S.CALLED_BACK, S.MERGED),
    ("merge", S.REOPENED, S.MERGED),
    ("hand_back", S.DISPATCHED, S.PREPROCESSED),  # wrong skill or area: back to the desk to dispatch again
    ("hand_back", S.REPLIED, S.PREPROCESSED),
]
LEGAL_PAIRS = {(action, source) for action, source, _ in LEGAL}
ILLEGAL = [(action, status) for action in TRANSITIONS for status in S.values if (action, status) not in LEGAL_PAIRS]


def _changes(action, other_engineer):
    return {"engineer": other_engineer} if action in ("dispatch", "reassign") else None


def test_the_table_has_exactly_the_sop_actions():
    assert set(TRANSITIONS) == {action for action, _, _ in LEGAL}


@pytest.mark.parametrize(("action", "source", "target"), LEGAL, ids=[f"{a}:{s}" for a, s, _ in LEGAL])
def test_legal_step_moves_the_ticket_and_appends_one_event(action, source, target, ticket_in, manager, other_engineer):
    ticket = ticket_in(source, resume_status=S.REPLIED if source == S.WAITING else "")

    result = services.ticket_transition(ticket=ticket, action=action, actor=manager,
                                        changes=_changes(action, other_engineer), note="ok")

    stored = Ticket.objects.get(pk=ticket.pk)
    assert (result.status, stored.status, stored.version) == (target, target, 2)
    event = TicketEvent.objects.get(ticket=ticket)
    assert (event.action, event.from_status, event.to_status, event.actor, event.note) == (
        action, source, target, manager, "ok")
    assert event.at == stored.updated_at


@pytest.mark.parametrize(("action", "status"), ILLEGAL, ids=[f"{a}:{s}" for a, s in ILLEGAL])
def test_illegal_jump_is_refused_and_nothing_is_written(action, status, ticket_in, manager, other_engineer):
    ticket = ticket_in(status)

    with translation.override("en"):
        with pytest.raises(TransitionNotAllowed) as refused:
            services.ticket_transition(ticket=ticket, action=action, actor=manager,
                                       changes=_changes(action, other_engineer))
        label = str(S(status).label)  # lazy: resolve it in English too, like the message

    assert isinstance(refused.value, ApplicationError)
    assert refused.value.code == "transition_not_allowed"
    assert refused.value.status == 409
    assert f"while the ticket is “{label}”" in str(refused.value.message)
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.status, stored.version) == (status, 1)
    assert not TicketEvent.objects.filter(ticket=ticket).exists()


def test_a_refusal_names_the_step_and_the_status_in_words(ticket_in, manager):
    ticket = ticket_in(S.DISPATCHED)
    with translation.override("en"), pytest.raises(TransitionNotAllowed) as refused:
        services.ticket_preprocess(ticket=ticket, actor=manager)
    assert str(refused.value.message) == "“Pre-process” is not allowed while the ticket is “Dispatched”."


def test_each_stamp_is_written_once_and_a_failed_callback_keeps_the_first(reception, manager, engineer):
    t0 = datetime(2026, 3, 2, 9, 0, 13, tzinfo=SHANGHAI)
    with time_machine.travel(t0, tick=False) as clock:
        ticket = services.ticket_create(created_by=reception, **_intake())
        steps = [
            (5, "preprocess", {}), (12, "dispatch", {"engineer": engineer}), (30, "reply", {}),
            (90, "solve", {}), (100, "callback_failed", {}), (110, "dispatch", {"engineer": engineer}),
            (140, "solve", {}), (150, "callback_ok", {}), (151, "close", {}),
        ]
        for minutes, action, changes in steps:
            clock.move_to(t0 + timedelta(minutes=minutes))
            ticket = services.ticket_transition(ticket=ticket, action=action, actor=manager, changes=changes or None)

    at = lambda minutes: t0 + timedelta(minutes=minutes)  # noqa: E731
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.status == S.CLOSED
    assert (stored.created_at, stored.preprocessed_at, stored.dispatched_at, stored.replied_at) == (
        at(0), at(5), at(12), at(30))
    assert (stored.solved_at, stored.called_back_at, stored.closed_at) == (at(90), at(150), at(151))
    events = list(TicketEvent.objects.filter(ticket=ticket).order_by("at", "id").values_list("action", "at"))
    assert events == [("register", at(0))] + [(action, at(minutes)) for minutes, action, _ in steps]


def test_timeline_is_shown_to_the_minute(reception_client, reception, manager):
    with time_machine.travel(datetime(2026, 3, 2, 9, 7, 59, tzinfo=SHANGHAI), tick=False):
        ticket = services.ticket_create(created_by=reception, **_intake())
        services.ticket_preprocess(ticket=ticket, actor=manager, note="远程指导")
    page = reception_client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert '<time datetime="2026-03-02T09:07:59+08:00">2026-03-02 09:07</time>' in page
    assert "远程指导" in page


# --- the same refusal through the other doors -------------------------------------------------------------

def test_api_refuses_an_illegal_jump_with_409_problem_json(reception_api, ticket_in):
    ticket = ticket_in(S.DISPATCHED)

    response = reception_api.post(reverse("api:ticket-preprocess", args=[ticket.number]), {}, format="json",
                                  HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "urn:servicedesk:transition_not_allowed"
    assert body["errors"] == {"status": ["“Pre-process” is not allowed while the ticket is “Dispatched”."]}
    assert Ticket.objects.get(pk=ticket.pk).status == S.DISPATCHED
    assert not TicketEvent.objects.filter(ticket=ticket).exists()


def test_api_dispatch_of_a_registered_ticket_is_refused(reception_api, ticket_in, engineer):
    ticket = ticket_in(S.REGISTERED)
    response = reception_api.post(reverse("api:ticket-dispatch", args=[ticket.number]),
                                  {"engineer": engineer.username}, format="json")
    assert response.status_code == 409
    assert response.json()["type"] == "urn:servicedesk:transition_not_allowed"
    assert Ticket.objects.get(pk=ticket.pk).engineer is None


def test_page_refusal_is_a_200_htmx_fragment_with_the_error(reception_client, ticket_in):
    ticket = ticket_in(S.DISPATCHED)

    response = reception_client.post(reverse("tickets:action", args=[ticket.number, "preprocess"]),
                                     {"priority": "high"}, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # a fragment for #ticket-body, not a page
    assert 'data-testid="action-error"' in html
    assert "is not allowed while the ticket is “Dispatched”" in html
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.status, stored.priority) == (S.DISPATCHED, "normal")


def test_page_refusal_without_htmx_is_a_409_page_with_the_error(reception_client, ticket_in, engineer):
    ticket = ticket_in(S.CLOSED)
    response = reception_client.post(reverse("tickets:action", args=[ticket.number, "dispatch"]),
                                     {"engineer": engineer.pk}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert "is not allowed while the ticket is “Closed”" in response.content.decode()


def test_page_step_succeeds_through_htmx_and_shows_the_new_status(reception_client, ticket_in, engineer):
    ticket = ticket_in(S.PREPROCESSED)
    response = reception_client.post(reverse("tickets:action", args=[ticket.number, "dispatch"]),
                                     {"engineer": engineer.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.status, stored.engineer) == (S.DISPATCHED, engineer)
    assert f'data-testid="engineer">{engineer.first_name}' in response.content.decode()


def test_a_field_refusal_reopens_its_panel_with_the_error(reception_client, ticket_in, other_engineer):
    ticket = ticket_in(S.DISPATCHED)
    response = reception_client.post(reverse("tickets:action", args=[ticket.number, "reassign"]),
                                     {"engineer": other_engineer.pk, "note": "   "}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    # the reason is asked for where it is typed: the reassign panel open, its form drawn (it loads when opened)
    assert re.search(r'<details class="card shadow-sm mb-3" data-testid="reassign-panel"\s+open>', html)
    assert 'data-testid="error-note"' in html
    assert Ticket.objects.get(pk=ticket.pk).engineer != other_engineer


def _intake() -> dict:
    body = intake_payload()
    body["customer"]["phone"] = "+8613800138000"
    body["device"]["purchase_date"] = body["device"]["invoice_date"] = timezone.localdate() - timedelta(days=3)
    return {"customer": body["customer"], "device": body["device"], "kind": "repair",
            "fault_description": body["fault_description"]}
