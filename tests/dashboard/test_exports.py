"""Exports: the Excel file opens and matches the CSV; the background job end to end; sent after commit."""
import csv
import io
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.urls import reverse
from openpyxl import load_workbook

from dashboard.filters import Filters
from dashboard.models import ExportJob
from dashboard.services import export_job_create, export_job_run

from .conftest import DAY

FILTERS = Filters(date_from=DAY.date(), date_to=DAY.date())
QS = {"date_from": "2026-03-02", "date_to": "2026-03-02"}


def _norm(value: str):
    """Excel stores numbers as numbers (2.00 reads back as 2): compare those by value."""
    try:
        return Decimal(value)
    except InvalidOperation:
        return value


def _as_csv_text(value) -> str:
    """An Excel cell as the CSV writes it: a typed date-time (issue 15) reads back as a naive datetime."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def _csv_rows(content: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))


def test_streamed_csv_has_the_filtered_tickets(history, client):
    client.force_login(history["manager"])
    response = client.get(reverse("dashboard:export-csv", args=["tickets"]), {**QS, "kind": "consultation"})
    rows = _csv_rows(b"".join(response.streaming_content).decode())
    assert sorted(r[0] for r in rows[1:]) == sorted([history["t2"].number, history["t4"].number])


def test_excel_opens_and_matches_the_csv(history, client):
    for kind in ("tickets", "breaches", "kpi"):
        jobs = [export_job_create(requested_by=history["manager"], kind=kind, format=fmt, filters=FILTERS)
                for fmt in ("csv", "xlsx")]
        for job in jobs:
            export_job_run(job_id=job.pk)
        csv_job, xlsx_job = (ExportJob.objects.get(pk=j.pk) for j in jobs)
        assert csv_job.state == xlsx_job.state == "done" and csv_job.progress == 100
        with csv_job.file.open("rb") as fh:
            from_csv = _csv_rows(fh.read().decode("utf-8"))
        with xlsx_job.file.open("rb") as fh:
            sheet = load_workbook(io.BytesIO(fh.read()), read_only=True).active
            width = len(from_csv[0])  # write_only stores no cell for an empty value: pad the row back out
            from_xlsx = [([_as_csv_text(v) for v in row] + [""] * width)[:width]
                         for row in sheet.iter_rows(values_only=True)]
        assert len(from_csv) > 1, kind
        assert [[_norm(v) for v in row] for row in from_xlsx] == [[_norm(v) for v in row] for row in from_csv], kind
    breaches = _csv_rows(ExportJob.objects.filter(kind="breaches", format="csv").get().file.open("rb").read().decode())
    assert {r[0] for r in breaches[1:]} == {history["t3"].number, history["t2"].number, history["t5"].number,
                                            history["t2"].number}


def test_job_is_sent_after_commit_and_shows_progress(history, client, django_capture_on_commit_callbacks):
    client.force_login(history["manager"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(f"{reverse('dashboard:export-start')}?date_from=2026-03-02&date_to=2026-03-02",
                               {"kind": "tickets", "format": "xlsx"})
    job = ExportJob.objects.get()
    assert len(callbacks) == 1 and job.state == "queued"  # nothing is sent before the commit
    assert 'hx-trigger="every 1s"' in response.content.decode()  # the fragment polls while it runs
    export_job_run(job_id=job.pk)  # what the worker runs (dashboard.tasks.export_job_run_task)
    assert export_job_run(job_id=job.pk) is None  # a redelivered message does nothing
    done = client.get(reverse("dashboard:export-status", args=[job.pk])).content.decode()
    assert 'data-testid="export-download"' in done and "every 1s" not in done
    download = client.get(reverse("dashboard:export-download", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True).active
    assert len(list(sheet.iter_rows(values_only=True))) == 1 + 5


def test_unknown_export_is_refused_in_the_fragment(history, client):
    client.force_login(history["manager"])
    response = client.post(reverse("dashboard:export-start"), {"kind": "everything", "format": "csv"})
    assert response.status_code == 200 and 'data-testid="export-error"' in response.content.decode()
    assert not ExportJob.objects.exists()
