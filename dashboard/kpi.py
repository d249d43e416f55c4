"""KPI (seed 001: 考核分为主管评分和客户评分，客户评分占比更高). Pure: policy and numbers in, a score and
the formula that produced it out, so the page can show exactly how each score was computed."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

ONE_PLACE = Decimal("0.1")


@dataclass(frozen=True)
class KpiRule:
    period: str  # week | month | quarter
    customer_weight: Decimal
    min_ratings: int = 1

    @property
    def supervisor_weight(self) -> Decimal:
        return Decimal(1) - self.customer_weight


DEFAULT_RULE = KpiRule(period="month", customer_weight=Decimal("0.60"), min_ratings=1)


@dataclass(frozen=True)
class KpiResult:
    score: Decimal | None
    customer: Decimal | None  # 0–100
    supervisor: Decimal | None  # 0–100
    ratings: int
    formula: str


def period_bounds(period: str, day: date) -> tuple[date, date]:
    """First and last day of the KPI period containing `day`."""
    if period == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if period == "quarter":
        first_month = 3 * ((day.month - 1) // 3) + 1
        start = date(day.year, first_month, 1)
    else:
        start = day.replace(day=1)
        first_month = day.month
    months = 3 if period == "quarter" else 1
    year, month = divmod(first_month - 1 + months, 12)
    return start, date(day.year + year, month + 1, 1) - timedelta(days=1)


def customer_score(satisfaction_avg: Decimal) -> Decimal:
    """Average satisfaction on 1–5 → 0–100 (1 → 0, 5 → 100), the same mapping as a 1–5 supervisor rating."""
    return (satisfaction_avg - 1) * 25


def kpi_score(rule: KpiRule, *, satisfaction_sum: Decimal, ratings: int, supervisor: Decimal | None) -> KpiResult:
    wc, ws = rule.customer_weight, rule.supervisor_weight
    customer = None
    if ratings >= rule.min_ratings and ratings > 0:
        customer = customer_score(Decimal(satisfaction_sum) / ratings).quantize(ONE_PLACE, ROUND_HALF_UP)
    if customer is None or supervisor is None:
        missing = []
        if customer is None:
            missing.append(_("%(n)d rated callbacks, %(min)d needed") % {"n": ratings, "min": rule.min_ratings})
        if supervisor is None:
            missing.append(_("no supervisor rating for the period"))
        return KpiResult(None, customer, supervisor, ratings, _("No score: %(why)s.") % {"why": "; ".join(missing)})
    supervisor = Decimal(supervisor).quantize(ONE_PLACE, ROUND_HALF_UP)
    score = (wc * customer + ws * supervisor).quantize(ONE_PLACE, ROUND_HALF_UP)
    formula = _("%(wc)s × customers %(c)s (avg of %(n)d callbacks) + %(ws)s × supervisor %(s)s = %(score)s") % {
        "wc": wc, "c": customer, "n": ratings, "ws": ws, "s": supervisor, "score": score}
    return KpiResult(score, customer, supervisor, ratings, formula)
