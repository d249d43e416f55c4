"""Reads of the SLA app: what pages, template tags, the API, the hooks and other apps show of clocks and
notifications. Writes stay in services.py (clocks), enforcement.py (the sweep) and notifications.py."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Case, Count, Exists, F, Max, OuterRef, Q, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import ngettext

from core.compiled import IdsValues

from .choices import STEP_ORDER, ClockState, SlaEventKind, Step
from .display import ClockLine, clock_line
from .models import CalendarYear, Notification, SlaClock, WorkingCalendar

BELL_SIZE = 8
NOTIFICATIONS_PAGE = 50
# The columns lists and the API show of a clock (sla.serializers.SlaClockOutput), of ~25.
CLOCK_LIST_FIELDS = ("ticket_id", "step", "round", "state", "started_at", "due_at", "met_at", "breached_at",
                     "paused_seconds", "pause_reason")


# --- clocks -----------------------------------------------------------------------------------------

def started_clocks_in_order(clocks: Iterable) -> list:
    """The clocks of steps reached so far (a pending clock has nothing to show), in SOP order, newest round
    last. Works on prefetched models and on the rows of clocks_by_ticket alike."""
    return sorted((c for c in clocks if c.started_at is not None), key=lambda c: (STEP_ORDER[c.step], c.round))


def ticket_clock_lines(*, ticket, now: datetime) -> list[ClockLine]:
    """The ticket page's clocks with their text and colour (one query, or none if prefetched)."""
    return [clock_line(clock, now) for clock in started_clocks_in_order(ticket.sla_clocks.all())]


@dataclass(frozen=True)
class DueClock:
    """The step a ticket owes next, for a queue card: "工程师回复 · 剩余 23 小时 59 分" (or paused)."""

    step: str  # the step's label
    due_at: datetime | None
    paused: bool


def due_clock(clocks: Iterable) -> DueClock | None:
    """Of a ticket's clocks (models or clocks_by_ticket rows), the owed one due first: started, not met, not
    cancelled; a running one before a paused one (Ticket.next_due_at counts only running clocks)."""
    owed = [c for c in clocks if c.started_at is not None and c.met_at is None and c.due_at is not None
            and c.state != ClockState.CANCELLED]
    if not owed:
        return None
    clock = min(owed, key=lambda c: (c.state == ClockState.PAUSED, c.due_at, STEP_ORDER[c.step]))
    return DueClock(step=str(Step(clock.step).label), due_at=clock.due_at, paused=clock.state == ClockState.PAUSED)


# The statement compiled once (core.compiled): the ORM built the same text on every list page (~1,000 calls).
_CLOCK_ROWS = IdsValues(lambda ids: SlaClock.objects.filter(ticket_id__in=ids), CLOCK_LIST_FIELDS)


def clocks_by_ticket(*, ticket_ids: Iterable[int]) -> dict[int, list]:
    """ticket id → its clocks as read-only rows with the clock's attribute names, from one query.
    Not prefetch_related: for a reverse foreign key it builds a queryset per ticket (~0.1 ms each), and 125
    full clock models per list page cost more than the rest of the page's objects."""
    by_ticket: dict[int, list] = {pk: [] for pk in ticket_ids}
    for clock in _CLOCK_ROWS.rows(list(by_ticket)):
        by_ticket[clock.ticket_id].append(clock)
    return by_ticket


def _day_start(value) -> datetime:
    return timezone.make_aware(datetime.combine(value, time.min))


def ticket_clock_exists(filters: Mapping[str, Any]) -> Exists | None:
    """Dashboard drill-down, as a condition on tickets (OuterRef "pk"): a clock of the step and outcome —
    settled (met / breached) in the date range, the compliance figures — or still open and breached /
    warned (sla_clock_breached, dash_clock_* indexes). None when the filters ask nothing of clocks."""
    if not (filters.get("sla_step") or filters.get("sla_outcome")):
        return None
    clocks = SlaClock.objects.filter(ticket_id=OuterRef("pk"))
    if step := filters.get("sla_step"):
        clocks = clocks.filter(step=step)
    outcome = filters.get("sla_outcome") or "breached"
    if outcome in ("met", "breached"):
        counted = Q(state=outcome)
        start, end = filters.get("settled_from"), filters.get("settled_to")
        if start:
            counted &= Q(settled__gte=_day_start(start))
        if end:
            counted &= Q(settled__lt=_day_start(end) + timedelta(days=1))
        if outcome == "breached" and (start or end):
            # The dashboard counts a breach still open as breached on the day it fell due (issue 15): its
            # link lists it too. (Without dates, state "breached" already includes the open ones.)
            still_open = Q(breached_at__isnull=False, met_at__isnull=True, cancelled_at__isnull=True)
            if start:
                still_open &= Q(due_at__gte=_day_start(start))
            if end:
                still_open &= Q(due_at__lt=_day_start(end) + timedelta(days=1))
            counted |= still_open
        clocks = clocks.annotate(settled=Coalesce("met_at", "cancelled_at")).filter(counted)
    else:
        clocks = clocks.filter(met_at__isnull=True, cancelled_at__isnull=True)
        clocks = (clocks.filter(breached_at__isnull=False) if outcome == "open_breach"
                  else clocks.filter(warned_at__isnull=False, breached_at__isnull=True))
    return Exists(clocks)


