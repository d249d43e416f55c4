"""Which clocks a ticket event starts, stops or cancels; when a clock is due, warns, escalates; what a
sweep records. Pure (STYLE §2): values in, decisions out. sla/services.py and sla/enforcement.py apply
them to rows.

The rules, in words (README "SLA"):
- Each action of the status table is one or more clock events (ACTION_EVENTS). A target starts on its
  start event and stops on its stop event *or on any later SOP event*: solving a ticket also answers
  the engineer-reply promise, a ticket solved by remote guidance needs no dispatch any more. The
  stopped clock is met if stopped no later than its due instant (inclusive), else breached.
- `closed` stops what still runs by the same rule and cancels clocks that never started;
  `cancelled` (ticket cancelled) cancels every open clock: a promise that is no longer owed is
  neither met nor breached — even one that had breached while still open leaves the figures (its
  state is cancelled; the breach instant is kept as history). Steps already done stay as they were.
- `reopened` (回访不合格, or a manager reopening a closed ticket) starts a new round of every target
  flagged `restart_on_reopen` (by default dispatch and solution); first reply and callback follow
  from the next dispatch and solution as usual.
- `handed_back` (the engineer gives the ticket back to the desk) cancels the clocks the engineer owed
  (started by `dispatched` or later) and the desk's dispatch clock starts a new round.
- `wait` pauses every open clock with the ticket's wait reason; `resume` ends those pauses.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .businesstime import Calendar
from .choices import ClockEvent, SlaEventKind
from .clockmath import PauseLike, compute_due, is_past_due, recompute_due_after_policy_change

E = ClockEvent
# Internal events: not selectable as a target's start/stop event, but they move clocks.
REOPENED, CANCELLED, HANDED_BACK = "reopened", "cancelled", "handed_back"
PAUSE, RESUME = "pause", "resume"

ACTION_EVENTS: dict[str, tuple[str, ...]] = {
    "preprocess": (E.PREPROCESSED,),
    "dispatch": (E.DISPATCHED,),
    "reply": (E.REPLIED,),
    "solve": (E.SOLVED,),
    "callback_ok": (E.CALLED_BACK,),
    # 回访不合格: the callback was made (its promise kept), and the ticket goes back for a new solution.
    "callback_failed": (E.CALLED_BACK, REOPENED),
    "close": (E.CLOSED,),
    "close_unreachable": (E.CLOSED,),
    "cancel": (CANCELLED,),
    "merge": (CANCELLED,),  # a merged duplicate owes nothing: its clocks go as on cancel (tickets/merging.py)
    "reopen": (REOPENED,),
    "hand_back": (HANDED_BACK, E.PREPROCESSED),
    "wait": (PAUSE,),
    "resume": (RESUME,),
}
# SOP order: an event stops every clock whose stop event is this one or an earlier one.
EVENT_ORDER: dict[str, int] = {event: index for index, event in enumerate(E.values)}


@dataclass(frozen=True)
class ClockView:
    key: object  # whatever identifies the clock for the caller
    step: str
    start_event: str
    stop_event: str
    pending: bool  # not started yet
    open: bool  # started and neither stopped nor cancelled (running, paused, or breached and still running)


@dataclass(frozen=True)
class TargetView:
    step: str
    start_event: str
    restart_on_reopen: bool = False


@dataclass
class Plan:
    stop: list = field(default_factory=list)  # keys of open clocks whose step is done
    cancel: list = field(default_factory=list)  # keys of clocks no longer owed
    start: list[str] = field(default_factory=list)  # steps to start (a pending clock, or a new round)


def plan_event(event: str, clocks: Sequence[ClockView], targets: Iterable[TargetView]) -> Plan:
    plan = Plan()
    if event == CANCELLED:
        plan.cancel = [c.key for c in clocks if c.open or c.pending]
        return plan
    if event == HANDED_BACK:
        dispatched = EVENT_ORDER[E.DISPATCHED]
        plan.cancel = [c.key for c in clocks if c.open and EVENT_ORDER.get(c.start_event, 0) >= dispatched]
        return plan
    if event == REOPENED:
        plan.start = [t.step for t in targets if t.restart_on_reopen]
        return plan
    order = EVENT_ORDER[event]
    plan.stop = [c.key for c in clocks if c.open and EVENT_ORDER[c.stop_event] <= order]
    if event == E.CLOSED:
        plan.cancel = [c.key for c in clocks if c.pending]
    else:
        plan.start = [t.step for t in targets if t.start_event == event]
    return plan


# --- when a clock warns, is due, escalates ------------------------------------------------------

@dataclass(frozen=True)
class Schedule:
    due_at: datetime | None  # None while paused with business time still owed
    warn_at: datetime | None
    escalate_at: datetime | None


def clock_schedule(cal: Calendar, *, basis_at: datetime, basis_spent: timedelta, target: timedelta,
                   warn_ratio: float, escalate_after: timedelta | None,
                   pauses: Iterable[PauseLike] = ()) -> Schedule:
    """`basis_at`/`basis_spent`: business time already spent before `basis_at` (0 at the start; the
    time kept when a ticket is re-prioritised, clockmath.recompute_due_after_policy_change). Pauses
    before `basis_at` are already accounted for and ignored."""
    pauses = tuple(pauses)

    def after(spend: timedelta) -> datetime | None:
        # What is left of `spend` counts from basis_at; spent already → due at basis_at, never backdated.
        return recompute_due_after_policy_change(cal, basis_at, pauses, basis_spent, spend, basis_at)

    due = after(target)
    warn = after(target * warn_ratio) if due is not None else None
    escalate = None
    if due is not None and escalate_after is not None:
        # Escalation counts business time after the breach, and a pause after the breach defers it.
        escalate = compute_due(cal, due, escalate_after, pauses)
    return Schedule(due_at=due, warn_at=warn, escalate_at=escalate)


def next_check(*, due_at: datetime | None, warn_at: datetime | None, escalate_at: datetime | None,
               warned_at: datetime | None, breached_at: datetime | None,
               escalated_at: datetime | None) -> datetime | None:
    """The clock's single due-time column for the sweep (STYLE §5): its next warning, breach or
    escalation; None when nothing is left to watch (or while paused)."""
    if due_at is None:
        return None
    if breached_at is None:
        if warned_at is None and warn_at is not None and warn_at < due_at:
            return warn_at
        return due_at
    if escalated_at is None and escalate_at is not None:
        return escalate_at
    return None


def sweep_events(*, now: datetime, due_at: datetime | None, warn_at: datetime | None,
                 escalate_at: datetime | None, warned_at: datetime | None, breached_at: datetime | None,
                 escalated_at: datetime | None) -> list[tuple[str, datetime]]:
    """What a sweep at `now` records for one running clock: (kind, when it happened) pairs.

    A warning is not recorded in the same sweep as the breach (a sweep that was down for a while
    would otherwise warn about what is already late). The breach happens at the due instant, the
    deadline being inclusive (clockmath.is_past_due)."""
    if due_at is None:
        return []
    events: list[tuple[str, datetime]] = []
    breached = breached_at is not None
    if not breached and is_past_due(due_at, now):
        events.append((SlaEventKind.BREACH, due_at))
        breached = True
    elif not breached and warned_at is None and warn_at is not None and warn_at < due_at and now >= warn_at:
        events.append((SlaEventKind.WARNING, warn_at))
    if breached and escalated_at is None and escalate_at is not None and now >= escalate_at:
        events.append((SlaEventKind.ESCALATION, escalate_at))
    return events
