"""Refunds: opened by a return/refund solution, due 7 working days later on the office calendar."""
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from django.urls import reverse

from refunds.models import Refund
from refunds.rules import refund_due_at
from sla.businesstime import Calendar, chinese_holidays
from sla.defaults import OFFICE_WINDOWS

from .conftest import NOW

SH = ZoneInfo("Asia/Shanghai")


def office() -> Calendar:
    holidays, makeup = chinese_holidays(2025, 2026)
    return Calendar.working_hours(SH, OFFICE_WINDOWS, holidays=holidays, makeup_days=makeup)


@pytest.mark.parametrize("accepted", [date(2026, 3, 2), date(2026, 9, 29), date(2026, 2, 13), date(2026, 4, 30)])
def test_due_is_the_close_of_the_seventh_working_day_after(accepted):
    day, counted = accepted, 0
    while counted < 7:  # recount with chinese_calendar itself: holidays and 调休 make-up days
        day += timedelta(days=1)
        counted += chinese_calendar.is_workday(day)
    due = refund_due_at(office(), datetime.combine(accepted, time(14, 20), tzinfo=SH), 7)
    assert due == datetime.combine(day, time(17), tzinfo=SH)


def test_return_solution_opens_a_refund_shown_on_ticket_and_dashboard(history, client):
    refund = Refund.objects.get()
    assert refund.ticket_id == history["t5"].pk and refund.amount == Decimal("2999.00")
    assert refund.due_at == datetime(2026, 3, 11, 17, tzinfo=SH)  # Mon 14:20 + 7 working days, office hours
    client.force_login(history["manager"])
    page = client.get(reverse("tickets:detail", args=[history["t5"].number])).content.decode()
    assert 'data-testid="refunds-panel"' in page
    stats = client.get(reverse("dashboard:page"), {"date_from": "2026-03-02", "date_to": "2026-03-02"}).context
    assert stats["refund_stats"]["pending"] == 1 and stats["refund_stats"]["overdue"] == 0


def test_reception_marks_paid_engineer_may_not(history, client):
    refund = Refund.objects.get()
    url = reverse("refunds:paid", args=[refund.pk])
    client.force_login(history["a"])
    assert client.post(url, {"amount": "2999.00", "method": "bank_transfer"}).status_code == 403
    client.force_login(history["reception"])
    bad = client.post(url, {"amount": "-1", "method": "bank_transfer"})
    assert bad.status_code == 200 and 'data-testid="error-amount"' in bad.content.decode()
    assert Refund.objects.get().state == "pending"
    ok = client.post(url, {"amount": "2999.00", "method": "bank_transfer", "reference": "TX1"})
    refund.refresh_from_db()
    assert refund.state == "paid" and refund.paid_at == NOW and not refund.paid_late
    assert 'data-testid="refund-state"' in ok.content.decode()
    again = client.post(url, {"amount": "2999.00", "method": "cash"})
    assert 'data-testid="refund-error"' in again.content.decode()  # already recorded: refused, nothing changed
