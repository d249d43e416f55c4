"""Thin Celery entry points (STYLE §5): the database decides what is due, the task only knocks."""
from celery import shared_task
from django.utils import timezone

from .sweep import callback_periodic_create, callback_retries_reopen


@shared_task(acks_late=True, reject_on_worker_lost=True)
def callback_retries_task() -> int:
    return callback_retries_reopen(now=timezone.now())


@shared_task(acks_late=True, reject_on_worker_lost=True)
def callback_periodic_task() -> int:
    return callback_periodic_create(now=timezone.now())
