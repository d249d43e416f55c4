"""Dashboard writes: export jobs (requested, run, knocked again). Rollups are rebuilt by dashboard/rollup.py.

An export is a row first (state "queued"), then a Celery task knocked after commit. A knock lost to a
broker outage is made good by `export_jobs_requeue` (beat: dashboard-exports-requeue), so a job never
stays "queued" for ever; the run claims its row, so a repeated knock never runs a job twice at once."""
from __future__ import annotations

import tempfile
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.knock import knock_after_commit, knock_each
from core.roles import Role, user_has_role

from .choices import ExportFormat, ExportKind, ExportState
from .exports import iter_rows, write_csv, write_xlsx
from .filters import Filters
from .models import ExportJob

REQUEUE_AFTER = timedelta(minutes=2)  # the after-commit knock comes first
# A job "running" for longer than the task's hard time limit (dashboard/tasks.py, 1800 s) lost its worker:
# only then may another knock take it over. Sooner, a duplicate knock would run it twice at once.
RUNNING_LEASE = timedelta(seconds=1800 + 120)
REQUEUE_BATCH = 100


def _check_manager(user) -> None:
    if not user_has_role(user, Role.MANAGER):
        raise ApplicationError(_("Only managers export reports."), code="forbidden", status=403)


@transaction.atomic
def export_job_create(*, requested_by, kind: str, format: str, filters: Filters, language: str = "") -> ExportJob:
    """`language`: the file's labels (default: the language active now, i.e. the request's)."""
    _check_manager(requested_by)
    if kind not in ExportKind.values:
        raise ApplicationError(_("Unknown export."), code="export_kind", field="kind")
    if format not in ExportFormat.values:
        raise ApplicationError(_("Unknown format."), code="export_format", field="format")
    from .tasks import export_job_run_task  # lazy: tasks imports this module

    job = ExportJob.objects.create(requested_by=requested_by, kind=kind, format=format, filters=filters.as_dict(),
                                   language=language or translation.get_language() or "")
    knock_after_commit(export_job_run_task, job.pk)
    return job


def _claimable(now: datetime) -> Q:
    return Q(state=ExportState.QUEUED) | Q(state=ExportState.RUNNING, started_at__lt=now - RUNNING_LEASE)


def export_job_run(*, job_id: int) -> ExportJob | None:
    """Idempotent: a finished job, or one another worker is running, is left alone (None). A job whose
    worker was lost is taken over once its lease ran out; the file is written under a new name and the
    row points at it only once it is complete. Not one transaction: progress must be visible while it runs."""
    now = timezone.now()
    claimed = ExportJob.objects.filter(_claimable(now), pk=job_id).update(
        state=ExportState.RUNNING, started_at=now, progress=0)
    if not claimed:
        return None
    job = ExportJob.objects.get(pk=job_id)
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            _export_write(job)
    except Exception as exc:  # the requester sees the failure instead of a spinner for ever
        ExportJob.objects.filter(pk=job.pk).update(state=ExportState.FAILED, error=str(exc)[:300],
                                                   finished_at=timezone.now())
        raise
    return job


def _export_write(job: ExportJob) -> None:
    """Writes the file; called inside the job's language (the rows are lazy: labels are made as they go)."""
    columns, rows, total = iter_rows(job.kind, Filters.from_dict(job.filters))

    def progress(n: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(progress=min(99, int(100 * n / max(total, 1))), rows=n)

    with tempfile.NamedTemporaryFile(suffix=f".{job.format}") as tmp:
        writer = write_xlsx if job.format == ExportFormat.XLSX else write_csv
        n = writer(tmp.name, columns, rows, on_row=progress)
        tmp.seek(0)
        name = f"{job.kind}-{job.pk}-{timezone.localtime():%Y%m%d-%H%M}.{job.format}"
        job.file.save(name, File(tmp), save=False)
    job.state, job.progress, job.rows, job.finished_at = ExportState.DONE, 100, n, timezone.now()
    job.save(update_fields=["state", "progress", "rows", "file", "finished_at"])


def export_jobs_requeue(*, now: datetime) -> int:
    """Knock again for jobs queued for a while (their knock was lost) and for jobs whose worker was lost.
    Returns how many were enqueued; stops at the first refused knock (the broker is still down)."""
    from .tasks import export_job_run_task

    due = (ExportJob.objects.filter(_claimable(now))
           .filter(Q(state=ExportState.RUNNING) | Q(created_at__lte=now - REQUEUE_AFTER))
           .order_by("created_at", "id").values_list("pk", flat=True)[:REQUEUE_BATCH])
    return knock_each(export_job_run_task, due)
