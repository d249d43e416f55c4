"""Callbacks through the services: each outcome path, the retry schedule on a frozen clock, each refusal."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from callbacks import services
from callbacks.choices import CallbackKind, CallbackOutcome, CallbackState
from callbacks.models import Callback, CallbackAttempt, CallbackPolicy, Complaint
from callbacks.selectors import callbacks_due, callbacks_flagged
from callbacks.sweep import callback_retries_reopen
from core.errors import ApplicationError, TransitionNotAllowed
from tickets import services as ticket_services
from tickets.choices import Kind, Status
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def _events(ticket) -> list[str]:
    return list(TicketEvent.objects.filter(ticket=ticket).order_by("at", "id").values_list("action", flat=True))


def test_a_solution_makes_a_callback_due_in_twenty_minutes(walk):
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, 30, tzinfo=SH), tick=False):
        ticket = walk()
    callback = Callback.objects.get(ticket=ticket)
    assert (callback.kind, callback.state, callback.attempts) == (CallbackKind.SOLUTION, CallbackState.DUE, 0)
    assert callback.due_at == callback.first_due_at == datetime(2026, 3, 2, 10, 20, 30, tzinfo=SH)
    assert callback.customer == ticket.customer and callback.device == ticket.device


def test_the_policy_in_force_is_stored_and_a_later_policy_applies_to_new_callbacks_only(walk):
    # Inside working hours: after hours a due time moves to the next morning whatever the policy says.
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=SH), tick=False):
        first = walk(phone="+8613800138001")
        CallbackPolicy.objects.create(name="快速回访", effective_from=timezone.now() - timedelta(seconds=1),
                                      due_minutes=5)
        second = walk(phone="+8613800138002")
    old, new = Callback.objects.get(ticket=first), Callback.objects.get(ticket=second)
    assert old.policy.due_minutes == 20 and new.policy.due_minutes == 5
    assert new.due_at - second.solved_at <= timedelta(minutes=5) < old.due_at - first.solved_at


def test_fixed_and_confirmed_closes_the_ticket_with_the_scores(solved, reception):
    ticket, callback = solved

    result = services.callback_record(callback=callback, actor=reception, reached=True, outcome="fixed",
                                      score_attitude=5, score_quality=4, score_price=4, comments="很满意")

    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.status == Status.CLOSED and stored.called_back_at and stored.closed_at
    assert (result.state, result.outcome, result.fixed, result.scores) == (
        CallbackState.DONE, CallbackOutcome.FIXED, True, (5, 4, 4))
    assert _events(ticket)[-2:] == ["callback_ok", "close"]
    ok = TicketEvent.objects.get(ticket=ticket, action="callback_ok")
    assert ok.data["scores"] == {"attitude": 5, "quality": 4, "price": 4} and "5/4/4" in ok.note
    assert list(CallbackAttempt.objects.filter(callback=callback).values_list("number", "reached", "outcome")) == [
        (1, True, "fixed")]


@pytest.mark.parametrize("outcome", ["not_fixed", "disputed"])
def test_not_fixed_or_disputed_goes_back_to_the_same_engineer_with_the_reason(solved, reception, engineer, outcome):
    ticket, callback = solved

    services.callback_record(callback=callback, actor=reception, reached=True, outcome=outcome,
                             score_attitude=3, comments="屏幕还是闪")

    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.status, stored.engineer) == (Status.DISPATCHED, engineer)  # never silently closed
    assert stored.closed_at is None
    assert _events(ticket)[-2:] == ["callback_failed", "dispatch"]
    failed = TicketEvent.objects.get(ticket=ticket, action="callback_failed")
    assert "屏幕还是闪" in failed.note and failed.data["reason"] == "屏幕还是闪"
    assert "屏幕还是闪" in TicketEvent.objects.filter(ticket=ticket, action="dispatch").last().note
    assert Callback.objects.get(pk=callback.pk).state == CallbackState.FAILED
    assert not callbacks_due(user=reception, now=timezone.now()).exists()


def test_not_fixed_with_an_engineer_who_left_stays_reopened_for_the_desk(solved, reception, engineer):
    ticket, callback = solved
    engineer.is_active = False
    engineer.save()

    services.callback_record(callback=callback, actor=reception, reached=True, outcome="not_fixed", comments="没修好")

    assert Ticket.objects.get(pk=ticket.pk).status == Status.REOPENED
    assert _events(ticket)[-1] == "callback_failed"


def test_solving_again_after_a_failed_callback_opens_a_new_callback(solved, reception, engineer):
    from tickets.engineering.services import ticket_solve

    ticket, callback = solved
    services.callback_record(callback=callback, actor=reception, reached=True, outcome="not_fixed", comments="还闪")
    ticket_solve(ticket=Ticket.objects.get(pk=ticket.pk), actor=engineer, kind="shop_repair", plan="换主板",
                 result="正常")
    assert list(Callback.objects.filter(ticket=ticket).order_by("id").values_list("state", flat=True)) == [
        CallbackState.FAILED, CallbackState.DUE]


def test_unreachable_retries_follow_the_policy_then_close_and_flag_the_manager(walk, reception, manager):
    friday_10 = datetime(2026, 3, 6, 10, 0, tzinfo=SH)
    with time_machine.travel(friday_10, tick=False) as clock:
        ticket = walk()
        callback = Callback.objects.get(ticket=ticket)
        assert callback.due_at == friday_10 + timedelta(minutes=20)

        clock.move_to(friday_10 + timedelta(minutes=25))
        services.callback_record(callback=callback, actor=reception, reached=False, comments="无人接听")
        callback.refresh_from_db()
        assert (callback.state, callback.attempts, callback.due_at) == (
            CallbackState.UNREACHABLE, 1, datetime(2026, 3, 6, 12, 25, tzinfo=SH))
        assert not callbacks_due(user=reception, now=timezone.now()).exists()  # not before its time

        clock.move_to(datetime(2026, 3, 6, 12, 24, tzinfo=SH))
        assert callback_retries_reopen(now=timezone.now()) == 0
        clock.move_to(datetime(2026, 3, 6, 12, 25, tzinfo=SH))
        assert callback_retries_reopen(now=timezone.now()) == 1
        assert callback_retries_reopen(now=timezone.now()) == 0  # idempotent
        assert list(callbacks_due(user=reception, now=timezone.now())) == [callback]

        clock.move_to(datetime(2026, 3, 6, 12, 40, tzinfo=SH))
        services.callback_record(callback=callback, actor=reception, reached=False)
        callback.refresh_from_db()
        # The second retry waits for the next working day at 10:00: Monday, past the weekend.
        assert (callback.state, callback.due_at) == (CallbackState.UNREACHABLE, datetime(2026, 3, 9, 10, 0, tzinfo=SH))

        clock.move_to(datetime(2026, 3, 9, 10, 3, tzinfo=SH))
        assert callback_retries_reopen(now=timezone.now()) == 1
        assert Ticket.objects.get(pk=ticket.pk).status == Status.SOLVED  # still open after two misses
        services.callback_record(callback=callback, actor=reception, reached=False, comments="关机")

    callback.refresh_from_db()
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (callback.state, callback.outcome, callback.attempts) == (CallbackState.CLOSED, "unreachable", 3)
    assert callback.manager_flagged and callback.flagged_at == datetime(2026, 3, 9, 10, 3, tzinfo=SH)
    assert (stored.status, stored.closed_at) == (Status.CLOSED, datetime(2026, 3, 9, 10, 3, tzinfo=SH))
    assert _events(ticket)[-3:] == ["callback_attempt", "callback_attempt", "close_unreachable"]
    assert list(callbacks_flagged(user=manager)) == [callback]
    assert [a.next_attempt_at for a in callback.calls.order_by("number")] == [
        datetime(2026, 3, 6, 12, 25, tzinfo=SH), datetime(2026, 3, 9, 10, 0, tzinfo=SH), None]


def test_the_number_of_attempts_is_policy_data(walk, reception):
    CallbackPolicy.objects.create(name="一次", effective_from=timezone.now() - timedelta(seconds=1), max_attempts=1)
    ticket = walk()
    services.callback_record(callback=Callback.objects.get(ticket=ticket), actor=reception, reached=False)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED


def test_a_complaint_on_the_call_opens_a_linked_complaint_ticket(solved, reception):
    ticket, callback = solved
    promise = timezone.now() + timedelta(hours=4)

    result = services.callback_record(callback=callback, actor=reception, reached=True, outcome="fixed",
                                      score_attitude=2, score_quality=4, score_price=3,
                                      complaint="上门工程师迟到两小时", promised_answer_at=promise)

    complaint = Complaint.objects.get(source_ticket=ticket)
    assert result.complaint_ticket == complaint.ticket
    assert (complaint.ticket.kind, complaint.callback, complaint.promised_answer_at) == (Kind.COMPLAINT, result, promise)
    assert complaint.ticket.customer == ticket.customer and "上门工程师迟到两小时" in complaint.ticket.fault_description
    assert "complaint_raised" in _events(ticket)


def test_a_complaint_registered_at_intake_gets_the_policy_promise(reception):
    from tests.callbacks.conftest import intake

    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SH), tick=False):
        ticket = ticket_services.ticket_create(created_by=reception, **{**intake(), "kind": Kind.COMPLAINT})
    assert Complaint.objects.get(ticket=ticket).promised_answer_at == datetime(2026, 3, 3, 9, 0, tzinfo=SH)


def test_a_direct_step_past_the_desk_settles_the_open_callback(solved, manager):
    ticket, callback = solved
    ticket_services.ticket_transition(ticket=ticket, action="callback_ok", actor=manager)
    callback.refresh_from_db()
    assert (callback.state, callback.outcome) == (CallbackState.CLOSED, CallbackOutcome.SETTLED_ELSEWHERE)


# --- refusals ------------------------------------------------------------------------------------------------

def test_refused_on_a_ticket_with_no_solution(walk, reception):
    ticket = walk(solve=False)
    with pytest.raises(ApplicationError) as refused:
        services.callback_for_ticket(ticket=ticket)
    assert refused.value.code == "no_solution"
    # A callback row whose ticket has no solution (the ticket moved on) is refused too.
    stray = Callback.objects.create(ticket=ticket, customer=ticket.customer, policy=services.policy_current(
        at=timezone.now()), due_at=timezone.now(), first_due_at=timezone.now(), created_at=timezone.now())
    with pytest.raises(ApplicationError) as refused:
        services.callback_record(callback=stray, actor=reception, reached=True, outcome="fixed")
    assert refused.value.code == "no_solution"
    assert (Ticket.objects.get(pk=ticket.pk).status, stray.calls.count()) == (Status.DISPATCHED, 0)


@pytest.mark.parametrize(("field", "value"), [("score_attitude", 0), ("score_quality", 6), ("score_price", -1)])
def test_satisfaction_outside_one_to_five_is_refused_and_nothing_moves(solved, reception, field, value):
    ticket, callback = solved
    with pytest.raises(ValidationError) as refused:
        services.callback_record(callback=callback, actor=reception, reached=True, outcome="fixed", **{field: value})
    assert set(refused.value.message_dict) == {field}
    assert Ticket.objects.get(pk=ticket.pk).status == Status.SOLVED
    assert (Callback.objects.get(pk=callback.pk).attempts, CallbackAttempt.objects.count()) == (0, 0)


def test_not_fixed_without_a_reason_is_refused(solved, reception):
    _ticket, callback = solved
    with pytest.raises(ValidationError) as refused:
        services.callback_record(callback=callback, actor=reception, reached=True, outcome="not_fixed")
    assert set(refused.value.message_dict) == {"comments"}


def test_closing_without_a_callback_is_refused_by_the_status_table(solved, manager):
    ticket, _callback = solved
    with pytest.raises(TransitionNotAllowed):
        ticket_services.ticket_transition(ticket=ticket, action="close", actor=manager)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.SOLVED


def test_closing_without_a_successful_callback_is_refused_by_the_desk_service(solved, reception, manager):
    ticket, callback = solved
    with pytest.raises(ApplicationError) as refused:
        services.ticket_close_after_callback(ticket=ticket, actor=manager)
    assert refused.value.code == "callback_required"
    # Even CALLED_BACK by a step past the desk does not count as a confirmed fix.
    ticket = ticket_services.ticket_transition(ticket=ticket, action="callback_ok", actor=manager)
    with pytest.raises(ApplicationError):
        services.ticket_close_after_callback(ticket=ticket, actor=manager)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CALLED_BACK


def test_a_finished_callback_cannot_be_recorded_again(solved, reception):
    _ticket, callback = solved
    services.callback_record(callback=callback, actor=reception, reached=True, outcome="fixed")
    with pytest.raises(ApplicationError) as refused:
        services.callback_record(callback=callback, actor=reception, reached=False)
    assert refused.value.code == "callback_finished"


def test_an_engineer_may_not_record_a_callback(solved, engineer):
    _ticket, callback = solved
    with pytest.raises(ApplicationError) as refused:
        services.callback_record(callback=callback, actor=engineer, reached=True, outcome="fixed")
    assert refused.value.status == 403


def test_a_complaint_promise_in_the_past_is_refused_and_nothing_is_created(solved, reception):
    ticket, callback = solved
    with pytest.raises(ValidationError) as refused:
        services.callback_record(callback=callback, actor=reception, reached=True, outcome="fixed",
                                 complaint="态度差", promised_answer_at=timezone.now() - timedelta(hours=1))
    assert set(refused.value.message_dict) == {"promised_answer_at"}
    assert (Ticket.objects.filter(kind=Kind.COMPLAINT).count(), Ticket.objects.get(pk=ticket.pk).status) == (
        0, Status.SOLVED)
