"""Writes on webhooks: record events as Delivery rows (inside the ticket's transaction), send one
claimed attempt, sweep what is due, redeliver by hand, manage endpoints.

The database decides (STYLE §5): a delivery is sent only by whoever wins the conditional UPDATE
that pushes its `next_attempt_at` one lease into the future. Tasks only knock."""
import json
import logging
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from tickets.choices import Status
from tickets.models import TicketEvent

from .choices import DeliveryState, WebhookEvent
from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, webhook_secret_generate
from .rules import RETRY_WINDOW, body_encode, next_attempt_after_failure, signature_header
from .transport import SendResult, http_post
from .validators import private_networks_allowed

logger = logging.getLogger(__name__)

# Timeout per connect/read of one attempt: a slow receiver must not hold a worker.
SEND_TIMEOUT_SECONDS = 5.0
# A claimed delivery is ours for this long; longer than the send task's hard time limit (90 s), so
# a running attempt is never sent twice, and a crashed one is retried when the claim expires.
LEASE = timedelta(minutes=5)
# The sweep knocks a due delivery again only if its last knock is older than this.
KNOCK_GRACE = timedelta(minutes=1)
MAX_ENDPOINTS_PER_PARTNER = 10
EVENT_NAMESPACE = uuid.UUID("5b0c8a1e-2f7d-4c55-9b1e-6f1f5c3d9a40")
USER_AGENT = "ServiceDesk-Webhooks/1.0"


# --- recording events ------------------------------------------------------------------------------

def _iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _ticket_snapshot(ticket) -> dict[str, Any]:
    """A thin event: what changed and where to read more. The partner fetches details through the API."""
    return {
        "number": ticket.number,
        "status": ticket.status,
        "kind": ticket.kind,
        "priority": ticket.priority,
        "version": ticket.version,
        "partner_reference": getattr(ticket, "partner_reference", ""),
        "updated_at": _iso(ticket.updated_at),
        "url": f"/api/v1/tickets/{ticket.number}/",
    }


def _jsonable(payload: Mapping[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(dict(payload), cls=DjangoJSONEncoder))


def _emit_many(*, ticket, events: Iterable[tuple[str, Mapping[str, Any], str | None]], at: datetime) -> list[WebhookDelivery]:
    if not ticket.partner_id:  # the desk's own tickets: no partner, no query
        return []
    endpoints = list(
        WebhookEndpoint.objects.filter(partner_id=ticket.partner_id, is_active=True, partner__is_active=True)
    )
    created: list[WebhookDelivery] = []
    for event, payload, key in events:
        if event not in WebhookEvent.values:
            raise ValueError(f"unknown webhook event {event!r}")
        targets = [endpoint for endpoint in endpoints if endpoint.wants(event)]
        if not targets:
            continue
        event_id = uuid.uuid5(EVENT_NAMESPACE, key) if key else uuid.uuid4()
        envelope = {
            "id": str(event_id),
            "type": event,
            "created_at": _iso(at),
            "data": {"ticket": _ticket_snapshot(ticket), **_jsonable(payload)},
        }
        for endpoint in targets:
            try:
                with transaction.atomic():  # a savepoint: a duplicate must not abort the ticket's transaction
                    delivery = WebhookDelivery.objects.create(
                        endpoint=endpoint, ticket=ticket, event=event, event_id=event_id, payload=envelope,
                        state=DeliveryState.PENDING, next_attempt_at=at, retry_until=at + RETRY_WINDOW,
                        knocked_at=at, created_at=at,
                    )
            except IntegrityError:
                continue  # this event already went to this endpoint (unique endpoint + event_id)
            _knock_on_commit(delivery.pk)
            created.append(delivery)
    return created


def webhook_event_emit(ticket, event: str, payload: Mapping[str, Any] | None = None, *, key: str | None = None,
                       at: datetime | None = None) -> list[WebhookDelivery]:
    """Record `event` about `ticket` for every subscribed endpoint of the ticket's partner (only its own).

    Call inside the transaction that makes the change: the deliveries commit or roll back with it and
    are sent after commit. Pass a stable `key` (e.g. f"sla-breach:{event.pk}") to make a repeated call
    a no-op. Returns the deliveries created."""
    return _emit_many(ticket=ticket, events=[(event, payload or {}, key)], at=at or timezone.now())


def webhook_events_for_transition(*, ticket, action: str, from_status: str, at: datetime) -> list[WebhookDelivery]:
    """A tickets.hooks effect (webhooks/apps.py), in the transition's transaction."""
    if not ticket.partner_id:
        return []
    change = {"action": action, "from_status": from_status, "to_status": ticket.status, "at": _iso(at)}
    key = f"ticket:{ticket.pk}:v{ticket.version}"  # version moves on every transition: one key per change
    events: list[tuple[str, Mapping[str, Any], str | None]] = []
    if ticket.status != from_status:
        events.append((WebhookEvent.TICKET_STATUS_CHANGED, change, f"{key}:status_changed"))
    if action == "solve":
        events.append((WebhookEvent.TICKET_SOLUTION_RECORDED, change, f"{key}:solution_recorded"))
    if ticket.status == Status.CLOSED and from_status != Status.CLOSED:
        events.append((WebhookEvent.TICKET_CLOSED, change, f"{key}:closed"))
    if action == "cancel":  # with the reason the desk (or the partner) gave, from the cancel event
        event = (TicketEvent.objects.filter(ticket_id=ticket.pk, action="cancel").order_by("-at", "-id")
                 .values("data", "note").first()) or {"data": {}, "note": ""}
        cancelled = {**change, "reason": (event["data"] or {}).get("reason", ""), "note": event["note"]}
        events.append((WebhookEvent.TICKET_CANCELLED, cancelled, f"{key}:cancelled"))
    if action == "merge":  # the survivor's number, so the partner's system follows the case there
        into = ticket.merged_into.number if ticket.merged_into_id else None
        events.append((WebhookEvent.TICKET_MERGED, {**change, "merged_into": into}, f"{key}:merged"))
    return _emit_many(ticket=ticket, events=events, at=at)


# --- knocking ----------------------------------------------------------------------------------------

def _knock(delivery_id: int) -> None:
    from .tasks import webhook_delivery_send_task  # lazy: tasks import services

    try:
        webhook_delivery_send_task.delay(delivery_id)
    except Exception:  # broker down: the ticket change is committed; the sweep knocks again
        logger.warning("webhook delivery %s: could not enqueue, the sweep will retry", delivery_id, exc_info=True)


def _knock_on_commit(delivery_id: int) -> None:
    # delay_on_commit, except that a broker outage must not turn a committed ticket change into a 500.
    transaction.on_commit(partial(_knock, delivery_id))


# --- sending -----------------------------------------------------------------------------------------

def _headers(delivery: WebhookDelivery, *, body: bytes, timestamp: int, at: datetime) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-ServiceDesk-Event": delivery.event,
        "X-ServiceDesk-Delivery": str(delivery.uid),
        "X-ServiceDesk-Timestamp": str(timestamp),
        "X-ServiceDesk-Signature": signature_header(delivery.endpoint.signing_secrets(at), timestamp, body),
    }


