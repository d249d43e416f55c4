"""The rest days a 三包 last day moves past come from the calendar data the SLA code loads: chinese_calendar's
State Council schedule for the years it ships, and for later years the holidays and 调休 days entered in the
SLA working calendars. The evaluate API and the intake preview both apply them, and agree."""
from datetime import date, timedelta

import pytest
from django.utils import timezone

from sla.models import CalendarDay, WorkingCalendar
from sla.snapshot import snapshot_reset
from warranty.periods import after_rest
from warranty.selectors import statutory_rest_days

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def fresh_sla_snapshot():
    snapshot_reset()
    yield
    snapshot_reset()


def test_weekends_holidays_and_tiaoxiu_of_the_shipped_schedule():
    rest = statutory_rest_days()
    assert date(2025, 10, 1) in rest and date(2025, 10, 8) in rest   # National Day, a Wednesday
    assert date(2025, 10, 11) not in rest                             # 调休: a Saturday that is worked
    assert date(2025, 10, 18) in rest and date(2025, 10, 20) not in rest  # a plain weekend, a Monday


def test_a_later_years_schedule_entered_in_an_sla_calendar_counts():
    """chinese_calendar knows no year after 2026: the 2027 Spring Festival typed into a working calendar."""
    calendar = WorkingCalendar.objects.create(name="Office 2027")
    CalendarDay.objects.create(calendar=calendar, date=date(2027, 2, 8), kind="holiday", note="春节")  # a Monday
    CalendarDay.objects.create(calendar=calendar, date=date(2027, 2, 20), kind="makeup_workday", note="春节")
    snapshot_reset()
    rest = statutory_rest_days()
    assert date(2027, 2, 8) in rest and date(2027, 2, 20) not in rest
    assert date(2027, 2, 9) not in rest  # not entered: an ordinary Tuesday


def test_a_24x7_calendars_days_are_not_the_law():
    calendar = WorkingCalendar.objects.create(name="Round the clock", always_open=True)
    CalendarDay.objects.create(calendar=calendar, date=date(2027, 3, 3), kind="holiday")
    snapshot_reset()
    assert date(2027, 3, 3) not in statutory_rest_days()


def test_the_evaluate_api_moves_a_last_day_on_national_day(reception_api):
    body = reception_api.post("/api/v1/warranty/evaluate/", {
        "category": "phone", "purchase_date": "2025-09-24", "report_date": "2025-10-09", "fault": "performance",
        "has_invoice": True, "has_warranty_card": True}, format="json").json()
    assert [(r["remedy"], r["until"]) for r in body["remedies"]][0] == ("return", "2025-10-09")
    assert "period.after_rest" in [r["code"] for r in body["reasons"]]


def test_the_intake_preview_and_the_api_agree_on_a_moved_last_day(reception_client, reception_api):
    today = timezone.localdate()
    rest = statutory_rest_days()
    rest_day = next(today + timedelta(days=n) for n in range(7) if today + timedelta(days=n) in rest)
    bought = rest_day - timedelta(days=7)  # the 7-day return period ends on that rest day
    html = reception_client.post("/warranty/preview/", {
        "category": "phone", "component": "main_unit", "fault_kind": "performance",
        "purchase_date": bought.isoformat(), "invoice_number": "INV-1", "warranty_card_number": "WC-1"},
        **HTMX).content.decode()
    moved = after_rest(rest_day, rest)
    assert moved > rest_day
    assert f'data-testid="remedy-return-until">{moved.isoformat()}<' in html
    body = reception_api.post("/api/v1/warranty/evaluate/", {
        "category": "phone", "purchase_date": bought.isoformat(), "report_date": today.isoformat(),
        "fault": "performance", "has_invoice": True, "has_warranty_card": True}, format="json").json()
    assert body["remedies"][0] == {"remedy": "return", "until": moved.isoformat(), "charge": "free",
                                   "missing_documents": []}
