"""Exports of tickets, breaches and per-engineer KPI with the dashboard's filters, as CSV or Excel.

Rows come from `.iterator(chunk_size=2000)` and are written as they come: a CSV streams to the browser
(StreamingHttpResponse) or to a file; an Excel file is written by openpyxl in write_only mode (rows
go to a temporary file, never held as cells), so memory stays flat for a year of tickets."""
from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import Role, user_has_role
from sla.choices import ClockState
from sla.clockmath import minutes_overdue
from sla.models import SlaClock
from tickets.models import Ticket

from .choices import ExportKind
from .filters import Filters
from .models import ExportJob
from .rollup import _prefix_q, day_bounds

CHUNK = 2000
PROGRESS_EVERY = 5000
DIRECT_CSV_LIMIT = 20000  # above this the page offers a background export instead


def _t(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _period(f: Filters) -> tuple[datetime, datetime]:
    return day_bounds(f.date_from)[0], day_bounds(f.date_to)[1]


def tickets_qs(f: Filters):
    start, end = _period(f)
    return Ticket.objects.filter(f.ticket_q(), created_at__gte=start, created_at__lt=end)


def breaches_qs(f: Filters):
    start, end = _period(f)
    # A cancelled ticket's clocks are neither met nor breached (issue 14): not in the breach list either.
    return SlaClock.objects.filter(_prefix_q(f.ticket_q(), "ticket__"), breached_at__gte=start,
                                   breached_at__lt=end).exclude(state=ClockState.CANCELLED)


TICKET_FIELDS = ("number", "created_at", "status", "kind", "channel", "priority", "device__category",
                 "engineer__username", "partner__code", "preprocessed_at", "dispatched_at", "replied_at", "solved_at",
                 "called_back_at", "closed_at")


def ticket_rows() -> tuple[list[str], Callable[[tuple], list]]:
    header = [_("Number"), _("Registered"), _("Status"), _("Kind"), _("Channel"), _("Priority"), _("Category"),
              _("Engineer"), _("Partner"), _("Pre-processed"), _("Dispatched"), _("Replied"), _("Solved"),
              _("Called back"), _("Closed")]

    def row(values: tuple) -> list:
        return [v if not isinstance(v, datetime) else _t(v) for v in values]

    return header, row


def iter_rows(kind: str, f: Filters, *, now: datetime | None = None) -> tuple[list[str], Iterator[list], int]:
    """(header, rows, total) — total from one COUNT so progress can be shown; rows are lazy."""
    now = now or timezone.now()
    if kind == ExportKind.TICKETS:
        qs = tickets_qs(f).order_by("created_at", "id")
        header, row = ticket_rows()
        return header, (row(v) for v in qs.values_list(*TICKET_FIELDS).iterator(chunk_size=CHUNK)), qs.count()
    if kind == ExportKind.BREACHES:
        qs = breaches_qs(f).order_by("breached_at", "id")
        header = [_("Number"), _("Step"), _("Round"), _("Due"), _("Done"), _("Minutes overdue"), _("Engineer"),
                  _("Kind"), _("Priority")]
        values = qs.values_list("ticket__number", "step", "round", "due_at", "met_at", "ticket__engineer__username",
                                "ticket__kind", "ticket__priority")

        def rows():
            for number, step, rnd, due, met, eng, kind_, prio in values.iterator(chunk_size=CHUNK):
                yield [number, step, rnd, _t(due), _t(met), minutes_overdue(due, met or now), eng or "", kind_, prio]

        return header, rows(), qs.count()
    if kind == ExportKind.KPI:
        from .selectors import dashboard_figures  # the same numbers the page shows

        figures = dashboard_figures(filters=f, now=now)
        header = [_("Engineer"), _("Open"), _("Dispatched today"), _("Replies on time"), _("Replies"),
                  _("Solutions on time"), _("Solutions"), _("Reopened after a failed callback"),
                  _("Average satisfaction"), _("KPI"), _("How")]
        rows = [[e.name, e.open, e.dispatched_today, e.replies_met, e.replies_total, e.solutions_met,
                 e.solutions_total, e.reopened, e.satisfaction if e.satisfaction is not None else "",
                 e.kpi.score if e.kpi and e.kpi.score is not None else "", e.kpi.formula if e.kpi else ""]
                for e in figures["engineers"]]
        return header, iter(rows), len(rows)
    raise ValueError(kind)


class _Echo:
    def write(self, value: str) -> str:
        return value


# OWASP's CSV-injection rule: a text cell starting with one of these is a formula (or becomes one) in
# Excel and LibreOffice — a customer's name "=HYPERLINK(…)" must stay text. A leading quote keeps it text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _safe_row(row) -> list:
    return [neutralise(value) for value in row]


def csv_stream(header: list[str], rows: Iterator[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # Excel opens a UTF-8 CSV with Chinese text correctly only with a BOM
    yield writer.writerow(_safe_row(header))
    for row in rows:
        yield writer.writerow(_safe_row(row))


def _cell(value):
    from decimal import Decimal

    return float(value) if isinstance(value, Decimal) else neutralise(value)


def write_xlsx(path: str, header: list[str], rows: Iterator[list], *, on_row: Callable[[int], None] | None = None) -> int:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(_safe_row(header))
    n = 0
    for row in rows:
        ws.append([_cell(v) for v in row])
        n += 1
        if on_row and n % PROGRESS_EVERY == 0:
            on_row(n)
    wb.save(path)
    return n


def write_csv(path: str, header: list[str], rows: Iterator[list], *, on_row: Callable[[int], None] | None = None) -> int:
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("\ufeff")
        writer = csv.writer(out)
        writer.writerow(_safe_row(header))
        for row in rows:
            writer.writerow(_safe_row(row))
            n += 1
            if on_row and n % PROGRESS_EVERY == 0:
                on_row(n)
    return n


# --- jobs (reads; the writes are in dashboard/services.py) ---------------------------------------------------

def export_jobs_recent(*, user, limit: int = 5):
    return ExportJob.objects.filter(requested_by=user).order_by("-created_at")[:limit]


def export_job_get_for_user(*, user, pk: int) -> ExportJob:
    """The requester or any manager; others get 404 (the file's existence is not revealed)."""
    from django.shortcuts import get_object_or_404

    job = get_object_or_404(ExportJob, pk=pk)
    if job.requested_by_id != user.pk and not user_has_role(user, Role.MANAGER):
        from django.http import Http404

        raise Http404
    return job
