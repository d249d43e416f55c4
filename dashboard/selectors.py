"""The dashboard's figures: period figures from the rollups (dashboard/rollup.py), "open now" figures from
indexed partial queries. A fixed number of queries whatever the data (tests pin it)."""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Case, CharField, Count, F, Q, Sum, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from callbacks.models import Complaint
from refunds.models import Refund, RefundState
from sla.choices import SlaEventKind, Step
from sla.clockmath import minutes_overdue
from sla.models import Notification, SlaClock
from tickets.choices import OPEN_STATUSES, Status
from tickets.models import Ticket
from tickets.selectors import AGEING_BUCKETS

from .filters import Filters
from .kpi import DEFAULT_RULE, KpiRule, kpi_score, period_bounds
from .models import KpiPolicy, RollupDay, SupervisorRating, VolumeDay
from .period import period_rows
from .reopens import reopen_figures
from .rollup import _prefix_q, day_bounds

STEPS = list(Step)
LIST_LIMIT = 25
# What the lists show (page and API): a clock row with its ticket and engineer in full was ~60 columns,
# ~15 of them datetimes to parse, for 4 shown.
CLOCK_LIST_FIELDS = ("id", "step", "due_at", "ticket_id", "ticket__number", "ticket__engineer__username",
                     "ticket__engineer__last_name", "ticket__engineer__first_name")


def percentile(hist: Counter, q: float) -> int | None:
    """Nearest-rank percentile over whole minutes: the smallest value with at least q·n values ≤ it."""
    n = sum(hist.values())
    if not n:
        return None
    rank, seen = max(1, math.ceil(q * n)), 0
    for minutes in sorted(hist):
        seen += hist[minutes]
        if seen >= rank:
            return minutes
    return None


def pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


@dataclass
class StepFigure:
    step: str
    label: str
    met: int = 0
    breached: int = 0  # settled breached in the period + open_breached
    open_breached: int = 0  # overdue now, not settled: counted as breached on its due day (issue 15)
    hist: Counter = field(default_factory=Counter)  # settled clocks only: an open one has no duration yet

    @property
    def total(self) -> int:
        return self.met + self.breached

    @property
    def on_time_pct(self) -> float | None:
        return pct(self.met, self.total)

    @property
    def median(self) -> int | None:
        return percentile(self.hist, 0.5)

    @property
    def p90(self) -> int | None:
        return percentile(self.hist, 0.9)


@dataclass
class EngineerRow:
    engineer_id: int
    name: str = ""  # the login (links, test ids)
    label: str = ""  # what people read: 姓名, or the login when no name is set
    open: int = 0
    dispatched_today: int = 0
    replies_met: int = 0
    replies_total: int = 0
    solutions_met: int = 0
    solutions_total: int = 0
    reopened: int = 0
    satisfaction_sum: Decimal = Decimal(0)
    satisfaction_count: int = 0
    kpi: object = None

    @property
    def satisfaction(self) -> Decimal | None:
        if not self.satisfaction_count:
            return None
        return (self.satisfaction_sum / self.satisfaction_count).quantize(Decimal("0.01"))


def kpi_rule_for(day: date) -> tuple[KpiRule, KpiPolicy | None]:
    policy = KpiPolicy.objects.filter(effective_from__lte=day).order_by("-effective_from", "-id").first()
    if policy is None:
        return DEFAULT_RULE, None
    return KpiRule(period=policy.period, customer_weight=policy.customer_weight, min_ratings=policy.min_ratings), policy


def kpi_for_engineers(*, start: date, end: date, engineer_ids: list[int] | None) -> dict:
    """{engineer_id: KpiResult} over the page's period [start, end] (issue 15: the same period as every other
    figure; unfiltered by kind etc.: the engineer's whole work). The policy is the one in force on `end`;
    customers: the callbacks rated in the period; supervisor: the mean of the ratings of the KPI periods
    that overlap it (a monthly rating counts for any page period touching that month)."""
    rule, policy = kpi_rule_for(end)
    first_period_start = period_bounds(rule.period, start)[0]
    sats = VolumeDay.objects.filter(dim="all", value="", engineer__isnull=False, day__gte=start, day__lte=end)
    ratings = SupervisorRating.objects.filter(period_start__gte=first_period_start, period_start__lte=end)
    if engineer_ids is not None:
        sats, ratings = sats.filter(engineer_id__in=engineer_ids), ratings.filter(engineer_id__in=engineer_ids)
    sat = {r["engineer_id"]: (r["s"], r["n"]) for r in sats.values("engineer_id").annotate(
        s=Sum("satisfaction_sum"), n=Sum("satisfaction_count"))}
    given: dict[int, list[Decimal]] = defaultdict(list)
    for rating in ratings:
        given[rating.engineer_id].append(Decimal(rating.score_100))
    supervisor = {eng: sum(scores) / len(scores) for eng, scores in given.items()}
    ids = set(sat) | set(supervisor) | set(engineer_ids or ())
    results = {eng: kpi_score(rule, satisfaction_sum=sat.get(eng, (0, 0))[0] or Decimal(0),
                              ratings=sat.get(eng, (0, 0))[1] or 0, supervisor=supervisor.get(eng))
               for eng in ids}
    return {"rule": rule, "policy": policy, "start": start, "end": end, "results": results}


