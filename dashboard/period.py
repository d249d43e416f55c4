"""The period figures (steps settled, volume, per engineer) read from the rollups (dashboard/rollup.py).

Days before today are final: their rollup rows never change unless a past day is rebuilt, and every
such rebuild changes `hist_version()`. So the whole "past days" part of a period is summed once and
cached under that version; a page view then reads only today's rows (two small queries). The cached
value is plain Python (counts, Counters, Decimals), the same numbers a fresh sum gives."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Case, F, JSONField, Q, Sum, When

from .filters import Filters
from .models import StepDay, VolumeDay
from .rollup import collect, day_bounds, hist_version

CACHE_SECONDS = 24 * 3600  # the key names the last closed day: a new day needs a new key anyway
SHAPE = 1


@dataclass
class PeriodRows:
    """totals: [(day | None, step, met, breached, hist | None)] for the page's owner (every engineer, or
    the chosen one); eng_steps: {(engineer, step): [met, breached]}; vol: {day: [registered, sat_sum,
    sat_n]}; eng_vol: {engineer: {dispatched_today, reopened, sat_sum, sat_n}}."""

    totals: list = field(default_factory=list)
    eng_steps: dict = field(default_factory=dict)
    vol: dict = field(default_factory=dict)
    eng_vol: dict = field(default_factory=dict)


def _eng_vol_row(eng_vol: dict, eng: int) -> dict:
    return eng_vol.setdefault(eng, {"dispatched_today": 0, "reopened": 0, "sat_sum": Decimal(0), "sat_n": 0})


def _add_hist(hists: dict[str, Counter], step: str, hist: dict) -> None:
    counter = hists.setdefault(step, Counter())
    for minutes, n in hist.items():
        counter[int(minutes)] += n


def _closed_rows(f: Filters, dim: str, value: str, last: date) -> PeriodRows:
    """Sums over the final days date_from … last (5 queries; cached by the caller)."""
    period = Q(day__gte=f.date_from, day__lte=last)
    base = StepDay.objects.filter(period, dim=dim, value=value)
    vbase = VolumeDay.objects.filter(period, dim=dim, value=value)
    owner = Q(engineer_id=f.engineer_id) if f.engineer_id else Q(engineer__isnull=True)
    engineers = Q(engineer_id=f.engineer_id) if f.engineer_id else Q(engineer__isnull=False)
    out = PeriodRows()
    out.totals = [(r[0], r[1], r[2], r[3], None)
                  for r in base.filter(owner).values_list("day", "step", "met", "breached")]
    hists: dict[str, Counter] = {}
    for step, hist in base.filter(owner).values_list("step", "hist"):
        _add_hist(hists, step, hist)
    out.totals.extend((None, step, 0, 0, hist) for step, hist in hists.items())
    for eng, step, m, b in base.filter(engineers).values("engineer_id", "step").annotate(
            m=Sum("met"), b=Sum("breached")).values_list("engineer_id", "step", "m", "b"):
        out.eng_steps[(eng, step)] = [m, b]
    out.vol = {r[0]: [r[1], r[2], r[3]] for r in vbase.filter(owner).values_list(
        "day", "registered", "satisfaction_sum", "satisfaction_count")}
    for r in vbase.filter(engineers).values("engineer_id").annotate(
            reopened=Sum("callbacks_failed"), sat_sum=Sum("satisfaction_sum"), sat_n=Sum("satisfaction_count")):
        row = _eng_vol_row(out.eng_vol, r["engineer_id"])
        row["reopened"], row["sat_sum"], row["sat_n"] = r["reopened"] or 0, r["sat_sum"] or Decimal(0), r["sat_n"] or 0
    return out


def _closed_rows_cached(f: Filters, dim: str, value: str, last: date) -> PeriodRows:
    # Not f.query(): the trend granularity does not change the sums, so day and week views share them.
    # SHAPE: bump when PeriodRows changes, so a deploy never unpickles the previous release's values.
    key = f"dash:period:{SHAPE}:{hist_version()}:{dim}={value}:{f.engineer_id or ''}:{f.date_from}:{last}"
    try:
        cached = cache.get(key)
    except Exception:  # the cache is down: sum from the rollups, figures still right
        cached = None
    if cached is not None:
        return cached
    rows = _closed_rows(f, dim, value, last)
    try:
        cache.set(key, rows, CACHE_SECONDS)
    except Exception:
        pass
    return rows


def period_rows(f: Filters, today: date) -> PeriodRows:
    """The period's rows: the cached sum over final days plus today's rows, read on every view."""
    sl = f.rollup_slice()
    if sl is None:
        return _live_rows(f, today)
    dim, value = sl
    last_closed = min(f.date_to, today - timedelta(days=1))
    if f.date_from <= last_closed:
        closed = _closed_rows_cached(f, dim, value, last_closed)
        # Copied, not mutated: the cached object may be the local-memory cache's own instance.
        out = PeriodRows(totals=list(closed.totals), eng_steps={k: list(v) for k, v in closed.eng_steps.items()},
                         vol=dict(closed.vol), eng_vol={k: dict(v) for k, v in closed.eng_vol.items()})
    else:
        out = PeriodRows()
    today_in_period = f.date_from <= today <= f.date_to
    owner_id = f.engineer_id  # None: the "every engineer" rows
    mine = Q(engineer_id=f.engineer_id) if f.engineer_id else Q()
    if today_in_period:
        hists: dict[str, Counter] = {}
        # Only the owner's histograms are needed: the engineers' rows (~30× more) skip decoding theirs.
        owner_hist = Case(When(Q(engineer_id=owner_id) if owner_id else Q(engineer__isnull=True), then=F("hist")),
                          default=None, output_field=JSONField())
        for eng, step, met, breached, hist in StepDay.objects.filter(mine, day=today, dim=dim, value=value).annotate(
                owner_hist=owner_hist).values_list("engineer_id", "step", "met", "breached", "owner_hist"):
            if eng == owner_id:
                out.totals.append((today, step, met, breached, None))
                _add_hist(hists, step, hist)
            if eng is not None:
                pair = out.eng_steps.setdefault((eng, step), [0, 0])
                pair[0] += met
                pair[1] += breached
        out.totals.extend((None, step, 0, 0, hist) for step, hist in hists.items())
    # Today's volume is read even when today is outside the period: "dispatched today" is always today.
    for eng, registered, dispatched, failed, sat_sum, sat_n in VolumeDay.objects.filter(
            mine, day=today, dim=dim, value=value).values_list(
            "engineer_id", "registered", "dispatched", "callbacks_failed", "satisfaction_sum", "satisfaction_count"):
        if eng == owner_id and today_in_period:
            out.vol[today] = [registered, sat_sum, sat_n]
        if eng is not None:
            row = _eng_vol_row(out.eng_vol, eng)
            row["dispatched_today"] += dispatched
            if today_in_period:
                row["reopened"] += failed
                row["sat_sum"] += sat_sum
                row["sat_n"] += sat_n
    return out


def _live_rows(f: Filters, today: date) -> PeriodRows:
    """Two or more slices at once: no rollup answers them, so the same collector runs over the period."""
    start, _ = day_bounds(min(f.date_from, today))
    _, end = day_bounds(max(f.date_to, today))
    steps, volume = collect(start, end, ticket_q=f.ticket_q(with_engineer=False), all_slices=False)
    in_period = lambda d: f.date_from <= d <= f.date_to  # noqa: E731
    want_owner = f.engineer_id
    out = PeriodRows()
    for (day, step, eng, _dim, _value), acc in steps.items():
        if not in_period(day):
            continue
        if eng == want_owner:
            out.totals.append((day, step, acc.met, acc.breached, acc.hist))
        if eng is not None and (not f.engineer_id or eng == f.engineer_id):
            pair = out.eng_steps.setdefault((eng, step), [0, 0])
            pair[0] += acc.met
            pair[1] += acc.breached
    for (day, eng, _dim, _value), acc in volume.items():
        if eng == want_owner and in_period(day):
            out.vol[day] = [acc.registered, acc.satisfaction_sum, acc.satisfaction_count]
        if eng is not None and (not f.engineer_id or eng == f.engineer_id):
            row = _eng_vol_row(out.eng_vol, eng)
            if day == today:
                row["dispatched_today"] += acc.dispatched
            if in_period(day):
                row["reopened"] += acc.callbacks_failed
                row["sat_sum"] += acc.satisfaction_sum
                row["sat_n"] += acc.satisfaction_count
    return out
