"""Writes on callbacks. A recorded call moves the ticket only through tickets.services."""
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from core.roles import Role, user_has_role
from sla.services import sla_callback_attempted
from tickets import hooks
from tickets import services as ticket_services
from tickets.choices import Status
from tickets.models import Ticket
from tickets.timeline import timeline_record

from . import rules
from .choices import OPEN_STATES, CallbackKind, CallbackOutcome, CallbackState
from .models import Callback, CallbackAttempt, CallbackPolicy

DESK = (Role.RECEPTION, Role.MANAGER)
SCORE_FIELDS = ("score_attitude", "score_quality", "score_price")
DEFAULT_POLICY_START = datetime(2000, 1, 1, tzinfo=timezone.get_fixed_timezone(480))


def policy_current(*, at: datetime) -> CallbackPolicy:
    """The policy in force at `at`. The migration creates a default; a flushed test database
    gets it back here, so a callback always has a policy to point at."""
    policy = CallbackPolicy.objects.filter(effective_from__lte=at).order_by("-effective_from", "-id").first()
    if policy is None:
        policy = CallbackPolicy.objects.create(name=gettext("Default callback policy"),
                                               effective_from=DEFAULT_POLICY_START)
    return policy


def _check_desk(actor) -> None:
    if not user_has_role(actor, *DESK):
        raise ApplicationError(_("Only the callback desk may record callbacks."), code="forbidden", status=403)


def _timeline(*, ticket: Ticket | None, actor, action: str, at: datetime, note: str, data: Mapping) -> None:
    if ticket is not None:
        timeline_record(ticket=ticket, actor=actor, action=action, at=at, note=note, data=data)


# --- reacting to ticket steps (called from tickets/effects.py, inside the ticket's transaction) ---------

def callback_schedule_for_solution(*, ticket: Ticket, at: datetime) -> Callback:
    """A solution was recorded: the callback is due within the policy's minutes (seed 002: 20)."""
    open_one = Callback.objects.filter(ticket=ticket, kind=CallbackKind.SOLUTION, state__in=OPEN_STATES).first()
    if open_one is not None:
        return open_one
    policy = policy_current(at=at)
    due = rules.first_due_at(rules.PolicySnapshot.of(policy), timezone.localtime(at))
    return Callback.objects.create(
        kind=CallbackKind.SOLUTION, ticket=ticket, customer_id=ticket.customer_id, device_id=ticket.device_id,
        policy=policy, due_at=due, first_due_at=due, created_at=at,
    )


def callbacks_settle_elsewhere(*, ticket: Ticket, at: datetime, actor) -> int:
    """The ticket left SOLVED by a step not taken at the callback desk (an older client calling
    ticket_transition directly): its open callback must not linger on the desk's list."""
    return Callback.objects.filter(ticket=ticket, state__in=OPEN_STATES).update(
        state=CallbackState.CLOSED, outcome=CallbackOutcome.SETTLED_ELSEWHERE, completed_at=at, completed_by=actor)


def callbacks_cancel_with_ticket(*, ticket: Ticket, at: datetime, actor) -> int:
    """The ticket was cancelled (issue 14): its open callbacks leave the desk's list, closed as such."""
    return Callback.objects.filter(ticket=ticket, state__in=OPEN_STATES).update(
        state=CallbackState.CLOSED, outcome=CallbackOutcome.TICKET_CANCELLED, completed_at=at, completed_by=actor)


# --- recording a call --------------------------------------------------------------------------------------

NO_SOLUTION = _("No solution is recorded on this ticket: there is nothing to confirm yet.")


def _ticket_has_solution(ticket: Ticket | None) -> bool:
    return ticket is not None and ticket.status == Status.SOLVED and ticket.solved_at is not None


def callback_for_ticket(*, ticket: Ticket) -> Callback:
    """The open callback of a solved ticket (made now for one solved before callbacks existed)."""
    if not _ticket_has_solution(ticket):
        raise ApplicationError(NO_SOLUTION, code="no_solution", field="outcome")
    open_one = Callback.objects.filter(ticket=ticket, state__in=OPEN_STATES).order_by("-created_at").first()
    return open_one or callback_schedule_for_solution(ticket=ticket, at=ticket.solved_at)


