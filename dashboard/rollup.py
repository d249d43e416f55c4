"""Build the dashboard's rollups from the sources of truth: SLA clocks (and their pauses), the ticket
timeline (dispatches, failed callbacks) and callbacks (satisfaction).

A step counts on the day it was *settled*: done (met_at) or, breached and then cancelled, cancelled.
Once settled a clock never changes again (a reopened ticket starts a new round), so a past day's
rollup is final once built after the day ended. `collect` is also the live fallback when a filter
combination has no rollup slice (two or more of kind/channel/priority/category/partner)."""
from __future__ import annotations

import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from callbacks.models import Callback
from sla.choices import ClockState
from sla.clockmath import business_elapsed
from sla.models import ClockPause, SlaClock
from sla.snapshot import snapshot_get
from tickets.models import Ticket, TicketEvent

from .choices import Dim
from .models import RollupDay, StepDay, VolumeDay

SLICE_FIELDS = (("kind", Dim.KIND), ("channel", Dim.CHANNEL), ("priority", Dim.PRIORITY),
                ("device__category", Dim.CATEGORY), ("partner_id", Dim.PARTNER))
TICKET_VALUES = ("kind", "channel", "priority", "device__category", "partner_id", "engineer_id")
SETTLED_STATES = (ClockState.MET, ClockState.BREACHED)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz)


def local_day(instant: datetime) -> date:
    return timezone.localtime(instant).date()


def satisfaction_of(scores) -> Decimal | None:
    """One callback's satisfaction on 1–5: the mean of the scores the customer gave."""
    given = [s for s in scores if s is not None]
    if not given:
        return None
    return (Decimal(sum(given)) / len(given)).quantize(Decimal("0.0001"))


