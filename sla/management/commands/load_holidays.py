"""manage.py load_holidays --years 2025 2026 [--calendar NAME]: the State Council schedule (holidays and
调休 make-up working days) from the chinese-calendar package into the working calendars."""
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sla.defaults import calendar_days_load
from sla.models import CalendarDay, CalendarYear, WorkingCalendar


class Command(BaseCommand):
    help = "Load Chinese public holidays and make-up working days into working calendars."

    def add_arguments(self, parser):
        parser.add_argument("--years", nargs="+", type=int, required=True)
        parser.add_argument("--calendar", action="append", default=[],
                            help="Calendar name (repeatable); default: every calendar that is not 24×7.")

    @transaction.atomic
    def handle(self, *args, years, calendar, **options):
        calendars = WorkingCalendar.objects.filter(always_open=False)
        if calendar:
            calendars = calendars.filter(name__in=calendar)
            missing = set(calendar) - set(calendars.values_list("name", flat=True))
            if missing:
                raise CommandError(f"No working calendar named {', '.join(sorted(missing))}.")
        for row in calendars:
            try:
                created, changed = calendar_days_load(CalendarDay, row, years, CalendarYear)
            except ValueError as exc:  # a year the installed chinese-calendar does not know
                raise CommandError(f"{exc}. Enter that year in the admin (the calendar's holidays and make-up days, "
                                   "and the year under its entered years) or import a file with "
                                   "manage.py import_holidays FILE.csv --year YEAR.") from exc
            # bulk_create sends no post_save: tell every process to reload its snapshot.
            row.save(update_fields=["name"])
            self.stdout.write(f"{row.name}: {created} days added, {changed} corrected")
