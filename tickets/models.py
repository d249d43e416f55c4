from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.validation import format_phone

from .choices import OPEN_STATUSES, Channel, Kind, Priority, ProductCategory, Status, WaitReason


class Customer(models.Model):
    name = models.CharField(_("name"), max_length=100)
    # The phone identifies the customer (reception finds callers by it): one row per number.
    phone = models.CharField(_("phone"), max_length=20, unique=True,
                             help_text=_("Stored as E.164, e.g. +8613800138000."))
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [
            models.Index(fields=["name"], name="customer_name", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.phone_display}"

    @property
    def phone_display(self) -> str:
        # Mainland mobiles (+86 1xx…, the common case) display as their 11 digits: skip phonenumbers'
        # parse/format, a visible share of the ticket list's rendering time (bench/list_latency.py).
        if len(self.phone) == 14 and self.phone.startswith("+861"):
            return self.phone[3:]
        return format_phone(self.phone)


class Device(models.Model):
    """The product a ticket is about, as the customer's documents describe it."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="devices", verbose_name=_("customer"))
    category = models.CharField(_("category"), max_length=20, choices=ProductCategory.choices)
    component = models.CharField(_("component"), max_length=30, default="main_unit", blank=True)
    brand = models.CharField(_("brand"), max_length=60, blank=True)
    model = models.CharField(_("model"), max_length=80, blank=True)
    imei = models.CharField(_("IMEI"), max_length=15, blank=True)
    serial = models.CharField(_("serial number"), max_length=64, blank=True)
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    invoice_number = models.CharField(_("invoice number"), max_length=40, blank=True)
    invoice_date = models.DateField(_("invoice date"), null=True, blank=True)
    warranty_card_number = models.CharField(_("warranty card number"), max_length=40, blank=True)
    factory_date = models.DateField(_("factory date"), null=True, blank=True)
    sold_online = models.BooleanField(_("sold online"), default=False)
    value = models.DecimalField(_("value (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        indexes = [
            models.Index(fields=["imei"], name="device_imei", condition=~Q(imei="")),
            models.Index(fields=["serial"], name="device_serial", condition=~Q(serial="")),
        ]

    def __str__(self) -> str:
        ident = self.imei or self.serial
        return " ".join(part for part in (self.brand, self.model, ident) if part)


def _choice_display(field: str, choices: type[models.TextChoices]):
    """get_<field>_display without Django's per-call dict(make_hashable(flatchoices)), which translates
    every label of the field on every call: the list page and the API call it for each row."""
    labels = dict(choices.choices)

    def display(self) -> str:
        value = getattr(self, field)
        return str(labels.get(value, value))

    return display


class Ticket(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True)
    # db_index=False on customer, device, partner and engineer: each leads a composite index of Meta.indexes
    # (ticket_customer_created, ticket_device_created, ticket_partner_updated, ticket_engineer_created), which
    # serves every lookup by it; a second btree of its own was one more index write per ticket created (issue 16).
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("customer"),
                                 db_index=False)
    device = models.ForeignKey(
        Device, on_delete=models.PROTECT, related_name="tickets", null=True, blank=True, verbose_name=_("device"),
        db_index=False,
    )
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="tickets", null=True, blank=True,
        verbose_name=_("partner"), db_index=False,
    )
    # The partner's own id for the case (its order or waybill number), so its system can match ours.
    partner_reference = models.CharField(_("partner reference"), max_length=64, blank=True)
    kind = models.CharField(_("kind of request"), max_length=30, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED)
    fault_description = models.TextField(_("fault description"))
    # The contact this ticket was registered with (issue 14, part 5): written by ticket_create, filled for older
    # rows by migration 0008, corrected on this ticket only. Every place that shows a ticket's contact reads
    # these, so renaming or merging the customer record never rewrites an earlier ticket. (Blank only on rows
    # made outside the services, e.g. fixtures: then the customer record's is shown.)
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True,
                                     help_text=_("Stored as E.164, e.g. +8613800138000."))
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assigned_tickets",
        null=True, blank=True, verbose_name=_("engineer"), db_index=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    created_at = models.DateTimeField(_("registered at"))
    updated_at = models.DateTimeField(_("updated at"))
    status_changed_at = models.DateTimeField(_("status changed at"))
    # version backs If-Match: a partner's stale update must get 412, not overwrite.
    version = models.PositiveIntegerField(_("version"), default=1)

    # The SOP's step stamps (seed 002: each step to the minute). Registration is created_at.
    preprocessed_at = models.DateTimeField(_("pre-processed at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("engineer replied at"), null=True, blank=True)
    solved_at = models.DateTimeField(_("solution recorded at"), null=True, blank=True)
    called_back_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    # While waiting, the status to return to and why (the SLA clocks pause meanwhile).
    wait_reason = models.CharField(_("waiting for"), max_length=20, choices=WaitReason.choices, blank=True)
    resume_status = models.CharField(_("resume to"), max_length=20, choices=Status.choices, blank=True)

    # A duplicate merged into another ticket (status "merged"): its number still leads to the survivor.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="merged_from", null=True, blank=True,
        verbose_name=_("merged into"),
    )

    # Nearest due time of the ticket's running SLA clocks, kept by the SLA services: the queue's sort key.
    next_due_at = models.DateTimeField(_("next due at"), null=True, blank=True)

    # What the search box finds a ticket by (tickets/search.py): contact, phone digits, device, fault and their
    # short words, kept by the services that write them. Its trigram GIN index (and the number's) is PostgreSQL's
    # alone, so it lives in migration 0011, not in Meta.indexes (SQLite scans; the demo is small).
    search_text = models.TextField(_("search text"), blank=True, default="", db_default="", editable=False)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="ticket_status_valid"),
            models.CheckConstraint(condition=Q(priority__in=Priority.values), name="ticket_priority_valid"),
        ]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="ticket_created"),
            models.Index(fields=["-updated_at", "-id"], name="ticket_updated"),
            models.Index(fields=["status", "-created_at", "-id"], name="ticket_status_created"),
            models.Index(fields=["kind", "-created_at", "-id"], name="ticket_kind_created"),
            models.Index(fields=["channel", "-created_at", "-id"], name="ticket_channel_created"),
            models.Index(fields=["priority", "-created_at", "-id"], name="ticket_priority_created"),
            models.Index(fields=["engineer", "-created_at", "-id"], name="ticket_engineer_created"),
            models.Index(fields=["customer", "-created_at"], name="ticket_customer_created"),
            models.Index(fields=["device", "-created_at"], name="ticket_device_created"),
            models.Index(fields=["partner", "-updated_at", "-id"], name="ticket_partner_updated"),
            models.Index(
                fields=["engineer", "next_due_at"], name="ticket_engineer_queue",
                condition=Q(status__in=sorted(OPEN_STATUSES)),
            ),
        ]

    get_status_display = _choice_display("status", Status)
    get_kind_display = _choice_display("kind", Kind)
    get_channel_display = _choice_display("channel", Channel)
    get_priority_display = _choice_display("priority", Priority)

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def contact_name_shown(self) -> str:
        return self.contact_name or self.customer.name

    @property
    def contact_phone_shown(self) -> str:
        return self.contact_phone or self.customer.phone

    @property
    def contact_phone_display(self) -> str:
        return format_phone(self.contact_phone) if self.contact_phone else self.customer.phone_display

    @property
    def contact_differs(self) -> bool:
        """The contact on this ticket is not (or no longer) the customer record's name and phone."""
        return self.contact_name_shown != self.customer.name or self.contact_phone_shown != self.customer.phone


class TicketEvent(models.Model):
    """Append-only timeline: who did what, when (to the minute), from which status to which."""

    # No index of its own: ticket_event_timeline (ticket, at, id) leads with it.
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events", verbose_name=_("ticket"),
                               db_index=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices, blank=True)
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [
            models.Index(fields=["ticket", "at", "id"], name="ticket_event_timeline"),
            # The dashboard's reopen rate (dashboard/reopens.py): closes and reopens in a period, a small slice.
            models.Index(fields=["at"], name="ticket_event_lifecycle",
                         condition=Q(action__in=["close", "close_unreachable", "reopen"])),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class TicketNumberCounter(models.Model):
    """Per-day sequence behind SD-YYYYMMDD-NNNN, bumped with one UPSERT so concurrent creates never collide."""

    day = models.DateField(primary_key=True)
    value = models.PositiveIntegerField(default=0)


# ---- Engineer's work: models live in their own module; imported here so Django registers them. ----
from .engineering.models import EngineerProfile, TicketSolution  # noqa: E402,F401
from .policies import ReopenPolicy  # noqa: E402,F401
