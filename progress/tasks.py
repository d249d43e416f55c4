"""Thin Celery entry points: all logic is in progress/services.py (STYLE §5)."""
from celery import shared_task
from django.utils import timezone

from .services import completion_notice_send, completion_notices_requeue


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(Exception,), retry_backoff=30,
             retry_backoff_max=1800, max_retries=5)
def completion_notice_send_task(notice_id: int) -> None:
    completion_notice_send(notice_id=notice_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def completion_notices_requeue_task() -> int:
    return completion_notices_requeue(now=timezone.now())
