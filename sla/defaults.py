"""The seed's promises (seed 002) as the default policy, the desk's hours, and the State Council holiday schedule.

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
# The desk's hours (issue 14): every day 9:00–18:00, closed on public holidays. Editable in the admin.
DESK_NAME = "Desk hours 9:00–18:00 (Mon–Sun)"
DESK_WINDOWS = ((time(9), time(18)),)
DEFAULT_HOLIDAY_YEARS = (2025, 2026)
ALWAYS, DESK = "always", "desk"

# step, minutes, starts, stops, restart when reopened, escalate after (min), calendar, warn, breach, escalate.
# Desk steps (pre-process, dispatch, callback) run in the desk's hours and warn the desk on duty (a ticket a
# partner registered through the API too); engineer steps warn the ticket's engineer, tell the engineer's
# lead at the breach, and escalate to the managers (engineer → supervisor → manager, seed 002/001). The
# first reply counts in the desk's hours (a dispatch at 17:59 is not late at 18:29); the solution keeps
# seed 002's 24 hours round the clock.
DEFAULT_TARGETS = (
    ("preprocess", 30, "registered", "preprocessed", False, 30, DESK, ["reception"], ["reception"], ["manager"]),
    ("dispatch", 10, "preprocessed", "dispatched", True, 30, DESK, ["reception"], ["reception"], ["manager"]),
    ("first_reply", 30, "dispatched", "replied", False, 30, DESK, ["assignee"], ["assignee", "lead"], ["manager"]),
    # The solution clock starts at registration (PRODUCT.md: "registered (configurable)").
    ("solution", 24 * 60, "registered", "solved", True, 240, ALWAYS, ["assignee"], ["assignee", "lead"],
     ["manager"]),
    ("callback", 20, "solved", "called_back", False, 60, DESK, ["reception"], ["reception"], ["manager"]),
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


def calendar_days_load(CalendarDay, calendar, years: Iterable[int], CalendarYear=None) -> tuple[int, int]:
    """Add the official days to `calendar`; a date already there with another kind is corrected, a
    note typed in the admin is kept; each year is recorded as known (CalendarYear, when the model exists:
    the 0002 migration runs before it does). Returns (created, changed)."""
    years = list(years)
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
    if CalendarYear is not None:
        years_known(CalendarYear, calendar, years, source="chinese_calendar")
    return len(created), len(changed)


def years_known(CalendarYear, calendar, years: Iterable[int], *, source: str) -> None:
    """Record `years` as entered for `calendar` (a year already recorded keeps its first source)."""
    CalendarYear.objects.bulk_create([CalendarYear(calendar=calendar, year=year, source=source) for year in years],
                                     ignore_conflicts=True)


def calendars_ensure(WorkingCalendar, CalendarWindow, CalendarDay, CalendarYear=None) -> dict[str, object]:
    """The shipped calendars (24×7, office, desk), each made with its hours and 2025–2026 holidays once;
    one a manager already has is left as it is."""
    always, _ = WorkingCalendar.objects.get_or_create(name=ALWAYS_OPEN_NAME, defaults={"always_open": True})
    made = {ALWAYS: always}
    for key, name, windows, weekdays in (("office", OFFICE_NAME, OFFICE_WINDOWS, range(5)),
                                         (DESK, DESK_NAME, DESK_WINDOWS, range(7))):
        calendar, created = WorkingCalendar.objects.get_or_create(name=name)
        if created:
            CalendarWindow.objects.bulk_create(
                CalendarWindow(calendar=calendar, weekday=weekday, opens=opens, closes=closes)
                for weekday in weekdays for opens, closes in windows)
            calendar_days_load(CalendarDay, calendar, DEFAULT_HOLIDAY_YEARS, CalendarYear)
        made[key] = calendar
    return made


def default_targets_create(SlaTarget, policy, calendars: dict[str, object]) -> None:
    for step, minutes, start, stop, reopen, escalate, calendar, warn, breach, escalation in DEFAULT_TARGETS:
        SlaTarget.objects.create(
            policy=policy, step=step, minutes=minutes, start_event=start, stop_event=stop,
            calendar=calendars[calendar], restart_on_reopen=reopen, escalate_after_minutes=escalate,
            warning_to=warn, breach_to=breach, escalation_to=escalation)


def seed_defaults(WorkingCalendar, CalendarWindow, CalendarDay, SlaPolicy, SlaTarget, CalendarYear=None) -> None:
    calendars = calendars_ensure(WorkingCalendar, CalendarWindow, CalendarDay, CalendarYear)
    if SlaPolicy.objects.exists():
        return
    policy = SlaPolicy.objects.create(code="default", version=1, name="SOP (seed 002)", rank=1000,
                                      effective_from=datetime(2000, 1, 1, tzinfo=UTC))
    default_targets_create(SlaTarget, policy, calendars)


def sla_defaults_ensure(sender=None, **kwargs) -> None:
    """post_migrate receiver (also after a test flush): the default calendars and policy exist."""
    from .models import CalendarDay, CalendarWindow, CalendarYear, SlaPolicy, SlaTarget, WorkingCalendar

    seed_defaults(WorkingCalendar, CalendarWindow, CalendarDay, SlaPolicy, SlaTarget, CalendarYear)