def minutes_taken(*, cal, basis_at: datetime, basis_spent_seconds: float, end: datetime, pauses) -> int:
    """Whole business minutes the step took: time spent before a re-prioritisation plus business time
    since, pauses excluded (sla.clockmath.business_elapsed, the clocks' own arithmetic)."""
    spent = timedelta(seconds=basis_spent_seconds) + business_elapsed(cal, basis_at, end, pauses)
    return max(0, int(spent.total_seconds() // 60))


# Histogram resolution: to the minute for the first hour, then coarser (a month of a million tickets has
# thousands of distinct solution times; exact minutes there cost the page ~0.5 s to merge for no decision).
RESOLUTION = ((60, 1), (240, 5), (1440, 15), (10080, 60))  # (below this many minutes, bucket width)
BEYOND = 1440


def minutes_bucket(minutes: int) -> int:
    """The bucket's lower bound: exact below 60, then 5′ to 4 h, 15′ to 24 h, 1 h to 7 days, 1 day beyond."""
    for limit, width in RESOLUTION:
        if minutes < limit:
            return minutes - minutes % width
    return minutes - minutes % BEYOND


@dataclass
class StepAcc:
    met: int = 0
    breached: int = 0
    hist: Counter = field(default_factory=Counter)


@dataclass
class VolAcc:
    registered: int = 0
    dispatched: int = 0
    callbacks_failed: int = 0
    satisfaction_sum: Decimal = Decimal(0)
    satisfaction_count: int = 0


def _slices(row: dict, prefix: str, all_slices: bool) -> list[tuple[str, str]]:
    out = [(Dim.ALL, "")]
    if all_slices:
        for name, dim in SLICE_FIELDS:
            value = row.get(f"{prefix}{name}")
            if value not in (None, ""):
                out.append((dim, str(value)))
    return out


def _keys(day: date, row: dict, prefix: str, engineer_id, all_slices: bool):
    engineers = (None, engineer_id) if engineer_id else (None,)
    for eng in engineers:
        for dim, value in _slices(row, prefix, all_slices):
            yield day, eng, dim, value


def collect(start: datetime, end: datetime, *, ticket_q: Q | None = None, all_slices: bool = True):
    """(steps, volume): {(day, step, engineer_id|None, dim, value): StepAcc}, {(day, engineer_id|None, dim,
    value): VolAcc} for everything that happened in [start, end)."""
    steps: dict = defaultdict(StepAcc)
    volume: dict = defaultdict(VolAcc)
    tq = ticket_q or Q()
    prefixed = Q() if ticket_q is None else _prefix_q(ticket_q, "ticket__")
    t_values = [f"ticket__{name}" for name in TICKET_VALUES]

    tz = timezone.get_current_timezone()  # once: timezone.localtime() per row was ~15% of a day's build
    day_of = lambda instant: instant.astimezone(tz).date()  # noqa: E731

    snapshot = snapshot_get()
    calendars = {t.id: snapshot.calendars[t.calendar_id] for p in snapshot.policies for t in p.targets}
    clocks = list(
        SlaClock.objects.annotate(settled=Coalesce("met_at", "cancelled_at"))
        .filter(prefixed, state__in=SETTLED_STATES, settled__gte=start, settled__lt=end)
        .values("id", "step", "target_id", "state", "basis_at", "basis_spent_seconds", "settled", *t_values))
    pauses: dict[int, list] = defaultdict(list)
    ids = [c["id"] for c in clocks]
    for chunk in range(0, len(ids), 5000):
        for p in ClockPause.objects.filter(clock_id__in=ids[chunk:chunk + 5000]).values_list(
                "clock_id", "started_at", "ended_at"):
            pauses[p[0]].append((p[1], p[2]))
    for c in clocks:
        taken = minutes_taken(cal=calendars[c["target_id"]], basis_at=c["basis_at"],
                              basis_spent_seconds=c["basis_spent_seconds"], end=c["settled"], pauses=pauses[c["id"]])
        for day, eng, dim, value in _keys(day_of(c["settled"]), c, "ticket__", c["ticket__engineer_id"], all_slices):
            acc = steps[(day, c["step"], eng, dim, value)]
            if c["state"] == ClockState.MET:
                acc.met += 1
            else:
                acc.breached += 1
            acc.hist[minutes_bucket(taken)] += 1

    for t in Ticket.objects.filter(tq, created_at__gte=start, created_at__lt=end).values("created_at", *TICKET_VALUES):
        for key in _keys(day_of(t["created_at"]), t, "", t["engineer_id"], all_slices):
            volume[key].registered += 1
    events = TicketEvent.objects.filter(prefixed, action__in=("dispatch", "callback_failed"), at__gte=start, at__lt=end)
    for e in events.values("action", "at", "data", *t_values):
        if e["action"] == "dispatch":  # to whom it was dispatched then, not who has the ticket now
            engineer_id = (e["data"] or {}).get("engineer_id") or e["ticket__engineer_id"]
        else:
            engineer_id = e["ticket__engineer_id"]
        for key in _keys(day_of(e["at"]), e, "ticket__", engineer_id, all_slices):
            if e["action"] == "dispatch":
                volume[key].dispatched += 1
            else:
                volume[key].callbacks_failed += 1
    rated = Callback.objects.filter(prefixed, ticket__isnull=False, completed_at__gte=start, completed_at__lt=end)
    for cb in rated.values("completed_at", "score_attitude", "score_quality", "score_price", *t_values):
        score = satisfaction_of((cb["score_attitude"], cb["score_quality"], cb["score_price"]))
        if score is None:
            continue
        for key in _keys(day_of(cb["completed_at"]), cb, "ticket__", cb["ticket__engineer_id"], all_slices):
            volume[key].satisfaction_sum += score
            volume[key].satisfaction_count += 1
    return steps, volume


def _prefix_q(q: Q, prefix: str) -> Q:
    """The same ticket filter, seen from a row that points at the ticket."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    for child in q.children:
        out.children.append(_prefix_q(child, prefix) if isinstance(child, Q) else (prefix + child[0], child[1]))
    return out


@transaction.atomic
def rollup_build_day(*, day: date, now: datetime | None = None) -> RollupDay:
    """Make the day's rollup rows what `collect` says (idempotent: a redelivered task ends with the same rows).

    Only rows that differ are written: rebuilt every minute, "today" changes in a few slices, and deleting
    and re-inserting all ~5,000 rows (histograms as JSON) was a third of the build."""
    now = now or timezone.now()
    began = time.monotonic()
    # One builder per day at a time (the beat can overlap a slow run): the second waits, then sees the first's rows.
    RollupDay.objects.get_or_create(day=day, defaults={"built_at": now, "final": False})
    RollupDay.objects.select_for_update().filter(day=day).first()
    start, end = day_bounds(day)
    steps, volume = collect(start, end)
    _write_rows(StepDay, day, ("step", "engineer_id", "dim", "value"), ("met", "breached", "hist"), {
        (step, eng, dim, value): (acc.met, acc.breached, {str(k): v for k, v in sorted(acc.hist.items())})
        for (_d, step, eng, dim, value), acc in steps.items()})
    _write_rows(VolumeDay, day, ("engineer_id", "dim", "value"),
                ("registered", "dispatched", "callbacks_failed", "satisfaction_sum", "satisfaction_count"), {
        (eng, dim, value): (acc.registered, acc.dispatched, acc.callbacks_failed, acc.satisfaction_sum,
                            acc.satisfaction_count)
        for (_d, eng, dim, value), acc in volume.items()})
    if day < local_day(now):  # a past day changed: cached sums over past days are stale
        transaction.on_commit(hist_version_bump)
        hist_version_bump()
    row, _ = RollupDay.objects.update_or_create(
        day=day, defaults={"built_at": now, "final": now >= end, "seconds": time.monotonic() - began})
    return row


def _write_rows(model, day: date, key_fields: tuple, value_fields: tuple, wanted: dict) -> None:
    """Delete the day's rows that are gone or differ, insert the new and changed ones; equal rows stay."""
    stale = []
    for pk, *values in model.objects.filter(day=day).values_list("pk", *key_fields, *value_fields):
        key, current = tuple(values[:len(key_fields)]), tuple(values[len(key_fields):])
        if key in wanted and wanted[key] == current:
            del wanted[key]  # already stored as it should be
        else:
            stale.append(pk)  # gone, changed, or a second row for a key already kept
    for chunk in range(0, len(stale), 5000):
        model.objects.filter(pk__in=stale[chunk:chunk + 5000]).delete()
    model.objects.bulk_create([model(day=day, **dict(zip(key_fields, key)), **dict(zip(value_fields, values)))
                               for key, values in wanted.items()], batch_size=2000)


def _version_key() -> str:
    # Per database: one Redis may serve several databases (tests, a bench, staging) whose rollups differ.
    return f"dash:hist-version:{connection.settings_dict['NAME']}"


def hist_version() -> str:
    """Changes whenever a past day's rollup is rebuilt; keys the cached sums over past days."""
    try:
        version = cache.get(_version_key())
        if version is None:  # first use, or evicted: start a new version, never fall back to an old one
            cache.add(_version_key(), uuid.uuid4().hex, timeout=None)
            version = cache.get(_version_key())
        return version or uuid.uuid4().hex
    except Exception:  # the cache is down: an uncachable key, figures still right
        return uuid.uuid4().hex


def hist_version_bump() -> None:
    try:
        cache.set(_version_key(), uuid.uuid4().hex, timeout=None)
    except Exception:
        pass  # the next successful bump invalidates; until then a rebuilt past day may show its old sums


def rollup_refresh(*, now: datetime | None = None, days_back: int = 35) -> list[date]:
    """The periodic task's work: today always; any day of the last `days_back` not yet final."""
    now = now or timezone.now()
    today = local_day(now)
    wanted = [today - timedelta(days=n) for n in range(days_back)]
    final = set(RollupDay.objects.filter(day__in=wanted, final=True).values_list("day", flat=True))
    built = []
    for day in sorted(d for d in wanted if d not in final):
        rollup_build_day(day=day, now=now)
        built.append(day)
    return built
