"""The SLA configuration (policies, targets, calendars) as one frozen value (STYLE §2), cached per
process so a ticket create costs no query for it.

Invalidation: every save or delete of a policy, target, calendar, window or day replaces a token in
the shared Django cache (Redis in production) — at once and again after commit. Each process compares
its token on use and reloads when it differs; a snapshot older than MAX_AGE_SECONDS is reloaded in any
case (a cache that lost the token, or a policy whose effective_from arrives, needs no save)."""
from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction

from core.cache import shared_token, shared_token_forget

from .businesstime import Calendar, DayWindows

log = logging.getLogger(__name__)
TOKEN_KEY = "sla:config-token"
MAX_AGE_SECONDS = 300.0


@dataclass(frozen=True)
class TargetSnap:
    id: int
    policy_id: int
    step: str
    minutes: int
    start_event: str
    stop_event: str
    calendar_id: int
    warn_ratio: float
    escalate_after_minutes: int | None
    restart_on_reopen: bool

    @property
    def target(self) -> timedelta:
        return timedelta(minutes=self.minutes)

    @property
    def escalate_after(self) -> timedelta | None:
        return None if self.escalate_after_minutes is None else timedelta(minutes=self.escalate_after_minutes)


@dataclass(frozen=True)
class PolicySnap:
    id: int
    code: str
    version: int
    is_active: bool
    effective_from: datetime
    kind: str = ""
    priority: str = ""
    channel: str = ""
    customer_id: int | None = None
    partner_id: int | None = None
    rank: int = 100
    targets: tuple[TargetSnap, ...] = ()

    def target_for(self, step: str) -> TargetSnap | None:
        return next((t for t in self.targets if t.step == step), None)


@dataclass(frozen=True)
class Snapshot:
    policies: tuple[PolicySnap, ...]
    calendars: Mapping[int, Calendar]

    def policy(self, policy_id: int) -> PolicySnap | None:
        return next((p for p in self.policies if p.id == policy_id), None)


# --- matching: which policy a ticket gets (pure) ----------------------------------------------------

# Most specific wins; a criterion outweighs every criterion after it together (16 > 8+4+2+1).
CRITERIA: tuple[tuple[str, int], ...] = (
    ("customer_id", 16), ("partner_id", 8), ("kind", 4), ("priority", 2), ("channel", 1))


def policies_effective(policies: Iterable[PolicySnap], at: datetime) -> list[PolicySnap]:
    """For each code, its newest active version already effective at `at`."""
    newest: dict[str, PolicySnap] = {}
    for policy in policies:
        if policy.is_active and policy.effective_from <= at:
            if policy.code not in newest or policy.version > newest[policy.code].version:
                newest[policy.code] = policy
    return list(newest.values())


def policy_match(policies: Iterable[PolicySnap], *, at: datetime, kind: str, priority: str, channel: str,
                 customer_id: int | None, partner_id: int | None) -> PolicySnap | None:
    facts = {"kind": kind, "priority": priority, "channel": channel,
             "customer_id": customer_id, "partner_id": partner_id}

    def specificity(policy: PolicySnap) -> int | None:
        score = 0
        for name, weight in CRITERIA:
            wanted = getattr(policy, name)
            if wanted in ("", None):
                continue
            if wanted != facts[name]:
                return None
            score += weight
        return score

    scored = [(score, policy) for policy in policies_effective(policies, at)
              if (score := specificity(policy)) is not None]
    if not scored:
        return None
    return min(scored, key=lambda item: (-item[0], item[1].rank, item[1].code))[1]


def policy_for_ticket(snapshot: Snapshot, ticket) -> PolicySnap | None:
    """The version that applies is the one effective when the ticket was registered: a policy change
    applies to new tickets only (seed 001), even when a later re-prioritisation re-matches."""
    return policy_match(snapshot.policies, at=ticket.created_at, kind=ticket.kind, priority=ticket.priority,
                        channel=ticket.channel, customer_id=ticket.customer_id, partner_id=ticket.partner_id)


# --- loading and caching ----------------------------------------------------------------------------

def snapshot_load() -> Snapshot:
    from .choices import CalendarDayKind
    from .models import SlaPolicy, WorkingCalendar

    calendars: dict[int, Calendar] = {}
    for row in WorkingCalendar.objects.prefetch_related("windows", "days"):
        if row.always_open:
            calendars[row.pk] = Calendar.twenty_four_seven(row.zone)
            continue
        week: list[list] = [[] for _ in range(7)]
        for window in sorted(row.windows.all(), key=lambda w: (w.weekday, w.opens)):
            week[window.weekday].append((window.opens, window.closes))
        days = list(row.days.all())
        week_t: tuple[DayWindows, ...] = tuple(tuple(day) for day in week)
        calendars[row.pk] = Calendar(
            tz=row.zone, windows_by_weekday=week_t,
            holidays=frozenset(d.date for d in days if d.kind == CalendarDayKind.HOLIDAY),
            makeup_days=frozenset(d.date for d in days if d.kind == CalendarDayKind.MAKEUP_WORKDAY))
    policies = tuple(
        PolicySnap(
            id=p.pk, code=p.code, version=p.version, is_active=p.is_active, effective_from=p.effective_from,
            kind=p.kind, priority=p.priority, channel=p.channel, customer_id=p.customer_id,
            partner_id=p.partner_id, rank=p.rank,
            targets=tuple(TargetSnap(
                id=t.pk, policy_id=p.pk, step=t.step, minutes=t.minutes, start_event=t.start_event,
                stop_event=t.stop_event, calendar_id=t.calendar_id, warn_ratio=float(t.warn_ratio),
                escalate_after_minutes=t.escalate_after_minutes, restart_on_reopen=t.restart_on_reopen,
            ) for t in p.targets.all()))
        for p in SlaPolicy.objects.prefetch_related("targets"))
    return Snapshot(policies=policies, calendars=calendars)


_lock = threading.Lock()
_state: dict = {"token": None, "snapshot": None, "loaded": 0.0}


def _shared_token() -> str | None:
    try:
        return shared_token(TOKEN_KEY, uuid.uuid4().hex)  # read once per request (core/cache.py)
    except Exception:  # the cache is down: fall back on MAX_AGE_SECONDS
        log.warning("SLA snapshot: cache unavailable, relying on the maximum age", exc_info=True)
        return None


def snapshot_get() -> Snapshot:
    token = _shared_token()
    state = _state
    fresh = time.monotonic() - state["loaded"] < MAX_AGE_SECONDS
    if state["snapshot"] is not None and state["token"] == token and fresh:
        return state["snapshot"]
    with _lock:
        snapshot = snapshot_load()
        _state.update(token=token, snapshot=snapshot, loaded=time.monotonic())
    return snapshot


def snapshot_reset() -> None:
    """Forget this process's copy (tests whose rolled-back transactions changed the configuration)."""
    _state.update(token=None, snapshot=None, loaded=0.0)


def snapshot_invalidate(**_ignored) -> None:
    """Signal receiver: the configuration changed; every process reloads on next use."""

    def bump() -> None:
        snapshot_reset()
        shared_token_forget(TOKEN_KEY)
        try:
            cache.set(TOKEN_KEY, uuid.uuid4().hex, timeout=None)
        except Exception:
            log.warning("SLA snapshot: could not publish the new token", exc_info=True)

    bump()  # now: this process and this transaction see the change
    transaction.on_commit(bump)  # again after commit: no other process may cache the old rows under the new token