@transaction.atomic
def _attempt_record(*, delivery: WebhookDelivery, result: SendResult, at: datetime) -> WebhookAttempt:
    attempt = WebhookAttempt.objects.create(
        delivery=delivery, at=at, response_code=result.status, latency_ms=result.latency_ms, error=result.error
    )
    values: dict[str, Any] = {
        "attempts": F("attempts") + 1, "last_response_code": result.status,
        "last_latency_ms": result.latency_ms, "last_error": result.error,
    }
    if result.ok:
        values.update(state=DeliveryState.SUCCEEDED, next_attempt_at=None, delivered_at=at)
    else:
        retry_at = next_attempt_after_failure(now=at, step=delivery.backoff_step, retry_until=delivery.retry_until)
        if retry_at is None:
            values.update(state=DeliveryState.FAILED, next_attempt_at=None)
        else:
            values.update(next_attempt_at=retry_at, backoff_step=F("backoff_step") + 1)
    WebhookDelivery.objects.filter(pk=delivery.pk, state=DeliveryState.PENDING).update(**values)
    return attempt


def webhook_delivery_claim(*, delivery_id: int, now: datetime) -> bool:
    """One conditional UPDATE decides who sends: it succeeds for exactly one caller while the row is due."""
    return WebhookDelivery.objects.filter(
        pk=delivery_id, state=DeliveryState.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + LEASE, knocked_at=None) == 1


def webhook_delivery_attempt(*, delivery_id: int, now: datetime | None = None) -> WebhookAttempt | None:
    """Claim the delivery if it is due, send it once, record the attempt. None: not ours to send."""
    now = now or timezone.now()
    if not webhook_delivery_claim(delivery_id=delivery_id, now=now):
        return None  # not due, finished, or another worker holds it: a redelivered message lands here
    delivery = WebhookDelivery.objects.select_related("endpoint__partner").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not (endpoint.is_active and endpoint.partner.is_active):
        WebhookDelivery.objects.filter(pk=delivery_id, state=DeliveryState.PENDING).update(
            state=DeliveryState.FAILED, next_attempt_at=None, last_error=str(_("The endpoint is disabled.")))
        return None
    body = body_encode(delivery.payload)
    timestamp = int(now.timestamp())
    result = http_post(
        endpoint.url, body, _headers(delivery, body=body, timestamp=timestamp, at=now),
        timeout=SEND_TIMEOUT_SECONDS, allow_private=private_networks_allowed(),
    )
    return _attempt_record(delivery=delivery, result=result, at=now)


