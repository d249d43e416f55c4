"""Partner webhooks: where to send, what was sent, and every try.

A delivery is a row first and an HTTP request second: the row says whether it is due
(`next_attempt_at`), the sweep and the send task only act on what the row says (STYLE §5)."""
import secrets
import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import DeliveryState, WebhookEvent
from .validators import validate_webhook_url

SECRET_PREFIX = "whsec_"


def webhook_secret_generate() -> str:
    # 32 random bytes: the HMAC key. Stored as is because signing needs it back (unlike API keys).
    return SECRET_PREFIX + secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="webhook_endpoints", verbose_name=_("partner")
    )
    url = models.URLField(_("URL"), max_length=500, validators=[validate_webhook_url])
    events = models.JSONField(_("events"), default=list, help_text=_("Event types this URL receives."))
    secret = models.CharField(_("signing secret"), max_length=80, default=webhook_secret_generate, editable=False)
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    secret_rotated_at = models.DateTimeField(_("secret rotated at"), null=True, blank=True)
    # The secret before the last rotation, still signing (beside the new one) until it expires, so the
    # receiver can switch at its own pace (WEBHOOKS_SECRET_OVERLAP_HOURS).
    previous_secret = models.CharField(_("previous signing secret"), max_length=80, blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(_("previous secret valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ("partner", "id")
        indexes = [models.Index(fields=["partner", "id"], name="webhook_endpoint_partner")]

    def __str__(self) -> str:
        return self.url

    @property
    def secret_hint(self) -> str:
        return f"{SECRET_PREFIX}…{self.secret[-4:]}"

    def signing_secrets(self, at) -> list[str]:
        """The secrets that sign an attempt made at `at`: the current one, then the previous one in its overlap."""
        secrets_ = [self.secret]
        if self.previous_secret and self.previous_secret_expires_at and at < self.previous_secret_expires_at:
            secrets_.append(self.previous_secret)
        return secrets_

    def wants(self, event: str) -> bool:
        return self.is_active and event in (self.events or [])


class WebhookDelivery(models.Model):
    """One event for one endpoint. `uid` is what the receiver sees (X-ServiceDesk-Delivery) and de-dups on."""

    uid = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("endpoint")
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="webhook_deliveries", null=True, blank=True,
        verbose_name=_("ticket"),
    )
    event = models.CharField(_("event"), max_length=40, choices=WebhookEvent.choices)
    # One id per event (shared by all endpoints that get it); unique per endpoint, so emitting the
    # same event twice (a redelivered SLA message, a retried transaction) never sends it twice.
    event_id = models.UUIDField(_("event id"))
    payload = models.JSONField(_("payload"))
    state = models.CharField(_("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # Exponent of the backoff for the current run; a manual redelivery starts a new run at 0.
    backoff_step = models.PositiveSmallIntegerField(_("backoff step"), default=0)
    # When the next try is due; NULL once succeeded or failed. A claimed (in-flight) delivery has it
    # pushed one lease ahead, so nobody else sends it, and a crashed sender's claim simply expires.
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    retry_until = models.DateTimeField(_("retry until"))
    # When the sweep last enqueued a send task for it: at most one knock per grace period.
    knocked_at = models.DateTimeField(_("knocked at"), null=True, blank=True)
    last_response_code = models.PositiveSmallIntegerField(_("last response code"), null=True, blank=True)
    last_latency_ms = models.PositiveIntegerField(_("last latency (ms)"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="webhook_delivery_once"),
            models.CheckConstraint(condition=Q(state__in=DeliveryState.values), name="webhook_delivery_state"),
            # pending ⇔ something is due: the sweep's partial index then holds exactly the live rows.
            models.CheckConstraint(
                condition=Q(state=DeliveryState.PENDING, next_attempt_at__isnull=False)
                | (~Q(state=DeliveryState.PENDING) & Q(next_attempt_at__isnull=True)),
                name="webhook_delivery_due_pending",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], name="webhook_delivery_due", condition=Q(next_attempt_at__isnull=False)
            ),
            models.Index(fields=["endpoint", "-created_at", "-id"], name="webhook_delivery_endpoint"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.state})"


class WebhookAttempt(models.Model):
    """One HTTP try: append-only, what the partner and admins read to see why a delivery failed."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log", verbose_name=_("delivery")
    )
    at = models.DateTimeField(_("at"))
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    latency_ms = models.PositiveIntegerField(_("latency (ms)"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ("at", "id")
        indexes = [models.Index(fields=["delivery", "at"], name="webhook_attempt_delivery")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.response_code or self.error}"

    @property
    def ok(self) -> bool:
        return self.response_code is not None and 200 <= self.response_code < 300
