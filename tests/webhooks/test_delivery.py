"""Recording events with the ticket change, sending them to a real receiver on 127.0.0.1, retrying on a
frozen clock, claiming so nothing is sent twice."""
import json
import threading
from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from tickets.choices import Status
from tickets.services import ticket_dispatch, ticket_transition
from webhooks import services
from webhooks.choices import DeliveryState, WebhookEvent
from webhooks.models import WebhookDelivery
from webhooks.rules import signature

from .conftest import endpoint_for, partner_ticket, take_knocks


def send_all_due(now=None) -> int:
    """What a worker does for each knock; returns how many attempts were made."""
    ids = WebhookDelivery.objects.filter(state=DeliveryState.PENDING).values_list("pk", flat=True)
    return sum(services.webhook_delivery_attempt(delivery_id=pk, now=now) is not None for pk in list(ids))


def assert_signed(request, secret: str) -> None:
    ts = int(request.headers["X-ServiceDesk-Timestamp"])
    assert request.headers["X-ServiceDesk-Signature"] == signature(secret, ts, request.body)


def test_ticket_change_records_delivery_and_knocks_only_after_commit(partner_a, manager,
                                                                     django_capture_on_commit_callbacks):
    endpoint = endpoint_for(partner_a, "https://hooks.example.com/a")
    ticket = partner_ticket(partner_a)
    with django_capture_on_commit_callbacks() as callbacks:
        ticket_transition(ticket=ticket, action="preprocess", actor=manager)
        delivery = WebhookDelivery.objects.get()  # the row exists inside the ticket's transaction …
    knocks = [cb for cb in callbacks if getattr(cb, "func", None) is services._knock]
    assert [k.args for k in knocks] == [(delivery.pk,)]  # … the task is only knocked after commit
    assert (delivery.endpoint, delivery.ticket, delivery.event) == (endpoint, ticket, WebhookEvent.TICKET_STATUS_CHANGED)
    assert delivery.state == DeliveryState.PENDING and delivery.next_attempt_at is not None
    data = delivery.payload["data"]
    assert (data["from_status"], data["to_status"], data["ticket"]["number"]) == ("registered", "preprocessed",
                                                                                   ticket.number)


def test_knock_after_commit_puts_the_send_task_on_the_real_broker(partner_a, manager, settings,
                                                                   django_capture_on_commit_callbacks):
    if not settings.REDIS_URL:
        pytest.skip("needs the Redis broker")
    endpoint_for(partner_a, "https://hooks.example.com/a", events=[WebhookEvent.TICKET_STATUS_CHANGED])
    with django_capture_on_commit_callbacks(execute=True):
        ticket_transition(ticket=partner_ticket(partner_a), action="preprocess", actor=manager)
    assert take_knocks(settings, [WebhookDelivery.objects.get().pk]) == 1


def test_receiver_gets_each_event_once_with_a_valid_signature(partner_a, manager, engineer, receiver):
    endpoint = endpoint_for(partner_a, receiver.url)
    ticket = partner_ticket(partner_a)
    ticket = ticket_transition(ticket=ticket, action="preprocess", actor=manager)
    ticket = ticket_dispatch(ticket=ticket, actor=manager, engineer=engineer)
    for action in ("solve", "callback_ok", "close"):
        ticket = ticket_transition(ticket=ticket, action=action, actor=manager)
    assert ticket.status == Status.CLOSED

    assert send_all_due() == 7
    assert send_all_due() == 0 and services.webhook_sweep() == []  # nothing left, nothing sent twice
    events = Counter(r.headers["X-ServiceDesk-Event"] for r in receiver.requests)
    assert events == {"ticket.status_changed": 5, "ticket.solution_recorded": 1, "ticket.closed": 1}
    assert len({r.headers["X-ServiceDesk-Delivery"] for r in receiver.requests}) == 7
    for request in receiver.requests:
        assert_signed(request, endpoint.secret)
        body = json.loads(request.body)
        assert body["type"] == request.headers["X-ServiceDesk-Event"]
        assert body["data"]["ticket"]["number"] == ticket.number
    assert set(WebhookDelivery.objects.values_list("state", "attempts", "last_response_code")) == {
        (DeliveryState.SUCCEEDED, 1, 200)}


