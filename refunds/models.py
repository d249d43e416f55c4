"""退款 (seed 001: 确认收到退货后，我们将在7个工作日内退还客户的款项).

A refund is opened when a return is accepted (a solution of type return/refund, tickets hook) and is
due 7 working days later on the working calendar (refunds/services.py, sla.businesstime)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RefundMethod(models.TextChoices):
    ORIGINAL = "original", _("Original payment method")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CASH = "cash", _("Cash")
    ALIPAY = "alipay", _("Alipay")
    WECHAT = "wechat", _("WeChat Pay")


class RefundState(models.TextChoices):
    PENDING = "pending", _("To be paid")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class Refund(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="refunds",
                               verbose_name=_("ticket"))
    solution = models.OneToOneField("tickets.TicketSolution", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="refund", verbose_name=_("solution"))
    amount = models.DecimalField(_("amount (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True,
                                 help_text=_("Empty until confirmed; taken from the product's value when known."))
    method = models.CharField(_("method"), max_length=20, choices=RefundMethod.choices, default=RefundMethod.ORIGINAL)
    state = models.CharField(_("state"), max_length=10, choices=RefundState.choices, default=RefundState.PENDING)
    accepted_at = models.DateTimeField(_("return accepted at"))
    due_at = models.DateTimeField(_("due at"))
    working_days = models.PositiveSmallIntegerField(_("working days"), default=7)
    calendar_name = models.CharField(_("calendar"), max_length=80, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("paid by"))
    reference = models.CharField(_("payment reference"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(condition=Q(state__in=RefundState.values), name="refund_state_valid"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0), name="refund_amount_positive"),
            models.CheckConstraint(condition=~Q(state="paid") | (Q(paid_at__isnull=False) & Q(amount__isnull=False)),
                                   name="refund_paid_has_amount"),
        ]
        indexes = [
            models.Index(fields=["due_at", "id"], name="refund_pending_due", condition=Q(state="pending")),
            models.Index(fields=["paid_at"], name="refund_paid_at", condition=Q(paid_at__isnull=False)),
            models.Index(fields=["ticket", "-created_at"], name="refund_ticket"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.amount} {self.get_state_display()}"

    @property
    def paid_late(self) -> bool:
        return self.paid_at is not None and self.paid_at > self.due_at
