"""Arithmetic of one SLA clock (one step of one ticket): due and warning instants, business time
spent, and status.

Pure functions over values (STYLE §2): the service loads the clock row and the calendar snapshot,
calls these with `now` as an argument, and writes due_at / warn_at / next_check_at back.

Pauses are time that is not the company's to spend (waiting for the customer, for parts, at the
manufacturer): open business time inside a pause does not count, so a pause moves the due instant
later. Overlapping pause records (two reasons at once) are merged, never subtracted twice.

The deadline is inclusive: work stopped exactly at the due instant is met; a clock is breached
only once `now` is past it. `is_past_due` is that one definition, for the sweep to share.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, NamedTuple

from sla.businesstime import Calendar, add_business_time, business_time_between

ZERO = timedelta(0)
MINUTE = timedelta(minutes=1)

ClockStatus = Literal["running", "paused", "met", "breached"]


class Pause(NamedTuple):
    start: datetime
    end: datetime | None = None  # None: still paused


PauseLike = Pause | tuple[datetime, datetime | None]


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got naive {value.isoformat()}")
    return value


def _as_pauses(pauses: Iterable[PauseLike]) -> tuple[Pause, ...]:
    result = tuple(Pause(*pause) for pause in pauses)
    for start, end in result:
        _aware(start, "pause start")
        if end is not None and _aware(end, "pause end") < start:
            raise ValueError(f"pause ends ({end.isoformat()}) before it starts ({start.isoformat()})")
    return result


def _merged_pauses(started_at: datetime, pauses: Iterable[PauseLike]) -> list[Pause]:
    """Pauses clipped to the clock's life, in order, overlaps merged; in UTC so that comparisons
    never fall back to wall-clock order (same-tzinfo datetimes compare on the wall clock)."""
    start_utc = started_at.astimezone(UTC)
    clipped = sorted(
        (Pause(max(start.astimezone(UTC), start_utc), None if end is None else end.astimezone(UTC))
         for start, end in _as_pauses(pauses) if end is None or end > start_utc),
        key=lambda pause: pause.start)
    merged: list[Pause] = []
    for pause in clipped:
        if merged and (merged[-1].end is None or pause.start <= merged[-1].end):
            last = merged[-1]
            end = None if last.end is None or pause.end is None else max(last.end, pause.end)
            merged[-1] = Pause(last.start, end)
        else:
            merged.append(pause)
    return merged


@dataclass(frozen=True)
class ClockState:
    started_at: datetime
    target: timedelta  # business time allowed for the step
    warn_ratio: float = 0.8  # warn when this share of the target is spent
    pauses: tuple[Pause, ...] = ()
    stopped_at: datetime | None = None  # the step was done (met, or met late)

    def __post_init__(self) -> None:
        _aware(self.started_at, "started_at")
        if self.target < ZERO:
            raise ValueError(f"target must not be negative, got {self.target}")
        if not 0 < self.warn_ratio <= 1:
            raise ValueError(f"warn_ratio must be in (0, 1], got {self.warn_ratio}")
        object.__setattr__(self, "pauses", _as_pauses(self.pauses))
        if self.stopped_at is not None and _aware(self.stopped_at, "stopped_at") < self.started_at:
            raise ValueError("stopped_at is before started_at")


def compute_due(cal: Calendar, started_at: datetime, target: timedelta,
                pauses: Iterable[PauseLike] = ()) -> datetime | None:
    """The instant at which `target` of unpaused business time has been spent since `started_at`.

    None while an open pause began before the target was spent: the due instant is then unknown
    until the pause ends (the service keeps next_check_at NULL meanwhile). A clock already spent
    before an open pause keeps its (past) due instant.
    """
    _aware(started_at, "started_at")
    if target < ZERO:
        raise ValueError(f"target must not be negative, got {target}")
    at, remaining = started_at, target
    for pause in _merged_pauses(started_at, pauses):
        available = business_time_between(cal, at, pause.start)
        if remaining <= available:
            return add_business_time(cal, at, remaining)
        remaining -= available
        if pause.end is None:
            return None
        at = max(at, pause.end)
    return add_business_time(cal, at, remaining)


def compute_warn(cal: Calendar, started_at: datetime, target: timedelta,
                 pauses: Iterable[PauseLike] = (), warn_ratio: float = 0.8) -> datetime | None:
    if not 0 < warn_ratio <= 1:
        raise ValueError(f"warn_ratio must be in (0, 1], got {warn_ratio}")
    return compute_due(cal, started_at, target * warn_ratio, pauses)


def clock_due(cal: Calendar, state: ClockState) -> datetime | None:
    return compute_due(cal, state.started_at, state.target, state.pauses)


def clock_warn(cal: Calendar, state: ClockState) -> datetime | None:
    return compute_warn(cal, state.started_at, state.target, state.pauses, state.warn_ratio)


def business_elapsed(cal: Calendar, started_at: datetime, now: datetime,
                     pauses: Iterable[PauseLike] = ()) -> timedelta:
    """Business time spent on the step in [started_at, now), paused time excluded."""
    _aware(now, "now")
    spent = business_time_between(cal, _aware(started_at, "started_at"), now)
    for pause in _merged_pauses(started_at, pauses):
        if pause.start >= now:
            break
        pause_end = now if pause.end is None else min(pause.end, now)
        spent -= business_time_between(cal, pause.start, pause_end)
    return spent


def recompute_due_after_policy_change(cal_new: Calendar, started_at: datetime,
                                      pauses: Iterable[PauseLike], elapsed_old_business: timedelta,
                                      new_target: timedelta, now: datetime) -> datetime | None:
    """Re-prioritising a running clock: the business time already spent (measured under the old
    policy) is kept, and only the rest of `new_target` is counted from `now`, on the new calendar.

    Restarting from creation would re-measure past hours on a calendar that did not apply then.
    If the spent time already covers the new target, the clock is due `now`: backdating the breach
    to when the old policy was in force would rewrite history.
    """
    if _aware(now, "now") < _aware(started_at, "started_at"):
        raise ValueError("now is before the clock started")
    remaining = new_target - elapsed_old_business
    if remaining <= ZERO:
        return now
    return compute_due(cal_new, now, remaining, pauses)


def is_past_due(due: datetime, at: datetime) -> bool:
    return at > due


def _paused_at(pauses: Iterable[Pause], now: datetime) -> bool:
    return any(start <= now and (end is None or now < end) for start, end in pauses)


def clock_status(state: ClockState, due: datetime | None, now: datetime) -> ClockStatus:
    """`due` is the stored due instant (None while paused with the target unspent)."""
    if state.stopped_at is not None:
        late = due is not None and is_past_due(due, state.stopped_at)
        return "breached" if late else "met"
    if due is not None and is_past_due(due, now):
        return "breached"  # a pause taken after the breach does not hide it
    if _paused_at(state.pauses, now):
        return "paused"
    return "running"


def minutes_overdue(due: datetime, at: datetime) -> int:
    """Whole wall-clock minutes past due (floor, like times shown to the minute); 0 if not late."""
    late = at.astimezone(UTC) - due.astimezone(UTC)
    return max(0, late // MINUTE)
