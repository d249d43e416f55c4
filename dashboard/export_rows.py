"""What the exports contain: one column spec per export, read by the CSV and the Excel writer alike
(dashboard/exports.py), so both files have the same columns in the same order.

Rows are typed Python values (aware datetimes, ints, Decimals, text); each writer formats them its own way.
Codes become labels in the language active when the rows are built (the request's, or the one the
background job was asked in), people are shown by name (姓名, falling back to the login)."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from sla.choices import ClockState, Step
from sla.clockmath import minutes_overdue
from sla.models import SlaClock
from tickets.choices import Channel, Kind, Priority, ProductCategory, Status
from tickets.models import Ticket

from .choices import ExportKind
from .filters import Filters
from .rollup import _prefix_q, day_bounds

CHUNK = 2000

TEXT, INT, DECIMAL, DATETIME = "text", "int", "decimal", "datetime"


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT


def person_name(last: str | None, first: str | None, username: str | None) -> str:
    """As core.templatetags.desk.person, from three values: the export reads columns, not user objects."""
    return f"{last or ''}{first or ''}".strip() or (username or "")


def labels(choices) -> Callable[[str | None], str]:
    """code → its label in the active language (translated once, not per row); an unknown code stays itself."""
    table = {value: str(label) for value, label in choices.choices}
    return lambda code: table.get(code, code or "")


def _period(f: Filters) -> tuple[datetime, datetime]:
    return day_bounds(f.date_from)[0], day_bounds(f.date_to)[1]


def tickets_qs(f: Filters):
    """The tickets registered in the period under every filter of the page: the list its "Registered" links to."""
    start, end = _period(f)
    return Ticket.objects.filter(f.ticket_q(), created_at__gte=start, created_at__lt=end)


def open_breach_q(prefix: str = "") -> Q:
    """A clock overdue now and not yet settled (the sweep sets breached_at = due_at within ~30 s; a paused
    clock is not overdue however old its due_at). Under the partial index dash_clock_open_breach."""
    return Q(**{f"{prefix}breached_at__isnull": False, f"{prefix}met_at__isnull": True,
                f"{prefix}cancelled_at__isnull": True})


def breaches_qs(f: Filters):
    """The clocks the page counts as breached in the period: settled breached in it (done late, or stopped
    after the breach) and those still open that fell due in it. A cancelled ticket's clocks are neither met
    nor breached (issue 14): not here either."""
    start, end = _period(f)
    counted = (Q(state=ClockState.BREACHED, settled__gte=start, settled__lt=end)
               | (open_breach_q() & Q(due_at__gte=start, due_at__lt=end)))
    return (SlaClock.objects.annotate(settled=Coalesce("met_at", "cancelled_at"))
            .filter(_prefix_q(f.ticket_q(), "ticket__")).filter(counted).exclude(state=ClockState.CANCELLED))


# msgids only (gettext_noop): translated when an export is built, in that export's language.
TICKET_COLUMNS = (
    Column(N_("Number")), Column(N_("Registered"), DATETIME), Column(N_("Status")), Column(N_("Kind")),
    Column(N_("Channel")), Column(N_("Priority")), Column(N_("Category")), Column(N_("Engineer")),
    Column(N_("Partner")), Column(N_("Pre-processed"), DATETIME), Column(N_("Dispatched"), DATETIME),
    Column(N_("Replied"), DATETIME), Column(N_("Solved"), DATETIME), Column(N_("Called back"), DATETIME),
    Column(N_("Closed"), DATETIME),
)


def _ticket_export(f: Filters) -> tuple[list[Column], Iterator[list], int]:
    # Headers are built here, not at import: gettext at import time would freeze one language.
    columns = [Column(_(c.header), c.kind) for c in TICKET_COLUMNS]
    status, kind, channel, priority, category = (labels(Status), labels(Kind), labels(Channel), labels(Priority),
                                                 labels(ProductCategory))
    qs = tickets_qs(f).order_by("created_at", "id")
    values = qs.values_list(
        "number", "created_at", "status", "kind", "channel", "priority", "device__category", "engineer__last_name",
        "engineer__first_name", "engineer__username", "partner__name", "preprocessed_at", "dispatched_at",
        "replied_at", "solved_at", "called_back_at", "closed_at")

    def rows():
        for (number, created, st, kd, ch, pr, cat, last, first, login, partner, *stamps) in values.iterator(
                chunk_size=CHUNK):
            yield [number, created, status(st), kind(kd), channel(ch), priority(pr), category(cat),
                   person_name(last, first, login), partner or "", *stamps]

    return columns, rows(), qs.count()


def _breach_export(f: Filters, now: datetime) -> tuple[list[Column], Iterator[list], int]:
    columns = [Column(_("Number")), Column(_("Step")), Column(_("Round"), INT), Column(_("Due"), DATETIME),
               Column(_("Done"), DATETIME), Column(_("Outcome")), Column(_("Minutes overdue"), INT),
               Column(_("Engineer")), Column(_("Partner")), Column(_("Kind")), Column(_("Priority"))]
    step, kind, priority = labels(Step), labels(Kind), labels(Priority)
    done_late, stopped, still_open = _("Done late"), _("Stopped after the breach"), _("Overdue, still open")
    qs = breaches_qs(f).order_by("due_at", "id")
    values = qs.values_list("ticket__number", "step", "round", "due_at", "met_at", "cancelled_at",
                            "ticket__engineer__last_name", "ticket__engineer__first_name",
                            "ticket__engineer__username", "ticket__partner__name", "ticket__kind", "ticket__priority")

    def rows():
        for number, st, rnd, due, met, cancelled, last, first, login, partner, kd, pr in values.iterator(
                chunk_size=CHUNK):
            outcome = done_late if met else stopped if cancelled else still_open
            yield [number, step(st), rnd, due, met, outcome, minutes_overdue(due, met or cancelled or now),
                   person_name(last, first, login), partner or "", kind(kd), priority(pr)]

    return columns, rows(), qs.count()


def _kpi_export(f: Filters, now: datetime) -> tuple[list[Column], Iterator[list], int]:
    from .selectors import dashboard_figures  # the same numbers the page shows

    figures = dashboard_figures(filters=f, now=now)
    columns = [Column(_("Engineer")), Column(_("Open"), INT), Column(_("Dispatched today"), INT),
               Column(_("Replies on time"), INT), Column(_("Replies"), INT), Column(_("Solutions on time"), INT),
               Column(_("Solutions"), INT), Column(_("Reopened after a failed callback"), INT),
               Column(_("Average satisfaction"), DECIMAL), Column(_("KPI"), DECIMAL), Column(_("How"))]
    rows = [[e.label, e.open, e.dispatched_today, e.replies_met, e.replies_total, e.solutions_met,
             e.solutions_total, e.reopened, e.satisfaction, e.kpi.score if e.kpi else None,
             e.kpi.formula if e.kpi else ""] for e in figures["engineers"]]
    return columns, iter(rows), len(rows)


def iter_rows(kind: str, f: Filters, *, now: datetime | None = None) -> tuple[list[Column], Iterator[list], int]:
    """(columns, rows, total) — total from one COUNT so progress can be shown; rows are lazy."""
    now = now or timezone.now()
    if kind == ExportKind.TICKETS:
        return _ticket_export(f)
    if kind == ExportKind.BREACHES:
        return _breach_export(f, now)
    if kind == ExportKind.KPI:
        return _kpi_export(f, now)
    raise ValueError(kind)
