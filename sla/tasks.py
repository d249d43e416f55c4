"""Thin Celery entry points (STYLE §5): every decision is in sla/enforcement.py and the database.
Late acks mean a message may be delivered twice; each task is idempotent by its claim."""
from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from .enforcement import email_delivery_send, sla_events_notify, sla_requeue_stale, sla_sweep_run


@shared_task(acks_late=True, reject_on_worker_lost=True)
def sla_sweep_task() -> int:
    handled = sla_sweep_run()
    sla_requeue_stale(now=timezone.now())
    return handled


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OperationalError,), retry_backoff=5,
             max_retries=5)
def sla_events_notify_task(event_ids: list[int]) -> int:
    return sla_events_notify(event_ids=list(event_ids))


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(Exception,), retry_backoff=30,
             retry_backoff_max=1800, max_retries=5)
def email_delivery_send_task(delivery_id: int) -> bool:
    return email_delivery_send(delivery_id=delivery_id)