# --- notifications ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class BellEntry:
    """One line under the bell: a group of SLA notices (step and kind) or a single other notice."""

    count: int
    latest: datetime
    text: str
    ticket_number: str = ""
    step: str = ""
    kind: str = ""
    pk: int | None = None  # a single notice (not an SLA group)


def _group_text(step: str, kind: str, count: int) -> str:
    step_label = Step(step).label if step in Step.values else step
    messages = {
        SlaEventKind.WARNING: ngettext("%(count)d ticket warned at %(step)s", "%(count)d tickets warned at %(step)s",
                                       count),
        SlaEventKind.BREACH: ngettext("%(count)d ticket overdue at %(step)s", "%(count)d tickets overdue at %(step)s",
                                      count),
        SlaEventKind.ESCALATION: ngettext("%(count)d ticket escalated at %(step)s",
                                          "%(count)d tickets escalated at %(step)s", count),
    }
    return messages.get(kind, "%(count)d · %(step)s") % {"count": count, "step": step_label}


def notifications_unread_for(*, user) -> tuple[list[BellEntry], int]:
    """The bell, in one query: unread SLA notices grouped per step and kind ("12 tickets warned at
    Pre-process"), other notices one by one, newest first; and how many notices are unread in all. A group
    of one reads as its notice, with the ticket's link."""
    if not getattr(user, "is_authenticated", False):
        return [], 0
    groups = (Notification.objects.filter(user=user, read_at=None)
              .annotate(single=Case(When(event__isnull=True, then=F("id")), default=None))
              .values("step", "kind", "single")
              .annotate(n=Count("id"), latest=Max("created_at"), text=Max("text"), number=Max("ticket__number"))
              .order_by("-latest"))
    entries = []
    for row in groups:
        if row["single"] is None and row["n"] > 1:
            entries.append(BellEntry(count=row["n"], latest=row["latest"], step=row["step"], kind=row["kind"],
                                     text=_group_text(row["step"], row["kind"], row["n"])))
        else:
            entries.append(BellEntry(count=row["n"], latest=row["latest"], text=row["text"],
                                     ticket_number=row["number"] or "", step=row["step"], kind=row["kind"],
                                     pk=row["single"]))
    return entries[:BELL_SIZE], sum(entry.count for entry in entries)


def notification_list_for(*, user, step: str = "", kind: str = "", limit: int = NOTIFICATIONS_PAGE) -> list[Notification]:
    """The notifications page: the user's own, newest first, read or not; one bell group when asked."""
    rows = Notification.objects.filter(user=user)
    if step and kind:
        rows = rows.filter(step=step, kind=kind)
    return list(rows.select_related("ticket").order_by("-created_at", "-id")[:limit])


# --- working calendars ------------------------------------------------------------------------------

SCHEDULE_HORIZON_DAYS = 60


@dataclass(frozen=True)
class ScheduleGap:
    """A working calendar without the holiday schedule of a year that starts within the horizon."""

    calendar_id: int
    calendar: str
    year: int
    first_day: date


def calendar_schedule_gaps(*, today: date, horizon_days: int = SCHEDULE_HORIZON_DAYS) -> list[ScheduleGap]:
    """Working (not 24×7) calendars lacking the holidays and 调休 days of a year any of the next
    `horizon_days` days falls in: their clocks would count that year's holidays as working days. Two queries."""
    last = today + timedelta(days=horizon_days)
    years = range(today.year, last.year + 1)
    known = set(CalendarYear.objects.filter(year__in=years).values_list("calendar_id", "year"))
    return [ScheduleGap(calendar_id=pk, calendar=name, year=year, first_day=max(today, date(year, 1, 1)))
            for pk, name in WorkingCalendar.objects.filter(always_open=False).order_by("name").values_list("pk", "name")
            for year in years if (pk, year) not in known]


def calendar_schedule_warning() -> str:
    """/readyz's "calendar" component (core.health advisory check): "" when every working calendar has the
    holiday schedule of the next SCHEDULE_HORIZON_DAYS days. English: the probe's readers are operators."""
    gaps = calendar_schedule_gaps(today=timezone.localdate())
    if not gaps:
        return ""
    years = sorted({gap.year for gap in gaps})
    names = sorted({gap.calendar for gap in gaps})
    return (f"no holiday schedule for {', '.join(map(str, years))} in {', '.join(names)}: its public holidays count "
            f"as working days. Enter it in the admin (SLA › working calendars: holidays and make-up days, and the "
            f"year under its entered years) or run manage.py import_holidays FILE.csv --year {years[0]}.")
