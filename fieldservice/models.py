"""On-site work orders 上门维修 (seed 003, 现场技术服务): the 现场服务记录单 the customer signs.

No workflow logic here: the status table is fieldservice/workflow.py, fee rules fieldservice/rules.py,
writes fieldservice/services.py. Constraints back the two rules the seed is strict about."""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.validation import format_phone

from .choices import OPEN_WORK_ORDER, WorkOrderStatus

MONEY = {"max_digits": 12, "decimal_places": 2}


class WorkOrder(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, related_name="work_orders",
                               verbose_name=_("ticket"))
    seq = models.PositiveSmallIntegerField(_("sequence"))
    number = models.CharField(_("number"), max_length=30, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=WorkOrderStatus.choices,
                              default=WorkOrderStatus.SCHEDULED)
    engineer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="work_orders",
                                 verbose_name=_("engineer"))
    # Where and when, as agreed with the customer on the phone.
    address = models.CharField(_("address"), max_length=200)
    contact_name = models.CharField(_("contact"), max_length=100)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    window_start = models.DateTimeField(_("appointment from"))
    window_end = models.DateTimeField(_("appointment until"))
    departed_at = models.DateTimeField(_("departed at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    # 听 / 看 / 查 (seed 003 5.2.7.4): what the customer said, what was seen (三包? opened?), what was checked.
    heard = models.TextField(_("heard (听)"), blank=True)
    seen = models.TextField(_("seen (看)"), blank=True)
    checked = models.TextField(_("checked (查)"), blank=True)
    opened_before = models.BooleanField(_("opened before"), null=True, blank=True)
    within_warranty = models.BooleanField(_("within 三包"), null=True, blank=True)
    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)
    fix = models.TextField(_("work done"), blank=True)
    old_parts_taken_back = models.BooleanField(_("old parts brought back"), null=True, blank=True)
    work_done_at = models.DateTimeField(_("work done at"), null=True, blank=True)
    # Paid service: the quote, the customer's approval of exactly that amount, and the receipt.
    fee_quote = models.DecimalField(_("fee quoted (CNY)"), null=True, blank=True, **MONEY)
    fee_note = models.CharField(_("fee covers"), max_length=200, blank=True)
    # The quote's items, as told to the customer and printed one per line (charged parts are their own rows):
    # fee_quote = call-out + labour + charged parts. NULL: quoted as one amount (the printed form shows the
    # part of it no item explains as "other", with fee_note).
    fee_callout = models.DecimalField(_("call-out fee (CNY)"), null=True, blank=True, **MONEY)
    fee_labour = models.DecimalField(_("labour (CNY)"), null=True, blank=True, **MONEY)
    fee_approved_amount = models.DecimalField(_("fee approved (CNY)"), null=True, blank=True, **MONEY)
    fee_approved_by = models.CharField(_("fee approved by"), max_length=100, blank=True)
    fee_approved_at = models.DateTimeField(_("fee approved at"), null=True, blank=True)
    fee_receipt_number = models.CharField(_("receipt number"), max_length=40, blank=True)
    # The customer's confirmation (签字): only after the work is recorded as done.
    customer_name = models.CharField(_("confirmed by"), max_length=100, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    customer_satisfied = models.BooleanField(_("customer satisfied"), null=True, blank=True)
    customer_comment = models.TextField(_("customer's comment"), blank=True)
    cancel_reason = models.TextField(_("cancellation reason"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    # Two phones editing one order (quote vs. approval): a stale write must fail, not approve the old amount.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "seq"], name="workorder_ticket_seq"),
            models.CheckConstraint(condition=Q(status__in=WorkOrderStatus.values), name="workorder_status_valid"),
            models.CheckConstraint(condition=Q(window_end__gt=F("window_start")), name="workorder_window_order"),
            # The seed's strictest rule: no signature before the service is done.
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(work_done_at__isnull=False, confirmed_at__gte=F("work_done_at")),
                name="workorder_confirm_after_done",
            ),
            # No money is taken for a fee the customer has not approved.
            models.CheckConstraint(condition=Q(fee_receipt_number="") | Q(fee_approved_at__isnull=False),
                                   name="workorder_receipt_needs_approval"),
        ]
        indexes = [
            models.Index(fields=["engineer", "window_start"], name="workorder_engineer_open",
                         condition=Q(status__in=sorted(OPEN_WORK_ORDER))),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_WORK_ORDER

    @property
    def contact_phone_display(self) -> str:
        return format_phone(self.contact_phone)

    @property
    def fee_is_approved(self) -> bool:
        return self.fee_quote is not None and self.fee_approved_amount == self.fee_quote and self.fee_approved_at is not None


class WorkOrderPart(models.Model):
    """A part replaced on site: 零件名称、规格、数量、原因 (seed 003 5.2.8.2), free or charged."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="parts",
                                   verbose_name=_("work order"))
    name = models.CharField(_("part"), max_length=100)
    spec = models.CharField(_("specification"), max_length=100, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    reason = models.CharField(_("reason"), max_length=200)
    charged = models.BooleanField(_("charged"), default=False)
    unit_price = models.DecimalField(_("unit price (CNY)"), default=Decimal("0.00"), **MONEY)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("added by"))
    added_at = models.DateTimeField(_("added at"))

    class Meta:
        verbose_name = _("replaced part")
        verbose_name_plural = _("replaced parts")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="workorder_part_quantity"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="workorder_part_price"),
        ]
        indexes = [models.Index(fields=["work_order", "id"], name="workorder_part_order")]

    def __str__(self) -> str:
        return f"{self.name} {self.spec} × {self.quantity}"

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity
