"""An unanswered call is recorded only when its retry is due (issue 14, part 8): a second agent or a stale tab
repeating "not reached" within the minute is refused — by the service (409 in the API, the error next to the
field on the page) — so the 2-hour and next-day retries happen before a ticket closes as unreachable. And the
callback step's SLA promise is kept by making the first call on time, answered or not."""
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from callbacks import services
from callbacks.choices import CallbackState
from callbacks.models import Callback, CallbackAttempt
from core.errors import ApplicationError
from sla.choices import ClockState
from sla.models import SlaClock
from tickets.choices import Status
from tickets.models import Ticket

SH = ZoneInfo("Asia/Shanghai")
FRIDAY_10 = datetime(2026, 3, 6, 10, 0, tzinfo=SH)  # a working day, inside the desk's hours
HTMX = {"HTTP_HX_REQUEST": "true"}


def _unreachable_once(walk, reception):
    """Solved at 10:00, first call unanswered at 10:05: the retry is due at 12:05."""
    with time_machine.travel(FRIDAY_10, tick=False) as clock:
        ticket = walk()
        callback = Callback.objects.get(ticket=ticket)
        clock.move_to(FRIDAY_10 + timedelta(minutes=5))
        services.callback_record(callback=callback, actor=reception, reached=False)
    callback.refresh_from_db()
    assert (callback.state, callback.due_at) == (CallbackState.UNREACHABLE, FRIDAY_10 + timedelta(hours=2, minutes=5))
    return ticket, callback


@pytest.mark.django_db
def test_a_second_unanswered_call_before_the_retry_is_refused_and_changes_nothing(walk, reception, manager):
    ticket, callback = _unreachable_once(walk, reception)
    due = callback.due_at
    for moment in (FRIDAY_10 + timedelta(minutes=6), due - timedelta(seconds=1)):  # a minute later; last second
        with time_machine.travel(moment, tick=False), pytest.raises(ApplicationError) as refused:
            services.callback_record(callback=callback, actor=manager, reached=False)
        assert (refused.value.code, refused.value.status, refused.value.field) == (
            "callback_retry_not_due", 409, "reached")
        assert "12:05" in str(refused.value.message)
    callback.refresh_from_db()
    assert (callback.attempts, callback.state) == (1, CallbackState.UNREACHABLE)
    assert CallbackAttempt.objects.filter(callback=callback).count() == 1
    assert Ticket.objects.get(pk=ticket.pk).status == Status.SOLVED

    with time_machine.travel(due, tick=False):  # the retry is due: recorded
        services.callback_record(callback=callback, actor=manager, reached=False)
    assert Callback.objects.get(pk=callback.pk).attempts == 2


@pytest.mark.django_db
def test_a_customer_reached_before_the_retry_time_is_recorded(walk, reception):
    ticket, callback = _unreachable_once(walk, reception)
    with time_machine.travel(FRIDAY_10 + timedelta(minutes=30), tick=False):  # the customer calls back
        services.callback_record(callback=callback, actor=reception, reached=True, outcome="fixed")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED


@pytest.mark.django_db
def test_the_api_answers_409_with_the_reason(walk, reception, reception_api):
    _ticket, callback = _unreachable_once(walk, reception)
    with time_machine.travel(FRIDAY_10 + timedelta(minutes=7), tick=False):
        response = reception_api.post(f"/api/v1/callbacks/{callback.pk}/attempts/", {"reached": False},
                                      format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "urn:servicedesk:callback_retry_not_due"
    assert "The next call to this customer is due at 2026-03-06 12:05" in body["title"]
    assert list(body["errors"]) == ["reached"]
    assert Callback.objects.get(pk=callback.pk).attempts == 1


@pytest.mark.django_db
def test_the_page_shows_the_refusal_in_chinese_next_to_the_field(walk, reception, reception_client):
    _ticket, callback = _unreachable_once(walk, reception)
    with time_machine.travel(FRIDAY_10 + timedelta(minutes=7), tick=False):
        reception_client.force_login(reception)
        response = reception_client.post(reverse("callbacks:record", args=[callback.pk]),
                                         {f"cb{callback.pk}-reached": "no"}, **HTMX)
    assert response.status_code == 200
    assert "下一次回访时间为 2026-03-06 12:05" in response.content.decode()
    assert Callback.objects.get(pk=callback.pk).attempts == 1


# --- the callback step's SLA clock stops at the first call ------------------------------------------------

def _callback_clock(ticket) -> SlaClock:
    return SlaClock.objects.filter(ticket=ticket, step="callback").order_by("-round").first()


@pytest.mark.django_db
def test_an_unanswered_first_call_on_time_meets_the_callback_step(walk, reception):
    _ticket, callback = _unreachable_once(walk, reception)
    clock = _callback_clock(callback.ticket)
    assert (clock.state, clock.met_at, clock.breached_at) == (ClockState.MET, FRIDAY_10 + timedelta(minutes=5), None)
    with time_machine.travel(callback.due_at + timedelta(hours=1), tick=False):  # answered much later
        services.callback_record(callback=callback, actor=reception, reached=True, outcome="fixed")
    clock.refresh_from_db()
    assert (clock.state, clock.met_at) == (ClockState.MET, FRIDAY_10 + timedelta(minutes=5))  # the first call counts


@pytest.mark.django_db
def test_a_first_call_after_the_target_breaches_the_callback_step_answered_or_not(walk, reception):
    with time_machine.travel(FRIDAY_10, tick=False) as clock:
        ticket = walk()
        clock.move_to(FRIDAY_10 + timedelta(minutes=25))  # target: 20 minutes
        services.callback_record(callback=Callback.objects.get(ticket=ticket), actor=reception, reached=False)
    stopped = _callback_clock(ticket)
    assert stopped.state == ClockState.BREACHED and stopped.met_at == FRIDAY_10 + timedelta(minutes=25)


# --- two agents at the same moment (PostgreSQL row locks, real threads) --------------------------------------

@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_agents_recording_not_reached_at_once_record_one_attempt(solved, reception, manager):
    ticket, callback = solved
    barrier, results = threading.Barrier(2), []

    def record(actor):
        try:
            barrier.wait()
            services.callback_record(callback=callback, actor=actor, reached=False)
            results.append("ok")
        except ApplicationError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(who,)) for who in (reception, manager)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["callback_retry_not_due", "ok"]
    assert CallbackAttempt.objects.filter(callback=callback).count() == 1
    assert Callback.objects.get(pk=callback.pk).attempts == 1
    assert Ticket.objects.get(pk=ticket.pk).status == Status.SOLVED
