"""manage.py import_holidays FILE.csv --year 2027 [--calendar NAME …]: a year's State Council schedule from a
file, for a year the installed chinese-calendar does not know yet (it is published each November).

One line per day: `date,kind,note` — kind `holiday` (closed) or `makeup_workday` (调休, open); a header line
and blank lines are skipped. A date already in the calendar takes the file's kind and note. The year is then
recorded as entered, which ends the "no holiday schedule" warning of the admin, the dashboard and /readyz."""
import csv
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sla.choices import CalendarDayKind, CalendarYearSource
from sla.defaults import years_known
from sla.models import CalendarDay, CalendarYear, WorkingCalendar


def read_rows(path: str, year: int) -> list[tuple[date, str, str]]:
    rows, seen = [], set()
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for number, line in enumerate(csv.reader(handle), start=1):
            if not line or not "".join(line).strip() or line[0].strip().lower() == "date":
                continue
            try:
                day = date.fromisoformat(line[0].strip())
            except ValueError:
                raise CommandError(f"line {number}: {line[0]!r} is not a date (YYYY-MM-DD)") from None
            kind = line[1].strip() if len(line) > 1 else ""
            if kind not in CalendarDayKind.values:
                raise CommandError(f"line {number}: kind must be one of {', '.join(CalendarDayKind.values)}")
            # A make-up day may fall in the neighbouring year (a Sunday before New Year's Day).
            if kind == CalendarDayKind.HOLIDAY and day.year != year or abs(day.year - year) > 1:
                raise CommandError(f"line {number}: {day} is not in {year}")
            if day in seen:
                raise CommandError(f"line {number}: {day} appears twice")
            seen.add(day)
            rows.append((day, kind, line[2].strip()[:100] if len(line) > 2 else ""))
    if not any(kind == CalendarDayKind.HOLIDAY for _d, kind, _n in rows):
        raise CommandError(f"{path} has no public holiday for {year}: nothing was imported")
    return rows


class Command(BaseCommand):
    help = "Import a year's public holidays and make-up working days from a CSV file into working calendars."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--calendar", action="append", default=[],
                            help="Calendar name (repeatable); default: every calendar that is not 24×7.")

    @transaction.atomic
    def handle(self, *args, path, year, calendar, **options):
        rows = read_rows(path, year)
        calendars = WorkingCalendar.objects.filter(always_open=False)
        if calendar:
            calendars = calendars.filter(name__in=calendar)
            missing = set(calendar) - set(calendars.values_list("name", flat=True))
            if missing:
                raise CommandError(f"No working calendar named {', '.join(sorted(missing))}.")
        for row in calendars:
            for day, kind, note in rows:
                CalendarDay.objects.update_or_create(calendar=row, date=day, defaults={"kind": kind, "note": note})
            years_known(CalendarYear, row, [year], source=CalendarYearSource.FILE)
            row.save(update_fields=["name"])  # every process reloads its snapshot
            self.stdout.write(f"{row.name}: {len(rows)} days of {year}")