def test_500_twice_then_success_on_a_frozen_clock_and_the_log_shows_all_three(partner_a, manager, receiver):
    receiver.script = [500, 500]
    t0 = timezone.now().replace(microsecond=0)
    with time_machine.travel(t0, tick=False) as clock:
        endpoint = endpoint_for(partner_a, receiver.url, events=[WebhookEvent.TICKET_STATUS_CHANGED])
        ticket_transition(ticket=partner_ticket(partner_a), action="preprocess", actor=manager)
        delivery = WebhookDelivery.objects.get()

        assert services.webhook_delivery_attempt(delivery_id=delivery.pk).response_code == 500
        clock.shift(timedelta(seconds=29))
        assert services.webhook_sweep() == []  # retry due at +30 s
        clock.shift(timedelta(seconds=1))
        assert services.webhook_sweep() == [delivery.pk]
        assert services.webhook_delivery_attempt(delivery_id=delivery.pk).response_code == 500
        clock.shift(timedelta(seconds=59))
        assert services.webhook_sweep() == []  # second retry 1 min after the first
        clock.shift(timedelta(seconds=1))
        assert services.webhook_sweep() == [delivery.pk]
        assert services.webhook_delivery_attempt(delivery_id=delivery.pk).response_code == 200

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == (DeliveryState.SUCCEEDED, 3, None)
    log = list(delivery.attempt_log.values_list("at", "response_code"))
    assert log == [(t0, 500), (t0 + timedelta(seconds=30), 500), (t0 + timedelta(seconds=90), 200)]
    assert delivery.attempt_log.first().error.startswith("HTTP 500")
    assert len(receiver.requests) == 3
    assert len({r.headers["X-ServiceDesk-Delivery"] for r in receiver.requests}) == 1  # one delivery, three tries
    assert [int(r.headers["X-ServiceDesk-Timestamp"]) for r in receiver.requests] == [
        int(t0.timestamp()), int(t0.timestamp()) + 30, int(t0.timestamp()) + 90]
    for request in receiver.requests:
        assert_signed(request, endpoint.secret)


def test_keeps_retrying_for_24_hours_then_marks_failed(partner_a, manager, receiver):
    receiver.script = [503] * 100
    t0 = timezone.now().replace(microsecond=0)
    with time_machine.travel(t0, tick=False) as clock:
        endpoint_for(partner_a, receiver.url, events=[WebhookEvent.TICKET_STATUS_CHANGED])
        ticket_transition(ticket=partner_ticket(partner_a), action="preprocess", actor=manager)
        delivery = WebhookDelivery.objects.get()
        services.webhook_delivery_attempt(delivery_id=delivery.pk)  # the knock after commit
        delivery.refresh_from_db()
        while delivery.state == DeliveryState.PENDING:
            clock.move_to(delivery.next_attempt_at)
            assert services.webhook_sweep() == [delivery.pk]
            assert services.webhook_delivery_attempt(delivery_id=delivery.pk) is not None
            delivery.refresh_from_db()
    attempts = list(delivery.attempt_log.values_list("at", flat=True))
    assert delivery.state == DeliveryState.FAILED and delivery.next_attempt_at is None
    assert attempts[-1] >= t0 + timedelta(hours=24) > attempts[-2]
    assert max(b - a for a, b in zip(attempts, attempts[1:])) == timedelta(hours=1)
    assert len(receiver.requests) == delivery.attempts == len(attempts)


def test_a_redelivered_task_message_does_not_send_again(partner_a, manager, receiver):
    endpoint_for(partner_a, receiver.url, events=[WebhookEvent.TICKET_STATUS_CHANGED])
    ticket_transition(ticket=partner_ticket(partner_a), action="preprocess", actor=manager)
    delivery = WebhookDelivery.objects.get()
    assert services.webhook_delivery_attempt(delivery_id=delivery.pk) is not None
    assert services.webhook_delivery_attempt(delivery_id=delivery.pk) is None  # late-ack redelivery
    assert len(receiver.requests) == 1


def test_a_crashed_senders_claim_expires_and_the_sweep_knocks_again(partner_a, manager):
    endpoint_for(partner_a, "https://hooks.example.com/a", events=[WebhookEvent.TICKET_STATUS_CHANGED])
    ticket_transition(ticket=partner_ticket(partner_a), action="preprocess", actor=manager)
    delivery = WebhookDelivery.objects.get()
    now = timezone.now()
    assert services.webhook_delivery_claim(delivery_id=delivery.pk, now=now)  # … and the worker dies here
    assert not services.webhook_delivery_claim(delivery_id=delivery.pk, now=now + timedelta(minutes=4))
    assert services.webhook_sweep(now=now + timedelta(minutes=4)) == []
    assert services.webhook_sweep(now=now + services.LEASE) == [delivery.pk]
    assert services.webhook_delivery_claim(delivery_id=delivery.pk, now=now + services.LEASE)


