"""Callbacks 回访 (seeds 001, 002, 003) and complaints 投诉 (seed 003).

A callback is the desk's call to the customer after a solution (or, for a high-value product,
every N months). Each call is a CallbackAttempt; the callback keeps the outcome of the last one.
The policy that governs a callback is stored with it: a policy edited later applies to new
callbacks only (seed 001: 调整后的政策将适用于新的售后服务请求)."""
from datetime import time
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import OPEN_STATES, CallbackKind, CallbackOutcome, CallbackState

SCORE = [MinValueValidator(1), MaxValueValidator(5)]
OPEN = Q(state__in=[str(s) for s in OPEN_STATES])


class CallbackPolicy(models.Model):
    """Admin-edited. The policy in force at an instant is the latest whose effective_from has passed."""

    name = models.CharField(_("name"), max_length=100)
    effective_from = models.DateTimeField(_("effective from"))
    due_minutes = models.PositiveSmallIntegerField(
        _("callback due within (minutes)"), default=20, validators=[MinValueValidator(1)],
        help_text=_("After the solution is recorded (seed 002: 20 minutes)."))
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts before closing as unreachable"), default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)])
    first_retry_minutes = models.PositiveSmallIntegerField(
        _("first retry after (minutes)"), default=120, validators=[MinValueValidator(1)])
    later_retry_at = models.TimeField(_("later retries: next working day at"), default=time(10, 0))
    calling_hours_start = models.TimeField(_("call customers from"), default=time(9, 0))
    calling_hours_end = models.TimeField(_("call customers until"), default=time(20, 0))
    periodic_months = models.PositiveSmallIntegerField(
        _("periodic callback every (months)"), default=6, validators=[MaxValueValidator(120)],
        help_text=_("For high-value products; 0 turns periodic callbacks off."))
    periodic_value_threshold = models.DecimalField(
        _("high-value threshold (CNY)"), max_digits=12, decimal_places=2, default=Decimal("5000.00"))
    complaint_answer_hours = models.PositiveSmallIntegerField(
        _("complaint answer promised within (hours)"), default=24, validators=[MinValueValidator(1)])
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("callback policy")
        verbose_name_plural = _("callback policies")
        ordering = ("-effective_from", "-id")
        indexes = [models.Index(fields=["-effective_from", "-id"], name="callback_policy_effective")]
        constraints = [
            models.CheckConstraint(condition=Q(calling_hours_start__lt=models.F("calling_hours_end")),
                                   name="callback_policy_hours_order"),
            models.CheckConstraint(condition=Q(max_attempts__gte=1), name="callback_policy_attempts_min"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from:%Y-%m-%d})"


