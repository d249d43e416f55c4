"""Drill: the worker is SIGKILLed (parent and pool children) while it is sending partner webhooks.

A receiver that counts each request the moment it arrives, then answers slowly, holds a send open;
the drill kills the worker right then. The deliveries it held stay claimed for one lease (5 min);
the drill moves those rows' clocks back by one lease instead of waiting 5 minutes, then lets a new
worker and the sweep finish. Every delivery must arrive, and each arrival must be an attempt: the
one attempt the kill cut off before it was recorded, or a recorded one — never more."""
import signal
import time
import uuid

import pytest
from celery import Celery
from django.db.models import F
from django.utils import timezone

from core.roles import Role
from partners.models import Partner, PartnerKind
from tests.conftest import make_user
from tests.factories import TicketFactory
from tests.sla.workers import wait_for
from webhooks.choices import DeliveryState
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from webhooks.rules import RETRY_WINDOW
from webhooks.services import LEASE

from .conftest import needs_real_services

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), needs_real_services]

TOTAL = 24
KILL_AT = 8  # the n-th request to arrive: the worker dies while the receiver is still answering it


def _deliveries(url: str) -> list[WebhookDelivery]:
    partner = Partner.objects.create(code="shop", name="SHOP", kind=PartnerKind.STORE,
                                     account=make_user(Role.PARTNER, "shop-svc"))
    endpoint = WebhookEndpoint.objects.create(partner=partner, url=url, events=["ticket.status_changed"])
    ticket, now = TicketFactory(partner=partner), timezone.now()
    return WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, ticket=ticket, event="ticket.status_changed", event_id=uuid.uuid4(),
                        payload={"type": "ticket.status_changed", "n": n}, state=DeliveryState.PENDING,
                        next_attempt_at=now, retry_until=now + RETRY_WINDOW, created_at=now)
        for n in range(TOTAL))


def test_a_worker_killed_while_sending_webhooks_sends_each_at_most_once_per_attempt(processes, receiver):
    deliveries = _deliveries(receiver.url)
    processes.worker("doomed", concurrency=2)
    knock = Celery(broker=processes.env["REDIS_URL"], set_as_current=False)
    for delivery in deliveries:  # what the ticket change's on_commit does for each row
        knock.send_task("webhooks.tasks.webhook_delivery_send_task", args=[delivery.pk])
    assert receiver.arrived(KILL_AT).wait(timeout=45), "the worker never got to the receiver"
    processes.stop("doomed", signal.SIGKILL)
    time.sleep(0.3)  # a request fully sent before the kill is counted by its handler thread
    at_kill = receiver.snapshot()
    cut_off = {str(uid) for uid in WebhookDelivery.objects.filter(
        state=DeliveryState.PENDING, attempts=0, next_attempt_at__gt=timezone.now()).values_list("uid", flat=True)}

    # Sent but not recorded: the receiver got it, the worker died before writing the attempt.
    lost = cut_off & set(at_kill)
    assert lost, "the kill did not interrupt a send"
    assert len(cut_off) <= 2  # one claim per pool process
    assert WebhookDelivery.objects.filter(state=DeliveryState.SUCCEEDED).count() < TOTAL

    # Five minutes later, as far as these rows can tell: the dead worker's claims have run out.
    WebhookDelivery.objects.filter(state=DeliveryState.PENDING).update(next_attempt_at=F("next_attempt_at") - LEASE)
    processes.worker("revived", concurrency=2)
    knock.send_task("webhooks.tasks.webhook_sweep_task")  # the beat's webhooks-sweep, without waiting 15 s
    wait_for(lambda: WebhookDelivery.objects.filter(state=DeliveryState.SUCCEEDED).count() == TOTAL, timeout=45,
             what="every delivery sent", processes=processes)
    time.sleep(2)  # the knocks still queued from before the kill find nothing left to send
    processes.stop_all()
    knock.close()

    uids = {str(d.uid) for d in WebhookDelivery.objects.all()}
    received = receiver.snapshot()
    assert set(received) == uids
    assert WebhookAttempt.objects.count() == TOTAL
    assert all(d.attempts == 1 for d in WebhookDelivery.objects.all())
    assert received == {uid: 2 if uid in lost else 1 for uid in uids}
    assert received.total() == WebhookAttempt.objects.count() + len(lost)
