"""Thin Celery entry points; the logic lives in partners/idempotency.py."""
from celery import shared_task

from .idempotency import idempotency_records_purge


@shared_task(acks_late=True, reject_on_worker_lost=True)
def idempotency_records_purge_task() -> int:
    # Idempotent by nature: deleting what is older than 24 h twice deletes nothing the second time.
    return idempotency_records_purge()