class Callback(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=CallbackKind.choices, default=CallbackKind.SOLUTION)
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="callbacks",
                               null=True, blank=True, verbose_name=_("ticket"))
    customer = models.ForeignKey("tickets.Customer", on_delete=models.PROTECT, related_name="callbacks",
                                 verbose_name=_("customer"))
    device = models.ForeignKey("tickets.Device", on_delete=models.PROTECT, related_name="callbacks",
                               null=True, blank=True, verbose_name=_("product"))
    policy = models.ForeignKey(CallbackPolicy, on_delete=models.PROTECT, related_name="+", verbose_name=_("policy"))
    state = models.CharField(_("state"), max_length=20, choices=CallbackState.choices, default=CallbackState.DUE)
    # The next call is due at due_at; first_due_at keeps the original target for the figures.
    due_at = models.DateTimeField(_("due at"))
    first_due_at = models.DateTimeField(_("first due at"))
    period_due_on = models.DateField(_("period due on"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)

    outcome = models.CharField(_("outcome"), max_length=20, choices=CallbackOutcome.choices, blank=True)
    fixed = models.BooleanField(_("fixed"), null=True, blank=True)
    score_attitude = models.PositiveSmallIntegerField(_("service attitude"), null=True, blank=True, validators=SCORE)
    score_quality = models.PositiveSmallIntegerField(_("product quality"), null=True, blank=True, validators=SCORE)
    score_price = models.PositiveSmallIntegerField(_("price"), null=True, blank=True, validators=SCORE)
    comments = models.TextField(_("comments"), blank=True)
    complaint_ticket = models.ForeignKey("tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True,
                                         related_name="+", verbose_name=_("complaint ticket"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("completed by"))

    # Closed as unreachable: the manager sees it on the flagged list until acknowledged.
    manager_flagged = models.BooleanField(_("flagged for the manager"), default=False)
    flagged_at = models.DateTimeField(_("flagged at"), null=True, blank=True)
    flag_acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    flag_acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                             blank=True, related_name="+", verbose_name=_("acknowledged by"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        constraints = [
            models.CheckConstraint(condition=Q(state__in=CallbackState.values), name="callback_state_valid"),
            models.CheckConstraint(condition=Q(kind__in=CallbackKind.values), name="callback_kind_valid"),
            models.CheckConstraint(
                condition=(Q(kind=CallbackKind.SOLUTION, ticket__isnull=False)
                           | Q(kind=CallbackKind.PERIODIC, device__isnull=False, period_due_on__isnull=False)),
                name="callback_kind_subject"),
            *[models.CheckConstraint(condition=Q(**{f"{f}__isnull": True}) | Q(**{f"{f}__range": (1, 5)}),
                                     name=f"callback_{f}_1_5")
              for f in ("score_attitude", "score_quality", "score_price")],
            # One open callback per ticket: a second "solve" after a failed callback opens a new one.
            models.UniqueConstraint(fields=["ticket"], condition=OPEN & Q(kind=CallbackKind.SOLUTION),
                                    name="callback_one_open_per_ticket"),
            # The periodic sweep may run twice (late acks): the period's row is created once.
            models.UniqueConstraint(fields=["device", "period_due_on"], condition=Q(kind=CallbackKind.PERIODIC),
                                    name="callback_periodic_once"),
        ]
        indexes = [
            models.Index(fields=["due_at", "id"], name="callback_open_due", condition=OPEN),
            models.Index(fields=["ticket", "-created_at"], name="callback_ticket"),
            models.Index(fields=["device", "-period_due_on"], name="callback_device_period",
                         condition=Q(kind=CallbackKind.PERIODIC)),
            models.Index(fields=["-flagged_at", "-id"], name="callback_flagged",
                         condition=Q(manager_flagged=True, flag_acknowledged_at__isnull=True)),
        ]

    def __str__(self) -> str:
        subject = self.ticket_id and f"#{self.ticket_id}" or f"device {self.device_id}"
        return f"{self.get_kind_display()} {subject} {self.get_state_display()}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def scores(self) -> tuple[int | None, int | None, int | None]:
        return self.score_attitude, self.score_quality, self.score_price

    # Who to call: a ticket's callback calls the contact the ticket was registered with (issue 14, part 5),
    # not whoever the customer record names today; a periodic call (no ticket) calls the record.
    @property
    def contact_name(self) -> str:
        return self.ticket.contact_name_shown if self.ticket_id else self.customer.name

    @property
    def contact_phone(self) -> str:
        return self.ticket.contact_phone_shown if self.ticket_id else self.customer.phone

    @property
    def contact_phone_display(self) -> str:
        return self.ticket.contact_phone_display if self.ticket_id else self.customer.phone_display


class CallbackAttempt(models.Model):
    """One phone call. Append-only, like the ticket's timeline."""

    callback = models.ForeignKey(Callback, on_delete=models.CASCADE, related_name="calls", verbose_name=_("callback"))
    number = models.PositiveSmallIntegerField(_("attempt"))
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    reached = models.BooleanField(_("reached"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=CallbackOutcome.choices)
    note = models.TextField(_("note"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)

    class Meta:
        verbose_name = _("callback attempt")
        verbose_name_plural = _("callback attempts")
        constraints = [models.UniqueConstraint(fields=["callback", "number"], name="callback_attempt_number")]
        ordering = ("callback", "number")

    def __str__(self) -> str:
        return f"{self.callback_id} #{self.number} {self.outcome}"


class Complaint(models.Model):
    """A ticket of kind "complaint" and the answer time promised to the customer at intake (seed 003:
    如不能立即处理的，应先向客户致意，表示歉意并明确表示下次答复时间)."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, related_name="complaint",
                                  verbose_name=_("complaint ticket"))
    source_ticket = models.ForeignKey("tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="complaints_raised", verbose_name=_("about ticket"))
    callback = models.ForeignKey(Callback, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("raised during callback"))
    promised_answer_at = models.DateTimeField(_("answer promised by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [models.Index(fields=["promised_answer_at", "id"], name="complaint_open_promise",
                                condition=Q(answered_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.ticket_id} → {self.promised_answer_at:%Y-%m-%d %H:%M}"
