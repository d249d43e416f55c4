"""Thin Celery entry points: they knock, the services (and the database) decide."""
from celery import shared_task

from .services import webhook_delivery_attempt, webhook_sweep

# Hard limit 90 s < services.LEASE (5 min): an attempt still running is never claimed by another.
@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=60, time_limit=90)
def webhook_delivery_send_task(delivery_id: int) -> None:
    webhook_delivery_attempt(delivery_id=delivery_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=60, time_limit=90)
def webhook_sweep_task() -> int:
    return len(webhook_sweep())
