"""Thin Celery entry points: all logic is in progress/services.py and progress/message_services.py (STYLE §5)."""
from celery import shared_task
from django.utils import timezone

from .message_services import DeliveryDeferred, customer_message_deliver, customer_messages_requeue
from .services import completion_notice_send, completion_notices_requeue


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(Exception,), retry_backoff=30,
             retry_backoff_max=1800, max_retries=5)
def completion_notice_send_task(notice_id: int) -> None:
    completion_notice_send(notice_id=notice_id)


# The row counts the attempts and decides when to give up (CUSTOMER_MESSAGE_MAX_ATTEMPTS); max_retries is
# only a backstop. A redelivered or repeated knock finds the row sent or claimed and does nothing.
@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=20)
def customer_message_send_task(self, message_id: int) -> str:
    try:
        return customer_message_deliver(message_id=message_id)
    except DeliveryDeferred as exc:
        raise self.retry(countdown=exc.seconds, exc=exc) from exc


@shared_task(acks_late=True, reject_on_worker_lost=True)
def completion_notices_requeue_task() -> int:
    # Beat: completion-notices-requeue. The desk's messages share it: same broker, same outage.
    now = timezone.now()
    return completion_notices_requeue(now=now) + customer_messages_requeue(now=now)
