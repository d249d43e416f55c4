"""SLA clocks follow the ticket. Called only from tickets/effects.py, inside the transaction of the
ticket change, so a status change and its clocks commit or roll back together.

On create the policy is picked (snapshot.policy_for_ticket) and one row per target is written at
once — running if it starts at registration, pending otherwise — so the ticket's policy version is
known from its clocks ever after. Each action then becomes clock events (lifecycle.ACTION_EVENTS)
that start, stop, cancel, pause or resume rows. Due, warning and escalation instants are computed
here, once, so the sweep needs no calendar (lifecycle.clock_schedule)."""
from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import DEFAULT_DB_ALIAS, connections

from core.sql import instance_new, is_postgres, rows_insert_json
from tickets.models import Ticket

from .choices import STEP_ORDER, ClockEvent, ClockState, Step
from .clockmath import Pause, business_elapsed, compute_due, is_past_due
from .lifecycle import (
    ACTION_EVENTS, CANCELLED, PAUSE, RESUME, ClockView, TargetView, clock_schedule, next_check, plan_event,
)
from .models import ClockPause, SlaClock
from .snapshot import PolicySnap, Snapshot, TargetSnap, policy_for_ticket, snapshot_get, snapshot_reset

SCHEDULE_FIELDS = ["due_at", "warn_at", "escalate_at", "next_check_at"]
# What services write; warned_at/escalated_at belong to the sweep and are never written here.
UPDATE_FIELDS = ["policy", "target", "state", "started_at", "basis_at", "basis_spent_seconds", *SCHEDULE_FIELDS,
                 "met_at", "breached_at", "cancelled_at", "paused_seconds", "paused_since", "pause_reason"]
UPDATE_ATTNAMES = [SlaClock._meta.get_field(name).attname for name in UPDATE_FIELDS]  # policy_id: no fetch
BULK_UPDATE_FROM = 3
MATCHING_FIELDS = frozenset({"kind", "priority", "channel", "customer", "customer_id", "partner", "partner_id"})


