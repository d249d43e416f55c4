"""KPI: customers' part weighted higher, policy from the admin, the formula shown with the numbers."""
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError

from dashboard.filters import Filters
from dashboard.kpi import KpiRule, kpi_score, period_bounds
from dashboard.models import KpiPolicy, SupervisorRating
from dashboard.selectors import dashboard_figures

from .conftest import DAY, NOW


@pytest.mark.parametrize(("period", "day", "bounds"), [
    ("month", date(2026, 3, 2), (date(2026, 3, 1), date(2026, 3, 31))),
    ("month", date(2026, 12, 31), (date(2026, 12, 1), date(2026, 12, 31))),
    ("quarter", date(2026, 11, 5), (date(2026, 10, 1), date(2026, 12, 31))),
    ("week", date(2026, 3, 4), (date(2026, 3, 2), date(2026, 3, 8))),
])
def test_period_bounds(period, day, bounds):
    assert period_bounds(period, day) == bounds


def test_score_formula_and_missing_parts():
    rule = KpiRule(period="month", customer_weight=Decimal("0.70"))
    result = kpi_score(rule, satisfaction_sum=Decimal("9"), ratings=2, supervisor=Decimal("80"))
    assert result.customer == Decimal("87.5") and result.score == Decimal("85.3")  # 0.7×87.5 + 0.3×80
    assert "87.5" in result.formula and "80" in result.formula and "85.3" in result.formula
    assert kpi_score(rule, satisfaction_sum=Decimal(0), ratings=0, supervisor=Decimal(90)).score is None


def test_policy_must_weigh_customers_higher(db):
    with pytest.raises(IntegrityError):
        KpiPolicy.objects.create(name="bad", effective_from=date(2026, 1, 1), customer_weight=Decimal("0.40"))


def test_dashboard_kpi_uses_policy_and_rating(history):
    KpiPolicy.objects.create(name="2026", effective_from=date(2026, 1, 1), customer_weight=Decimal("0.60"))
    SupervisorRating.objects.create(engineer=history["a"], period_start=date(2026, 3, 1), scale="5",
                                    score=Decimal("4"), by=history["manager"])
    rows = {e.name: e for e in dashboard_figures(filters=Filters(date_from=DAY.date(), date_to=DAY.date()),
                                                 now=NOW)["engineers"]}
    a = rows["eng_a"].kpi
    # customers: (5+5+4)/3 = 4.6667 → 91.7; supervisor 4/5 → 75; 0.60×91.7 + 0.40×75 = 85.0
    assert (a.customer, a.supervisor, a.score) == (Decimal("91.7"), Decimal("75.0"), Decimal("85.0"))
    assert rows["eng_b"].kpi.score is None