@transaction.atomic
def callback_record(
    *, callback: Callback, actor, reached: bool, outcome: str = "", score_attitude: int | None = None,
    score_quality: int | None = None, score_price: int | None = None, comments: str = "", complaint: str = "",
    promised_answer_at: datetime | None = None,
) -> Callback:
    """One call to the customer. Reached: the outcome decides the ticket's next step (rules.ticket_actions_for).
    Not reached: retried on the policy's schedule, then closed as unreachable and flagged for the manager."""
    _check_desk(actor)
    cb = Callback.objects.select_for_update(of=("self",)).select_related("policy").get(pk=callback.pk)
    if cb.state not in OPEN_STATES:
        raise ApplicationError(_("This callback is already finished."), code="callback_finished", field="outcome")
    ticket = None
    if cb.ticket_id:
        ticket = Ticket.objects.select_related("customer", "device", "engineer").get(pk=cb.ticket_id)
        cb.ticket = ticket  # one instance for the whole call: each timeline entry bumps its version guard
    if cb.kind == CallbackKind.SOLUTION and not _ticket_has_solution(ticket):
        raise ApplicationError(NO_SOLUTION, code="no_solution", field="outcome")
    now = timezone.now()
    # The row is locked: a second agent (or a stale tab) waits here, then sees the first one's retry time.
    if rules.retry_not_due(state=cb.state, due_at=cb.due_at, now=now, reached=reached):
        raise ApplicationError(
            gettext("The next call to this customer is due at %(at)s: an unanswered call before then is not "
                    "recorded (someone may have just called).") % {
                "at": timezone.localtime(cb.due_at).strftime("%Y-%m-%d %H:%M")},
            code="callback_retry_not_due", field="reached", status=409)
    comments, complaint = (comments or "").strip(), (complaint or "").strip()
    scores = dict(zip(SCORE_FIELDS, (score_attitude, score_quality, score_price)))
    errors = rules.outcome_errors(kind=cb.kind, reached=reached, outcome=outcome, scores=scores,
                                  comments=comments, complaint=complaint)
    if errors:
        raise ValidationError({field: [message] for field, message in errors.items()})
    if cb.attempts == 0 and ticket is not None:
        # The callback step's promise (seed 002: call within 20 minutes) is kept by making the call,
        # answered or not: its SLA clock stops at the first attempt.
        sla_callback_attempted(ticket=ticket, at=now)
    cb.attempts += 1
    cb.last_attempt_at = now
    attempt = CallbackAttempt(callback=cb, number=cb.attempts, at=now, by=actor, reached=reached,
                              outcome=outcome if reached else CallbackOutcome.UNREACHABLE, note=comments)
    if reached:
        _record_reached(cb, actor=actor, outcome=outcome, scores=scores, comments=comments, now=now)
        if complaint:
            from .complaints import complaint_create_from_callback

            cb.complaint_ticket = complaint_create_from_callback(
                callback=cb, actor=actor, text=complaint, promised_answer_at=promised_answer_at).ticket
    else:
        attempt.next_attempt_at = _record_unreachable(cb, ticket=ticket, actor=actor, comments=comments, now=now)
    attempt.save()
    cb.save()  # before the ticket moves: the ticket's hooks must see this callback finished
    _move_ticket(cb, ticket=ticket, actor=actor, comments=comments)
    return cb


def _record_reached(cb: Callback, *, actor, outcome: str, scores: Mapping[str, Any], comments: str,
                    now: datetime) -> None:
    cb.outcome, cb.comments = outcome, comments
    cb.fixed = {CallbackOutcome.FIXED: True, CallbackOutcome.CONTACTED: None}.get(outcome, False)
    cb.state = CallbackState.FAILED if outcome in (CallbackOutcome.NOT_FIXED, CallbackOutcome.DISPUTED) \
        else CallbackState.DONE
    for field, value in scores.items():
        setattr(cb, field, value)
    cb.completed_at, cb.completed_by = now, actor


def _record_unreachable(cb: Callback, *, ticket, actor, comments: str, now: datetime) -> datetime | None:
    policy = rules.PolicySnapshot.of(cb.policy)
    next_at = rules.next_attempt_at(policy, unreachable_attempts=cb.attempts, at=timezone.localtime(now))
    if next_at is not None:
        cb.state, cb.due_at = CallbackState.UNREACHABLE, next_at
        data = {"attempt": cb.attempts, "max_attempts": policy.max_attempts, "next_attempt_at": next_at.isoformat()}
        note = gettext("Customer unreachable (attempt %(n)d of %(max)d); next call %(at)s.") % {
            "n": cb.attempts, "max": policy.max_attempts, "at": timezone.localtime(next_at).strftime("%Y-%m-%d %H:%M")}
        _timeline(ticket=ticket, actor=actor, action="callback_attempt", at=now,
                  note=f"{note}\n{comments}".strip(), data=data)
        return next_at
    cb.state, cb.outcome = CallbackState.CLOSED, CallbackOutcome.UNREACHABLE
    cb.completed_at, cb.completed_by = now, actor
    cb.manager_flagged, cb.flagged_at = True, now
    cb.comments = comments
    return None


