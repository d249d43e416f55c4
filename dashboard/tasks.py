"""Thin Celery entry points (STYLE §5): the database decides, the task only knocks."""
from celery import shared_task
from django.utils import timezone

from .rollup import rollup_refresh
from .services import export_job_run, export_jobs_requeue


# time_limit bounds a run: services.RUNNING_LEASE (when another worker may take a job over) is longer.
@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=1800, soft_time_limit=1700)
def export_job_run_task(job_id: int) -> None:
    export_job_run(job_id=job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def export_jobs_requeue_task() -> int:
    return export_jobs_requeue(now=timezone.now())


@shared_task(acks_late=True, reject_on_worker_lost=True)
def dashboard_rollup_task() -> int:
    return len(rollup_refresh(now=timezone.now()))