def test_a_knock_lost_to_a_broker_outage_is_made_good_by_the_sweep(partner_a, manager):
    endpoint_for(partner_a, "https://hooks.example.com/a", events=[WebhookEvent.TICKET_STATUS_CHANGED])
    ticket_transition(ticket=partner_ticket(partner_a), action="preprocess", actor=manager)  # knock never ran
    delivery = WebhookDelivery.objects.get()
    assert services.webhook_sweep(now=delivery.created_at + timedelta(seconds=30)) == []  # the knock may be queued
    assert services.webhook_sweep(now=delivery.created_at + services.KNOCK_GRACE) == [delivery.pk]
    assert services.webhook_sweep(now=delivery.created_at + services.KNOCK_GRACE) == []  # one knock per grace


@pytest.mark.django_db(transaction=True)
def test_four_workers_racing_for_one_delivery_send_it_once(partner_a, manager, receiver, settings):
    endpoint_for(partner_a, receiver.url, events=[WebhookEvent.TICKET_STATUS_CHANGED])
    ticket_transition(ticket=partner_ticket(partner_a), action="preprocess", actor=manager)
    delivery = WebhookDelivery.objects.get()
    start, results = threading.Barrier(4), []

    def worker():
        try:
            start.wait()
            results.append(services.webhook_delivery_attempt(delivery_id=delivery.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    take_knocks(settings, [delivery.pk])  # this test really committed: leave the broker clean
    assert sum(r is not None for r in results) == 1
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.SUCCEEDED, 1)


def test_a_partner_only_gets_events_about_its_own_tickets(partner_a, partner_b, manager, receiver):
    endpoint_for(partner_a, receiver.url + "a")
    endpoint_for(partner_b, receiver.url + "b")
    ticket_transition(ticket=partner_ticket(partner_b), action="preprocess", actor=manager)
    ticket_transition(ticket=partner_ticket(None), action="preprocess", actor=manager)  # the desk's own ticket
    assert send_all_due() == 1
    assert [r.path for r in receiver.requests] == ["/hooks/b"]
    assert not WebhookDelivery.objects.filter(endpoint__partner=partner_a).exists()


def test_only_subscribed_events_and_active_endpoints_get_deliveries(partner_a, manager):
    closed_only = endpoint_for(partner_a, "https://hooks.example.com/closed", events=[WebhookEvent.TICKET_CLOSED])
    inactive = endpoint_for(partner_a, "https://hooks.example.com/off")
    services.webhook_endpoint_update(endpoint=inactive, is_active=False)
    ticket_transition(ticket=partner_ticket(partner_a), action="preprocess", actor=manager)
    assert not WebhookDelivery.objects.exists()
    ticket_transition(ticket=partner_ticket(partner_a, status=Status.CALLED_BACK), action="close", actor=manager)
    assert list(WebhookDelivery.objects.values_list("endpoint", "event")) == [(closed_only.pk, "ticket.closed")]


def test_sla_breached_emit_is_idempotent_by_key(partner_a):
    endpoint_for(partner_a, "https://hooks.example.com/a")
    ticket = partner_ticket(partner_a)
    due = timezone.now()
    first = services.webhook_event_emit(ticket, "sla.breached", {"clock": "resolution", "due_at": due}, key="sla:7")
    again = services.webhook_event_emit(ticket, "sla.breached", {"clock": "resolution", "due_at": due}, key="sla:7")
    assert len(first) == 1 and again == []
    payload = WebhookDelivery.objects.get().payload
    assert payload["type"] == "sla.breached" and payload["data"]["clock"] == "resolution"
    assert payload["data"]["due_at"].startswith(due.isoformat()[:19])
    with pytest.raises(ValueError):
        services.webhook_event_emit(ticket, "ticket.exploded", {})


def test_disabled_endpoint_fails_the_delivery_without_a_request(partner_a, manager, receiver):
    endpoint = endpoint_for(partner_a, receiver.url)
    ticket_transition(ticket=partner_ticket(partner_a), action="preprocess", actor=manager)
    services.webhook_endpoint_update(endpoint=endpoint, is_active=False)
    assert send_all_due() == 0
    assert receiver.requests == []
    assert WebhookDelivery.objects.get().state == DeliveryState.FAILED


def test_redirects_are_failures_and_not_followed(partner_a, manager, receiver):
    receiver.script = [302]
    endpoint_for(partner_a, receiver.url, events=[WebhookEvent.TICKET_STATUS_CHANGED])
    ticket_transition(ticket=partner_ticket(partner_a), action="preprocess", actor=manager)
    attempt = services.webhook_delivery_attempt(delivery_id=WebhookDelivery.objects.get().pk)
    assert attempt.response_code == 302 and attempt.error.startswith("HTTP 302")
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.get().state == DeliveryState.PENDING


def test_private_addresses_are_not_called_unless_allowed(partner_a, manager, receiver, settings):
    endpoint_for(partner_a, receiver.url, events=[WebhookEvent.TICKET_STATUS_CHANGED])
    ticket_transition(ticket=partner_ticket(partner_a), action="preprocess", actor=manager)
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = False
    attempt = services.webhook_delivery_attempt(delivery_id=WebhookDelivery.objects.get().pk)
    assert attempt.response_code is None and attempt.error.startswith("blocked")
    assert receiver.requests == []


def test_unreachable_receiver_is_recorded_as_an_error(partner_a, manager):
    endpoint_for(partner_a, "http://127.0.0.1:9/closed-port", events=[WebhookEvent.TICKET_STATUS_CHANGED])
    ticket_transition(ticket=partner_ticket(partner_a), action="preprocess", actor=manager)
    attempt = services.webhook_delivery_attempt(delivery_id=WebhookDelivery.objects.get().pk)
    assert attempt.response_code is None and "Connection" in attempt.error
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.backoff_step) == (DeliveryState.PENDING, 1)