class _Work:
    """The ticket's clocks loaded once (locked), changed in memory, written back in a few queries."""

    def __init__(self, *, ticket: Ticket, snapshot: Snapshot, clocks: list[SlaClock], at: datetime):
        self.ticket, self.snapshot, self.clocks, self.at = ticket, snapshot, clocks, at
        self.dirty: set[int] = set()
        self.new: list[SlaClock] = []
        self.new_pauses: list[ClockPause] = []
        self.ended_pauses: set[int] = set()  # clock ids whose open pause ends now
        self._pauses: dict[int, list[Pause]] | None = None

    # -- reading ---------------------------------------------------------------------------------
    def target(self, clock: SlaClock) -> TargetSnap:
        for attempt in range(2):
            policy = self.snapshot.policy(clock.policy_id)
            target = next((t for t in policy.targets if t.id == clock.target_id), None) if policy else None
            if target is not None:
                return target
            if attempt == 0:  # a version saved since this process loaded its copy (cache down?): reload once
                snapshot_reset()
                self.snapshot = snapshot_get()
        raise LookupError(f"SLA target {clock.target_id} is not in the snapshot")

    def current(self) -> list[SlaClock]:
        """The newest round of each step: earlier rounds are history."""
        newest: dict[str, SlaClock] = {}
        for clock in sorted(self.clocks + self.new, key=lambda c: c.round):
            newest[clock.step] = clock
        return list(newest.values())

    def pauses(self, clock: SlaClock) -> list[Pause]:
        if not clock.pk:
            return []  # a clock created now has no pauses yet
        if self._pauses is None:
            ids = [c.pk for c in self.clocks if c.pk and c.started_at]
            self._pauses = {}
            for row in ClockPause.objects.filter(clock_id__in=ids).order_by("started_at"):
                self._pauses.setdefault(row.clock_id, []).append(Pause(row.started_at, row.ended_at))
        return self._pauses.setdefault(clock.pk, [])

    # -- changing --------------------------------------------------------------------------------
    def touch(self, clock: SlaClock) -> None:
        if clock.pk:
            self.dirty.add(clock.pk)

    def reschedule(self, clock: SlaClock) -> None:
        target = self.target(clock)
        cal = self.snapshot.calendars[target.calendar_id]
        pauses = self.pauses(clock)
        if clock.breached_at is not None:  # the breach is history: only the escalation may move
            clock.escalate_at = (compute_due(cal, clock.due_at, target.escalate_after, pauses)
                                 if target.escalate_after is not None else None)
        else:
            schedule = clock_schedule(
                cal, basis_at=clock.basis_at, basis_spent=timedelta(seconds=clock.basis_spent_seconds),
                target=target.target, warn_ratio=target.warn_ratio, escalate_after=target.escalate_after,
                pauses=pauses)
            clock.due_at, clock.warn_at, clock.escalate_at = schedule.due_at, schedule.warn_at, schedule.escalate_at
        clock.next_check_at = next_check(
            due_at=clock.due_at, warn_at=clock.warn_at, escalate_at=clock.escalate_at, warned_at=clock.warned_at,
            breached_at=clock.breached_at, escalated_at=clock.escalated_at)
        self.touch(clock)

    def start(self, clock: SlaClock) -> None:
        clock.state, clock.started_at, clock.basis_at, clock.basis_spent_seconds = (
            ClockState.RUNNING, self.at, self.at, 0.0)
        self.reschedule(clock)

    def start_step(self, step: str) -> None:
        """Start the step's pending clock, or a new round on the target of its last round (the policy
        version the ticket started on, or was re-prioritised to); never a second running one."""
        rounds = sorted((c for c in self.clocks + self.new if c.step == step), key=lambda c: c.round)
        pending = next((c for c in rounds if c.state == ClockState.PENDING), None)
        if pending is not None:
            self.start(pending)
        elif rounds and not any(c.is_open for c in rounds):
            last = rounds[-1]
            clock = SlaClock(ticket=self.ticket, policy_id=last.policy_id, target_id=last.target_id, step=step,
                             round=last.round + 1)
            self.new.append(clock)
            self.start(clock)

    def stop(self, clock: SlaClock) -> None:
        self.end_pause(clock)
        late = clock.due_at is not None and is_past_due(clock.due_at, self.at)
        if late and clock.breached_at is None:
            clock.breached_at = clock.due_at  # done late before a sweep saw it: still a breach, at the due instant
        clock.met_at = self.at
        clock.state = ClockState.BREACHED if clock.breached_at else ClockState.MET
        clock.next_check_at = None
        self.touch(clock)

    def cancel(self, clock: SlaClock, *, withdrawn: bool = False) -> None:
        """A promise no longer owed. `withdrawn` (the ticket was cancelled): it leaves the figures even if it had
        breached — neither met nor breached (issue 14); the breach instant stays as history. Otherwise (handed
        back) a breach that happened stays a breach."""
        self.end_pause(clock)
        clock.cancelled_at, clock.next_check_at = self.at, None
        if clock.breached_at is None or withdrawn:
            clock.state = ClockState.CANCELLED
        self.touch(clock)

    def pause(self, clock: SlaClock, reason: str) -> None:
        if not clock.is_open or clock.paused_since is not None:
            return
        self.new_pauses.append(ClockPause(clock=clock, reason=reason, started_at=self.at))
        self.pauses(clock).append(Pause(self.at, None))
        clock.paused_since, clock.pause_reason = self.at, reason
        if clock.breached_at is None:
            clock.state = ClockState.PAUSED
        self.reschedule(clock)

    def end_pause(self, clock: SlaClock) -> bool:
        if clock.paused_since is None:
            return False
        pauses = self.pauses(clock)
        for index, pause in enumerate(pauses):
            if pause.end is None:
                pauses[index] = Pause(pause.start, self.at)
        self.ended_pauses.add(clock.pk)
        clock.paused_seconds += max(0, int((self.at - clock.paused_since).total_seconds()))
        clock.paused_since, clock.pause_reason = None, ""
        if clock.state == ClockState.PAUSED:
            clock.state = ClockState.RUNNING
        self.touch(clock)
        return True

    def retarget(self, policy: PolicySnap) -> None:
        """Another policy applies now (re-prioritised): keep the business time spent, count the rest of
        the new target from now (clockmath.recompute_due_after_policy_change), never from creation."""
        for clock in self.current():
            target = policy.target_for(clock.step)
            if target is None or clock.target_id == target.id:
                continue
            if clock.state == ClockState.PENDING:
                clock.policy_id, clock.target_id = policy.id, target.id
                self.touch(clock)
            elif clock.is_open and clock.breached_at is None:
                old = self.target(clock)
                spent = timedelta(seconds=clock.basis_spent_seconds) + business_elapsed(
                    self.snapshot.calendars[old.calendar_id], clock.basis_at, self.at, self.pauses(clock))
                clock.policy_id, clock.target_id = policy.id, target.id
                clock.basis_at, clock.basis_spent_seconds = self.at, spent.total_seconds()
                self.reschedule(clock)

    # -- writing ---------------------------------------------------------------------------------
    def save(self) -> None:
        if self.ended_pauses:
            ClockPause.objects.filter(clock_id__in=self.ended_pauses, ended_at=None).update(ended_at=self.at)
        if self.new_pauses:
            ClockPause.objects.bulk_create(self.new_pauses)
        changed = [c for c in self.clocks if c.pk in self.dirty]
        # A step usually moves one or two clocks (stops one, starts the next): a plain UPDATE each costs ~1 ms
        # of Python, bulk_update's CASE per column ~10 ms per clock to build (the demo's 1,600 steps: −20 s).
        if len(changed) <= BULK_UPDATE_FROM - 1:
            for clock in changed:
                SlaClock.objects.filter(pk=clock.pk).update(**{name: getattr(clock, name) for name in UPDATE_ATTNAMES})
        else:
            SlaClock.objects.bulk_update(changed, UPDATE_FIELDS)
        if self.new:
            SlaClock.objects.bulk_create(self.new)
        ticket_next_due_set(ticket=self.ticket, clocks=self.clocks + self.new)


