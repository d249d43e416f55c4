"""Pure callback rules over a snapshot of the policy: when a call is due, when to retry, what an
outcome does to the ticket, which outcomes are acceptable. No models, no clock (STYLE §2)."""
from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import chinese_calendar
from django.utils.translation import gettext_lazy as _

from .choices import FAILED_OUTCOMES, CallbackKind, CallbackOutcome, CallbackState

IsWorkday = Callable[[date], bool]


@dataclass(frozen=True)
class PolicySnapshot:
    due_minutes: int = 20
    max_attempts: int = 3
    first_retry_minutes: int = 120
    later_retry_at: time = time(10, 0)
    calling_hours_start: time = time(9, 0)
    calling_hours_end: time = time(20, 0)
    periodic_months: int = 6
    periodic_value_threshold: Decimal = Decimal("5000.00")
    complaint_answer_hours: int = 24

    @classmethod
    def of(cls, policy) -> PolicySnapshot:
        return cls(**{name: getattr(policy, name) for name in cls.__dataclass_fields__})


def is_workday(day: date) -> bool:
    """Chinese working days, 调休 included; outside the library's years, Monday to Friday."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def _in_calling_hours(policy: PolicySnapshot, local: datetime) -> bool:
    return policy.calling_hours_start <= local.time() < policy.calling_hours_end


def _at(day: date, clock: time, tz) -> datetime:
    return datetime.combine(day, clock, tzinfo=tz)


def into_calling_hours(policy: PolicySnapshot, local: datetime) -> datetime:
    """`local` itself within calling hours, else the next time they open: nobody is called at night."""
    if _in_calling_hours(policy, local):
        return local
    day = local.date() if local.time() < policy.calling_hours_start else local.date() + timedelta(days=1)
    return _at(day, policy.calling_hours_start, local.tzinfo)


def first_due_at(policy: PolicySnapshot, solved_at: datetime) -> datetime:
    """Seed 002: the callback is due `due_minutes` after the solution (within calling hours)."""
    return into_calling_hours(policy, solved_at + timedelta(minutes=policy.due_minutes))


def next_working_day_at(after: date, clock: time, tz, workday: IsWorkday = is_workday) -> datetime:
    day = after + timedelta(days=1)
    while not workday(day):
        day += timedelta(days=1)
    return _at(day, clock, tz)


def next_attempt_at(policy: PolicySnapshot, *, unreachable_attempts: int, at: datetime,
                    workday: IsWorkday = is_workday) -> datetime | None:
    """When to call again after the n-th unreachable attempt at `at` (local time); None = give up.

    The first retry comes `first_retry_minutes` later if that is still within calling hours;
    every later retry (or a first one that would fall after hours) is on the next working day at
    `later_retry_at`."""
    if unreachable_attempts >= policy.max_attempts:
        return None
    if unreachable_attempts == 1:
        soon = at + timedelta(minutes=policy.first_retry_minutes)
        if soon.date() == at.date() and _in_calling_hours(policy, soon):
            return soon
    return next_working_day_at(at.date(), policy.later_retry_at, at.tzinfo, workday)


def retry_not_due(*, state: str, due_at: datetime | None, now: datetime, reached: bool) -> bool:
    """An unanswered call is recorded only once the retry is due (the 2-hour and next-day retries are the
    schedule, seed 002): one made before then is a second agent or a stale page repeating the call just
    recorded. A reached customer is always recorded — they may be calling us back."""
    return not reached and state == CallbackState.UNREACHABLE and due_at is not None and now < due_at


def ticket_actions_for(outcome: str) -> tuple[str, ...]:
    """The ticket steps an outcome takes (tickets.workflow): only a confirmed fix closes (销障)."""
    if outcome == CallbackOutcome.FIXED:
        return ("callback_ok", "close")
    if outcome in FAILED_OUTCOMES:
        return ("callback_failed",)  # 回访不合格: back to the engineer, never silently closed
    if outcome == CallbackOutcome.UNREACHABLE:
        return ("close_unreachable",)
    return ()


def outcome_errors(*, kind: str, reached: bool, outcome: str, scores: Mapping[str, int | None],
                   comments: str, complaint: str) -> dict[str, str]:
    """Field errors for one recorded call; empty when it may be stored."""
    errors: dict[str, str] = {}
    for field, value in scores.items():
        if value is not None and not (isinstance(value, int) and 1 <= value <= 5):
            errors[field] = _("Satisfaction is scored from 1 to 5.")
    if not reached:
        if any(value is not None for value in scores.values()):
            errors.setdefault("reached", _("Scores need a customer who was reached."))
        if complaint.strip():
            errors["complaint"] = _("A complaint needs a customer who was reached.")
        return errors
    allowed = (CallbackOutcome.CONTACTED,) if kind == CallbackKind.PERIODIC else (
        CallbackOutcome.FIXED, *FAILED_OUTCOMES)
    if outcome not in allowed:
        errors["outcome"] = _("Choose what the customer said.")
    elif outcome in FAILED_OUTCOMES and not comments.strip():
        errors["comments"] = _("Say what is still wrong: the engineer will read it.")
    return errors


# --- periodic callbacks for high-value products ------------------------------------------------------------

def add_months(day: date, months: int) -> date:
    """Same day of the month `months` later, clamped to the month's end (Aug 31 + 6 → Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def periodic_cutoff(today: date, months: int) -> date:
    """The latest purchase date with at least one full period behind it on `today`:
    add_months(d, months) <= today  ⇔  d <= periodic_cutoff(today, months)."""
    back = add_months(today, -months)
    if today.day == calendar.monthrange(today.year, today.month)[1]:
        return date(back.year, back.month, calendar.monthrange(back.year, back.month)[1])
    return back


def latest_period_boundary(purchased: date, today: date, months: int) -> date | None:
    """The most recent purchase + k×months (k ≥ 1) on or before today; None within the first period."""
    if months <= 0:
        return None
    k = ((today.year - purchased.year) * 12 + today.month - purchased.month) // months
    while k >= 1 and add_months(purchased, k * months) > today:
        k -= 1
    return add_months(purchased, k * months) if k >= 1 else None
