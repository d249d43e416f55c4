"""Exports of tickets, breaches and per-engineer KPI with the dashboard's filters, as CSV or Excel.

What goes in (columns, labels, rows) is dashboard/export_rows.py, one spec for both formats; this module
writes it. Rows come from `.iterator(chunk_size=2000)` and are written as they come: a CSV streams to the
browser (StreamingHttpResponse) or to a file; an Excel file is written by openpyxl in write_only mode (rows
go to a temporary file, never held as cells), so memory stays flat for a year of tickets."""
from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from core.roles import Role, user_has_role

from .export_rows import DATETIME, Column, breaches_qs, iter_rows, tickets_qs  # noqa: F401  (the exports' API)
from .models import ExportJob

PROGRESS_EVERY = 5000
DIRECT_CSV_LIMIT = 20000  # above this the page offers a background export instead
XLSX_DATETIME = "yyyy-mm-dd hh:mm"
XLSX_DATE = "yyyy-mm-dd"


class _Echo:
    def write(self, value: str) -> str:
        return value


# OWASP's CSV-injection rule: a text cell starting with one of these is a formula (or becomes one) in
# Excel and LibreOffice — a customer's name "=HYPERLINK(…)" must stay text. A leading quote keeps it text.
# Only text is guarded: a number is written as a number (in the CSV too: "-5" minutes is not a formula).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_value(value) -> str:
    """A typed value as CSV text: local time to the minute, numbers as written, guarded text."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    return neutralise(str(value))


def _headers(columns: list[Column | str]) -> list[str]:
    return [neutralise(getattr(c, "header", c)) for c in columns]


def csv_stream(columns: list[Column], rows: Iterator[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # Excel opens a UTF-8 CSV with Chinese text correctly only with a BOM
    yield writer.writerow(_headers(columns))
    for row in rows:
        yield writer.writerow([csv_value(v) for v in row])


def xlsx_cells(ws, row: list) -> list:
    """Typed cells: a datetime is a real Excel date (Beijing local time, naive: Excel has no time zones) with
    a number format, a Decimal a number; text is guarded against formulas."""
    from openpyxl.cell import WriteOnlyCell

    out = []
    for value in row:
        if isinstance(value, datetime):
            cell = WriteOnlyCell(ws, value=timezone.localtime(value).replace(tzinfo=None))
            cell.number_format = XLSX_DATETIME
            value = cell
        elif isinstance(value, date):
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = XLSX_DATE
            value = cell
        elif isinstance(value, Decimal):
            value = float(value)
        else:
            value = neutralise(value)
        out.append(value)
    return out


def write_xlsx(path: str, columns: list[Column], rows: Iterator[list], *,
               on_row: Callable[[int], None] | None = None) -> int:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    for index, column in enumerate(columns):  # wide enough for "2026-03-02 09:15" instead of "########"
        if getattr(column, "kind", None) == DATETIME:
            ws.column_dimensions[_letter(index)].width = 17
    ws.append(_headers(columns))
    n = 0
    for row in rows:
        ws.append(xlsx_cells(ws, row))
        n += 1
        if on_row and n % PROGRESS_EVERY == 0:
            on_row(n)
    wb.save(path)
    return n


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def write_csv(path: str, columns: list[Column], rows: Iterator[list], *,
              on_row: Callable[[int], None] | None = None) -> int:
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("\ufeff")
        writer = csv.writer(out)
        writer.writerow(_headers(columns))
        for row in rows:
            writer.writerow([csv_value(v) for v in row])
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