def _next_due(clocks: Iterable[SlaClock]) -> datetime | None:
    return min((c.due_at for c in clocks if c.is_open and c.paused_since is None and c.due_at), default=None)


def ticket_next_due_set(*, ticket: Ticket, clocks: Iterable[SlaClock]) -> None:
    """Ticket.next_due_at = the nearest due instant of the clocks still running (the queue's sort key)."""
    due = _next_due(clocks)
    if due != ticket.next_due_at:
        Ticket.objects.filter(pk=ticket.pk).update(next_due_at=due)
        ticket.next_due_at = due
    getattr(ticket, "_prefetched_objects_cache", {}).pop("sla_clocks", None)


_CLOCK_FIELDS = [f for f in SlaClock._meta.concrete_fields if not f.primary_key]


def clocks_insert(clocks: list[SlaClock]) -> None:
    """bulk_create for the few clocks of one ticket, in one INSERT … RETURNING id. Django's bulk_create builds an
    UNNEST of one array per column on PostgreSQL: ~3,900 Python calls for five rows, a quarter of a ticket create
    (issue 16). Values go through each field's get_db_prep_save, as the ORM's do (SQLite gets its own formats)."""
    if not clocks:
        return
    if is_postgres():
        rows_insert_json(clocks, _CLOCK_FIELDS)  # one JSON parameter: a statement psycopg parses once
        return
    db = connections[DEFAULT_DB_ALIAS]  # not the per-access `connection` proxy: ~60 values below
    quote = db.ops.quote_name
    rows, params = [], []
    for clock in clocks:
        marks = []
        for field in _CLOCK_FIELDS:
            value = getattr(clock, field.attname)
            if value is None:  # most columns of a new clock: a literal, not a parameter to prepare and quote
                marks.append("NULL")
            else:
                marks.append("%s")
                params.append(field.get_db_prep_save(value, db))
        rows.append(f"({', '.join(marks)})")
    sql = (f"INSERT INTO {quote(SlaClock._meta.db_table)} ({', '.join(quote(f.column) for f in _CLOCK_FIELDS)}) "
           f"VALUES {', '.join(rows)} RETURNING {quote(SlaClock._meta.pk.column)}")
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]  # in VALUES order, as bulk_create relies on too
    for clock, pk in zip(clocks, ids, strict=True):
        clock.pk, clock._state.adding, clock._state.db = pk, False, db.alias


def _load(ticket: Ticket) -> list[SlaClock]:
    # Locked: a sweep holding one of these rows is waited for, then its writes are seen (and it skips ours).
    return list(SlaClock.objects.select_for_update().filter(ticket_id=ticket.pk).order_by("id"))


def _registration_work(*, ticket: Ticket, at: datetime) -> _Work | None:
    snapshot = snapshot_get()
    policy = policy_for_ticket(snapshot, ticket)
    if policy is None:
        return None
    work = _Work(ticket=ticket, snapshot=snapshot, clocks=[], at=at)
    for target in sorted(policy.targets, key=lambda t: STEP_ORDER[t.step]):
        # Positional construction (core.sql.instance_new): five clocks a ticket create.
        clock = instance_new(SlaClock, {"ticket": ticket}, policy_id=policy.id, target_id=target.id,
                             step=target.step)
        work.new.append(clock)
        if target.start_event == ClockEvent.REGISTERED:
            work.start(clock)
    return work


# The clocks sla_first_due computed for the draft, handed to sla_on_ticket_created a moment later in the same
# ticket_create (same instant, same matching facts, same snapshot): scheduling them twice was ~1,000 Python calls
# of a create (issue 16). Anything that does not match is computed afresh.
_planned = threading.local()