def _open_clocks(f: Filters):
    """An open clock belongs to an open ticket (closing stops or cancels them all): under a filter the plan
    starts from the few open tickets and probes the partial dash_clock_*_t indexes."""
    q = _prefix_q(f.ticket_q(), "ticket__")
    if f.ticket_q():
        q &= Q(ticket__status__in=sorted(OPEN_STATUSES))
    return SlaClock.objects.filter(q, met_at__isnull=True, cancelled_at__isnull=True)


def _clock_list(qs) -> list[SlaClock]:
    """The first LIST_LIMIT clocks, soonest due (for breaches: longest overdue) first."""
    return list(qs.select_related("ticket", "ticket__engineer").only(*CLOCK_LIST_FIELDS)
                .order_by("due_at", "id")[:LIST_LIMIT])


def dashboard_figures(*, filters: Filters, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    f = filters
    rows = period_rows(f, timezone.localdate(now))
    totals, eng_steps, vol, eng_vol = rows.totals, rows.eng_steps, rows.vol, rows.eng_vol

    steps = {s.value: StepFigure(step=s.value, label=str(s.label)) for s in STEPS}
    by_day: dict[date, list] = defaultdict(lambda: [0, 0])
    for day, step, met, breached, hist in totals:
        if step in steps:
            steps[step].met += met
            steps[step].breached += breached
            if hist:
                steps[step].hist.update(hist)
        if day is None:
            continue
        by_day[day][0] += met
        by_day[day][1] += breached

    open_q = Q(status__in=sorted(OPEN_STATUSES))
    tickets = Ticket.objects.filter(f.ticket_q(), open_q)
    whens = [When(created_at__gt=now - hi, created_at__lte=now - (lo or timedelta(0)), then=Value(key))
             for key, (lo, hi) in AGEING_BUCKETS.items() if hi is not None]
    backlog_rows = tickets.annotate(bucket=Case(*whens, default=Value("older"), output_field=CharField())).values(
        "status", "bucket", "engineer_id").annotate(n=Count("id"))
    backlog: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(AGEING_BUCKETS, 0))
    open_by_eng: dict[int, int] = defaultdict(int)
    for r in backlog_rows:  # one pass over the open tickets: ageing by status, and open per engineer
        backlog[r["status"]][r["bucket"]] += r["n"]
        if r["engineer_id"]:
            open_by_eng[r["engineer_id"]] += r["n"]

    # Open breaches, worst (longest overdue) first; the escalation's recipients next to each. Their count per
    # step, engineer and due day (one query, as the plain count was) also goes into the on-time rates: a
    # breach still open counts as breached on the day it fell due, so "on time" = met / (met + breached,
    # settled or still overdue). Once done it counts on the day it was done, like every settled step.
    breached_qs = _open_clocks(f).filter(breached_at__isnull=False)
    breaches = _clock_list(breached_qs)
    open_counts = list(breached_qs.order_by().values_list("step", "ticket__engineer_id", TruncDate("due_at"))
                       .annotate(n=Count("id")))
    breaches_total = sum(row[-1] for row in open_counts)
    for step, eng, due_day, n in open_counts:
        if not f.date_from <= due_day <= f.date_to:
            continue
        if step in steps:
            steps[step].breached += n
            steps[step].open_breached += n
        by_day[due_day][1] += n  # (under an engineer filter the query already has only theirs)
        if eng is not None:
            eng_steps.setdefault((eng, step), [0, 0])[1] += n
    escalated_to: dict[int, list[str]] = defaultdict(list)
    for clock_id, username in Notification.objects.filter(
            event__clock_id__in=[c.pk for c in breaches], event__kind=SlaEventKind.ESCALATION).values_list(
            "event__clock_id", "user__username").order_by("user__username"):
        escalated_to[clock_id].append(username)
    for clock in breaches:
        clock.minutes_overdue = minutes_overdue(clock.due_at, now)
        clock.escalated_to = escalated_to.get(clock.pk, [])
    warned_qs = _open_clocks(f).filter(warned_at__isnull=False, breached_at__isnull=True)
    warned = _clock_list(warned_qs)
    warned_total = warned_qs.count()
    for clock in warned:
        clock.minutes_left = max(0, int((clock.due_at - now).total_seconds() // 60))

    # Per engineer.
    engineer_ids = sorted(set(open_by_eng) | set(eng_vol) | {e for e, _s in eng_steps})
    if f.engineer_id:
        engineer_ids = [f.engineer_id]
    names = {pk: (login, f"{last}{first}".strip() or login) for pk, login, last, first in get_user_model().objects
             .filter(pk__in=engineer_ids).values_list("pk", "username", "last_name", "first_name")}
    kpi = kpi_for_engineers(start=f.date_from, end=f.date_to, engineer_ids=engineer_ids)
    engineers = []
    for eng in engineer_ids:
        login, label = names.get(eng, (f"#{eng}", f"#{eng}"))
        v = eng_vol.get(eng) or {}
        rm, rb = eng_steps.get((eng, Step.FIRST_REPLY), [0, 0])
        sm, sb = eng_steps.get((eng, Step.SOLUTION), [0, 0])
        engineers.append(EngineerRow(
            engineer_id=eng, name=login, label=label, open=open_by_eng.get(eng, 0),
            dispatched_today=v.get("dispatched_today") or 0, replies_met=rm, replies_total=rm + rb,
            solutions_met=sm, solutions_total=sm + sb, reopened=v.get("reopened") or 0,
            satisfaction_sum=Decimal(v.get("sat_sum") or 0), satisfaction_count=v.get("sat_n") or 0,
            kpi=kpi["results"].get(eng)))
    engineers.sort(key=lambda r: (-(r.kpi.score if r.kpi and r.kpi.score is not None else Decimal(-1)), r.name))

    complaint_q = _prefix_q(f.ticket_q(), "ticket__")
    start, _ = day_bounds(f.date_from)
    _, end = day_bounds(f.date_to)
    complaints_open = list(Complaint.objects.filter(complaint_q, answered_at__isnull=True)
                           .select_related("ticket").order_by("promised_answer_at", "id")[:LIST_LIMIT])
    complaint_stats = Complaint.objects.filter(complaint_q).aggregate(
        registered=Count("id", filter=Q(created_at__gte=start, created_at__lt=end)),
        on_time=Count("id", filter=Q(answered_at__gte=start, answered_at__lt=end,
                                     answered_at__lte=F("promised_answer_at"))),
        late=Count("id", filter=Q(answered_at__gte=start, answered_at__lt=end,
                                  answered_at__gt=F("promised_answer_at"))),
        open=Count("id", filter=Q(answered_at__isnull=True)),
        open_overdue=Count("id", filter=Q(answered_at__isnull=True, promised_answer_at__lt=now)))

    refund_q = _prefix_q(f.ticket_q(), "ticket__")
    refunds_pending = list(Refund.objects.filter(refund_q, state=RefundState.PENDING)
                           .select_related("ticket").order_by("due_at", "id")[:LIST_LIMIT])
    refund_stats = Refund.objects.filter(refund_q).aggregate(
        pending=Count("id", filter=Q(state=RefundState.PENDING)),
        overdue=Count("id", filter=Q(state=RefundState.PENDING, due_at__lt=now)),
        paid_on_time=Count("id", filter=Q(paid_at__gte=start, paid_at__lt=end, paid_at__lte=F("due_at"))),
        paid_late=Count("id", filter=Q(paid_at__gte=start, paid_at__lt=end, paid_at__gt=F("due_at"))),
        paid_amount=Sum("amount", filter=Q(paid_at__gte=start, paid_at__lt=end)))
    reopen_stats = reopen_figures(filters=f, start=start, end=end)
    freshness = RollupDay.objects.filter(day=timezone.localdate(now)).values_list("built_at", flat=True).first()

    days = [f.date_from + timedelta(days=n) for n in range((f.date_to - f.date_from).days + 1)]
    trend = _trend(days, by_day, vol, weekly=f.trend == "week")
    return {
        "filters": f, "now": now, "steps": list(steps.values()), "backlog": dict(backlog),
        "backlog_statuses": [s for s in Status if s.value in backlog], "ageing_buckets": list(AGEING_BUCKETS),
        "breaches": breaches, "breaches_total": breaches_total, "warned": warned, "warned_total": warned_total,
        "engineers": engineers, "kpi": kpi, "trend": trend, "complaints_open": complaints_open,
        "complaint_stats": complaint_stats, "refunds_pending": refunds_pending, "refund_stats": refund_stats,
        "reopen_stats": reopen_stats, "freshness": freshness,
    }


def _trend(days: list[date], by_day: dict, vol: dict, *, weekly: bool) -> list[dict]:
    buckets: dict[date, dict] = {}
    for day in days:
        key = day - timedelta(days=day.weekday()) if weekly else day
        b = buckets.setdefault(key, {"start": key, "end": day, "registered": 0, "met": 0, "breached": 0,
                                     "sat_sum": Decimal(0), "sat_n": 0})
        b["end"] = day
        registered, sat_sum, sat_n = vol.get(day, (0, Decimal(0), 0))
        b["registered"] += registered
        b["sat_sum"] += Decimal(sat_sum)
        b["sat_n"] += sat_n
        met, breached = by_day.get(day, (0, 0))
        b["met"] += met
        b["breached"] += breached
    out = []
    for b in buckets.values():
        b["on_time_pct"] = pct(b["met"], b["met"] + b["breached"])
        b["satisfaction"] = (b["sat_sum"] / b["sat_n"]).quantize(Decimal("0.01")) if b["sat_n"] else None
        out.append(b)
    return out
