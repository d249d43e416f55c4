"""The seed's promises (seed 002) as the default policy, and the State Council holiday schedule.

Used by the data migration (historical models) and after every migrate / test flush (post_migrate),
so a database always has a policy to start clocks with. Nothing here overwrites an edited policy."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time

import chinese_calendar

from .businesstime import chinese_holidays

ALWAYS_OPEN_NAME = "24×7"
OFFICE_NAME = "Office hours 8:00–12:00, 13:30–17:00 (Mon–Fri)"
OFFICE_WINDOWS = ((time(8), time(12)), (time(13, 30), time(17)))
DEFAULT_HOLIDAY_YEARS = (2025, 2026)

# step, minutes, starts, stops, restart when reopened, escalate after (min), warn, breach, escalate
# Warning: whoever does the step; breach: also the desk that tracks the ticket (受理人员 跟踪);
# escalation: the managers (engineer → supervisor → manager, seed 002/001).
DEFAULT_TARGETS = (
    ("preprocess", 30, "registered", "preprocessed", False, 30, ["creator"], ["reception"], ["manager"]),
    ("dispatch", 10, "preprocessed", "dispatched", True, 30, ["creator"], ["reception"], ["manager"]),
    ("first_reply", 30, "dispatched", "replied", False, 30, ["assignee"], ["assignee", "reception"], ["manager"]),
    # The solution clock starts at registration (PRODUCT.md: "registered (configurable)").
    ("solution", 24 * 60, "registered", "solved", True, 240, ["assignee"], ["assignee", "reception"], ["manager"]),
    ("callback", 20, "solved", "called_back", False, 60, ["creator"], ["reception"], ["manager"]),
)


def holiday_rows(years: Iterable[int]) -> list[tuple[date, str, str]]:
    """(date, kind, note) for every holiday day (weekends included) and make-up working day."""
    years = sorted(set(years))
    holidays, makeup_days = chinese_holidays(years[0], years[-1], include_weekends=True)
    wanted = set(years)
    rows = [(d, "holiday", chinese_calendar.get_holiday_detail(d)[1] or "") for d in holidays if d.year in wanted]
    rows += [(d, "makeup_workday", chinese_calendar.get_holiday_detail(d)[1] or "")
             for d in makeup_days if d.year in wanted]
    return sorted(rows)


def calendar_days_load(CalendarDay, calendar, years: Iterable[int]) -> tuple[int, int]:
    """Add the official days to `calendar`; a date already there with another kind is corrected, a
    note typed in the admin is kept. Returns (created, changed)."""
    existing = {row.date: row for row in CalendarDay.objects.filter(calendar=calendar)}
    created, changed = [], []
    for day, kind, note in holiday_rows(years):
        row = existing.get(day)
        if row is None:
            created.append(CalendarDay(calendar=calendar, date=day, kind=kind, note=note))
        elif row.kind != kind:
            row.kind = kind
            changed.append(row)
    CalendarDay.objects.bulk_create(created)
    for row in changed:
        row.save(update_fields=["kind"])
    return len(created), len(changed)


def seed_defaults(WorkingCalendar, CalendarWindow, CalendarDay, SlaPolicy, SlaTarget) -> None:
    always, _ = WorkingCalendar.objects.get_or_create(name=ALWAYS_OPEN_NAME, defaults={"always_open": True})
    office, made = WorkingCalendar.objects.get_or_create(name=OFFICE_NAME)
    if made:
        CalendarWindow.objects.bulk_create(
            CalendarWindow(calendar=office, weekday=weekday, opens=opens, closes=closes)
            for weekday in range(5) for opens, closes in OFFICE_WINDOWS)
        calendar_days_load(CalendarDay, office, DEFAULT_HOLIDAY_YEARS)
    if SlaPolicy.objects.exists():
        return
    policy = SlaPolicy.objects.create(code="default", version=1, name="SOP (seed 002)", rank=1000,
                                      effective_from=datetime(2000, 1, 1, tzinfo=UTC))
    for step, minutes, start, stop, reopen, escalate, warn, breach, escalation in DEFAULT_TARGETS:
        SlaTarget.objects.create(
            policy=policy, step=step, minutes=minutes, start_event=start, stop_event=stop, calendar=always,
            restart_on_reopen=reopen, escalate_after_minutes=escalate, warning_to=warn, breach_to=breach,
            escalation_to=escalation)


def sla_defaults_ensure(sender=None, **kwargs) -> None:
    """post_migrate receiver (also after a test flush): the default calendars and policy exist."""
    from .models import CalendarDay, CalendarWindow, SlaPolicy, SlaTarget, WorkingCalendar

    seed_defaults(WorkingCalendar, CalendarWindow, CalendarDay, SlaPolicy, SlaTarget)