def _plan_key(ticket: Ticket, at: datetime) -> tuple:
    return (at, ticket.created_at, ticket.kind, ticket.priority, ticket.channel, ticket.customer_id,
            ticket.partner_id)


def sla_first_due(*, ticket: Ticket, at: datetime) -> datetime | None:
    """The next due time registration's clocks will give a ticket not inserted yet (tickets.hooks `creating`):
    it is inserted with it, so sla_on_ticket_created finds it right and writes no UPDATE (it would if not)."""
    work = _registration_work(ticket=ticket, at=at)
    _planned.work = (_plan_key(ticket, at), work)
    return None if work is None else _next_due(work.new)


def _planned_work(ticket: Ticket, at: datetime) -> _Work | None:
    key, work = getattr(_planned, "work", None) or (None, None)
    _planned.work = None
    if work is None or key != _plan_key(ticket, at) or work.snapshot is not snapshot_get():
        return _registration_work(ticket=ticket, at=at)
    work.ticket = ticket
    for clock in work.new:
        clock.ticket = ticket
    return work


def sla_on_ticket_created(*, ticket: Ticket, at: datetime) -> list[SlaClock]:
    work = _planned_work(ticket, at)
    if work is None:
        return []
    # Public API only (issue 11): the clocks, then Ticket.next_due_at — two statements where a CTE on Django's
    # private InsertQuery made them one; ticket create's query budget is 11 for it.
    clocks_insert(work.new)
    ticket_next_due_set(ticket=ticket, clocks=work.new)
    return work.new


def _apply_event(work: _Work, event: str) -> None:
    if event == PAUSE:
        for clock in work.clocks:
            work.pause(clock, work.ticket.wait_reason)
        return
    if event == RESUME:
        for clock in work.clocks:
            if work.end_pause(clock):
                work.reschedule(clock)
        return
    current = work.current()
    views = [ClockView(key=c, step=c.step, start_event=work.target(c).start_event,
                       stop_event=work.target(c).stop_event, pending=c.state == ClockState.PENDING, open=c.is_open)
             for c in current]
    # The steps this ticket has promises for are the ones it has clocks for, on their own targets.
    targets = [TargetView(step=c.step, start_event=work.target(c).start_event,
                          restart_on_reopen=work.target(c).restart_on_reopen) for c in current]
    plan = plan_event(event, views, targets)
    for clock in plan.stop:
        work.stop(clock)
    for clock in plan.cancel:
        work.cancel(clock, withdrawn=event == CANCELLED)
    for step in sorted(plan.start, key=STEP_ORDER.get):
        work.start_step(step)


def sla_on_ticket_transition(*, ticket: Ticket, action: str, at: datetime) -> None:
    events = ACTION_EVENTS.get(action)
    if not events:
        return  # reassign, notes …: no clock moves, no query
    clocks = _load(ticket)
    if not clocks:
        return  # registered before any policy existed
    work = _Work(ticket=ticket, snapshot=snapshot_get(), clocks=clocks, at=at)
    if action == "preprocess":  # pre-processing may set the priority the policy depends on
        _retarget_if_needed(work)
    for event in events:
        _apply_event(work, event)
    work.save()


def _retarget_if_needed(work: _Work) -> None:
    if (matched := policy_for_ticket(work.snapshot, work.ticket)) is not None:
        work.retarget(matched)  # a clock already on the matched target is left alone


def sla_on_ticket_updated(*, ticket: Ticket, changes: Iterable[str], at: datetime) -> None:
    """Re-prioritised (or otherwise re-matched): move the open clocks to the policy that matches now."""
    if not MATCHING_FIELDS.intersection(changes) or not ticket.is_open:
        return
    clocks = _load(ticket)
    if not clocks:
        return
    work = _Work(ticket=ticket, snapshot=snapshot_get(), clocks=clocks, at=at)
    _retarget_if_needed(work)
    work.save()


def sla_callback_attempted(*, ticket: Ticket, at: datetime) -> None:
    """The first call of a callback was made (callbacks.services, answered or not): the callback step's
    promise is kept, so its clock stops now, met or breached by this instant. Not a ticket step, hence a
    direct call rather than ACTION_EVENTS; the callback_ok / callback_failed that may follow find it stopped."""
    clocks = _load(ticket)
    if not clocks:
        return
    work = _Work(ticket=ticket, snapshot=snapshot_get(), clocks=clocks, at=at)
    for clock in work.current():
        if clock.step == Step.CALLBACK and clock.is_open:
            work.stop(clock)
    work.save()