def _move_ticket(cb: Callback, *, ticket, actor, comments: str) -> None:
    if ticket is None:
        return
    scores = {"attitude": cb.score_attitude, "quality": cb.score_quality, "price": cb.score_price}
    for action in rules.ticket_actions_for(cb.outcome):
        if action == "callback_ok":
            note = gettext("Customer confirms it is fixed. Satisfaction %(a)s/%(q)s/%(p)s.") % {
                "a": cb.score_attitude or "–", "q": cb.score_quality or "–", "p": cb.score_price or "–"}
            ticket = ticket_services.ticket_transition(
                ticket=ticket, action=action, actor=actor, note=f"{note}\n{comments}".strip(),
                data={"callback_id": cb.pk, "scores": scores})
        elif action == "close":
            ticket = _close_unless_held(ticket=ticket, actor=actor)
        elif action == "callback_failed":
            ticket = _send_back_to_engineer(cb, ticket=ticket, actor=actor, reason=comments)
        elif action == "close_unreachable":
            note = gettext("Customer unreachable after %(n)d attempts: closed, the manager is told.") % {
                "n": cb.attempts}
            ticket = ticket_services.ticket_transition(
                ticket=ticket, action=action, actor=actor, note=f"{note}\n{comments}".strip(),
                data={"callback_id": cb.pk, "attempts": cb.attempts})


def _close_unless_held(*, ticket: Ticket, actor) -> Ticket:
    """The customer confirmed the fix. Another app may hold the close (a return's refund not paid yet,
    refunds/apps.py): the confirmation stands, the ticket waits "called back" with the reason on its
    timeline, and that app closes it when its part is done."""
    try:
        hooks.run_guards(ticket=ticket, action="close", data={"after": "callback"})
    except ApplicationError as held:
        timeline_record(ticket=ticket, actor=actor, action="note", note=str(held.message))
        return ticket
    return ticket_close_after_callback(ticket=ticket, actor=actor)


def _send_back_to_engineer(cb: Callback, *, ticket: Ticket, actor, reason: str) -> Ticket:
    """回访不合格: the ticket is reopened with the customer's words, and goes straight back to the
    engineer who solved it when they can still take it; otherwise the desk dispatches it again."""
    label = cb.get_outcome_display()
    ticket = ticket_services.ticket_transition(
        ticket=ticket, action="callback_failed", actor=actor, note=f"{label}: {reason}",
        data={"callback_id": cb.pk, "outcome": cb.outcome, "reason": reason})
    engineer = ticket.engineer
    if engineer is not None and engineer.is_active and user_has_role(engineer, Role.ENGINEER):
        ticket = ticket_services.ticket_dispatch(
            ticket=ticket, actor=actor, engineer=engineer,
            note=gettext("Back to the same engineer after the callback: %(reason)s") % {"reason": reason})
    return ticket


@transaction.atomic
def ticket_close_after_callback(*, ticket: Ticket, actor) -> Ticket:
    """销障: only after a successful callback (the ticket is CALLED_BACK and its callback is done)."""
    _check_desk(actor)
    confirmed = Callback.objects.filter(ticket=ticket, state=CallbackState.DONE, outcome=CallbackOutcome.FIXED)
    if ticket.status != Status.CALLED_BACK or not confirmed.exists():
        raise ApplicationError(_("A ticket closes only after the customer confirmed the fix on a callback."),
                               code="callback_required", field="status")
    hooks.run_guards(ticket=ticket, action="close", data={"after": "callback"})
    return ticket_services.ticket_transition(ticket=ticket, action="close", actor=actor)


@transaction.atomic
def callback_flag_acknowledge(*, callback: Callback, actor) -> Callback:
    if not user_has_role(actor, Role.MANAGER):
        raise ApplicationError(_("Only a manager may acknowledge this."), code="forbidden", status=403)
    now = timezone.now()
    updated = Callback.objects.filter(pk=callback.pk, manager_flagged=True, flag_acknowledged_at=None).update(
        flag_acknowledged_at=now, flag_acknowledged_by=actor)
    if not updated:
        raise ApplicationError(_("This flag was already acknowledged."), code="already_acknowledged")
    callback.refresh_from_db()
    return callback