def webhook_sweep(*, now: datetime | None = None, batch: int = 500) -> list[int]:
    """Knock every due delivery not knocked within KNOCK_GRACE: retries come due here, and a knock
    lost to a broker outage (or a crashed worker's expired claim) is made good. Returns the ids."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(next_attempt_at__lte=now)
            .filter(Q(knocked_at__isnull=True) | Q(knocked_at__lte=now - KNOCK_GRACE))
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:batch]
        )
        if ids:
            WebhookDelivery.objects.filter(pk__in=ids).update(knocked_at=now)
            for pk in ids:
                _knock_on_commit(pk)
    return ids


@transaction.atomic
def webhook_delivery_redeliver(*, delivery: WebhookDelivery, now: datetime | None = None) -> WebhookDelivery:
    """Send a finished delivery again (same delivery id, new 24-hour retry run)."""
    now = now or timezone.now()
    reopened = WebhookDelivery.objects.filter(pk=delivery.pk).exclude(state=DeliveryState.PENDING).update(
        state=DeliveryState.PENDING, next_attempt_at=now, retry_until=now + RETRY_WINDOW, backoff_step=0,
        knocked_at=now, delivered_at=None,
    )
    if reopened != 1:
        raise ApplicationError(
            _("This delivery is still being retried; its next attempt is already scheduled."),
            code="delivery_pending", status=409,
        )
    _knock_on_commit(delivery.pk)
    delivery.refresh_from_db()
    return delivery


# --- endpoints ---------------------------------------------------------------------------------------

def _events_clean(events: Iterable[str]) -> list[str]:
    chosen = sorted(set(events))
    unknown = [e for e in chosen if e not in WebhookEvent.values]
    if not chosen or unknown:
        raise ApplicationError(_("Choose at least one known event."), code="invalid_events", field="events", status=400)
    return chosen


def _full_clean(endpoint: WebhookEndpoint) -> None:
    try:
        endpoint.full_clean(exclude=["partner", "secret"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ApplicationError(messages[0], code="invalid", field=field, status=400) from None


@transaction.atomic
def webhook_endpoint_create(*, partner, url: str, events: Iterable[str], description: str = "") -> WebhookEndpoint:
    # Lock the partner row: two concurrent registrations must not both slip under the limit.
    list(type(partner).objects.select_for_update().filter(pk=partner.pk).values_list("pk", flat=True))
    if WebhookEndpoint.objects.filter(partner=partner).count() >= MAX_ENDPOINTS_PER_PARTNER:
        raise ApplicationError(
            _("At most %(max)d webhook URLs per partner.") % {"max": MAX_ENDPOINTS_PER_PARTNER},
            code="too_many_endpoints", field="url", status=409,
        )
    endpoint = WebhookEndpoint(partner=partner, url=url, events=_events_clean(events), description=description)
    _full_clean(endpoint)
    endpoint.save()
    return endpoint


@transaction.atomic
def webhook_endpoint_update(*, endpoint: WebhookEndpoint, **changes: Any) -> WebhookEndpoint:
    allowed = {"url", "events", "description", "is_active"}
    for field, value in changes.items():
        if field not in allowed:
            raise TypeError(field)
        setattr(endpoint, field, _events_clean(value) if field == "events" else value)
    _full_clean(endpoint)
    endpoint.save(update_fields=[*changes])
    return endpoint


def webhook_endpoint_rotate_secret(*, endpoint: WebhookEndpoint, now: datetime | None = None) -> WebhookEndpoint:
    """A new secret at once; every later attempt (retries included) is signed with it — and, for
    WEBHOOKS_SECRET_OVERLAP_HOURS, with the old one too, so receivers fail at no point of the switch.
    Rotating again within the overlap ends the older secret's overlap: only the last two ever sign."""
    now = now or timezone.now()
    overlap = timedelta(hours=getattr(settings, "WEBHOOKS_SECRET_OVERLAP_HOURS", 24))
    endpoint.previous_secret = endpoint.secret if overlap > timedelta(0) else ""
    endpoint.previous_secret_expires_at = now + overlap if overlap > timedelta(0) else None
    endpoint.secret = webhook_secret_generate()
    endpoint.secret_rotated_at = now
    endpoint.save(update_fields=["secret", "secret_rotated_at", "previous_secret", "previous_secret_expires_at"])
    return endpoint