def test_rotated_secret_signs_the_next_attempt(partner_a, manager, receiver):
    receiver.script = [500]
    endpoint = endpoint_for(partner_a, receiver.url, events=[WebhookEvent.TICKET_STATUS_CHANGED])
    old_secret = endpoint.secret
    ticket_transition(ticket=partner_ticket(partner_a), action="preprocess", actor=manager)
    delivery = WebhookDelivery.objects.get()
    services.webhook_delivery_attempt(delivery_id=delivery.pk)
    services.webhook_endpoint_rotate_secret(endpoint=endpoint)
    services.webhook_delivery_attempt(delivery_id=delivery.pk, now=timezone.now() + timedelta(seconds=31))
    assert endpoint.secret != old_secret
    assert_signed(receiver.requests[0], old_secret)
    # The new secret signs first; the old one still signs beside it during the overlap (test_secret_overlap.py).
    ts = int(receiver.requests[1].headers["X-ServiceDesk-Timestamp"])
    assert receiver.requests[1].headers["X-ServiceDesk-Signature"] == ",".join(
        [signature(endpoint.secret, ts, receiver.requests[1].body), signature(old_secret, ts, receiver.requests[1].body)])


def test_beat_entry_names_the_real_sweep_task():
    from servicedesk.beat import BEAT_SCHEDULE
    from webhooks.tasks import webhook_delivery_send_task, webhook_sweep_task

    assert BEAT_SCHEDULE["webhooks-sweep"]["task"] == webhook_sweep_task.name
    assert BEAT_SCHEDULE["webhooks-sweep"]["schedule"] <= 15
    assert webhook_delivery_send_task.name == "webhooks.tasks.webhook_delivery_send_task"


def test_a_broker_outage_does_not_fail_the_committed_change(partner_a, manager, settings, caplog,
                                                            django_capture_on_commit_callbacks):
    """The knock runs after commit; with the broker unreachable it logs and returns (the sweep heals it)."""
    from servicedesk.celery import app

    endpoint_for(partner_a, "https://hooks.example.com/a", events=[WebhookEvent.TICKET_STATUS_CHANGED])
    # Restored by deleting the keys, not by assigning back what was read: reading broker_write_url falls back
    # to broker_url, and assigning that pins the real broker into app.conf for the rest of the process, so
    # every later override of CELERY_BROKER_URL (tests/resilience/outage.py) silently stops reaching sends.
    keys = ("broker_write_url", "broker_connection_timeout", "task_publish_retry")
    saved = {key: app.conf.changes[key] for key in keys if key in app.conf.changes}
    app.conf.update(broker_write_url="redis://127.0.0.1:9/0", broker_connection_timeout=1,
                    task_publish_retry=False)  # a closed port
    app._pool, app.amqp._producer_pool = None, None
    try:
        with django_capture_on_commit_callbacks(execute=True):
            ticket_transition(ticket=partner_ticket(partner_a), action="preprocess", actor=manager)
    finally:
        for key in keys:
            app.conf.changes.pop(key, None)
        app.conf.update(saved)
        app._pool, app.amqp._producer_pool = None, None
    assert "could not enqueue" in caplog.text
    assert WebhookDelivery.objects.get().state == DeliveryState.PENDING  # still there for the sweep
