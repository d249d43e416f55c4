import copy

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import FieldsFromPrototype, StrictInput
from core.fields import BoundedDateField, BoundedDateTimeField, ImeiField, PastDateField, PhoneField
from core.representation import DirectOutput, iso_date, iso_datetime
from tickets import hooks
from tickets.choices import Channel, Kind, Priority, ProductCategory, Status
from tickets.customers import NamePolicy
from tickets.intake import intake_device_errors
from tickets.models import Device, Ticket, TicketEvent


class CustomerInput(FieldsFromPrototype, serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text="The caller's name: this ticket's contact for good.")
    phone = PhoneField()
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    name_policy = serializers.ChoiceField(
        choices=NamePolicy.choices, required=False, default=NamePolicy.TICKET_ONLY,
        help_text="When the phone is a known customer's with another name: `ticket_only` (another person on this "
        "phone; the customer record keeps its name) or `update_customer` (the record takes this name for future "
        "tickets). Earlier tickets never change either way.",
    )


class DeviceInput(FieldsFromPrototype, serializers.Serializer):
    category = serializers.ChoiceField(choices=ProductCategory.choices)
    component = serializers.CharField(max_length=30, required=False, default="main_unit")
    brand = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    model = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    imei = ImeiField(required=False, allow_blank=True, default="")
    serial = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    purchase_date = PastDateField(required=False, allow_null=True, default=None)
    invoice_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    invoice_date = PastDateField(required=False, allow_null=True, default=None)
    warranty_card_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    factory_date = PastDateField(required=False, allow_null=True, default=None)
    sold_online = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs):
        if errors := intake_device_errors(attrs):
            raise serializers.ValidationError(errors)
        return attrs


class TicketCreateInput(FieldsFromPrototype, serializers.Serializer):
    customer = CustomerInput()
    device = DeviceInput(required=False, allow_null=True, default=None)
    kind = serializers.ChoiceField(choices=Kind.choices)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, default=Channel.PHONE)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False, default=Priority.NORMAL)
    fault_description = serializers.CharField(max_length=settings.FAULT_DESCRIPTION_MAX)
    partner_reference = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default="",
        help_text="The partner's own id for the case (order or waybill number).",
    )
    # Then the inputs other apps add under their name (tickets.hooks.Intake): `warranty`, the 三包 facts.

    def build_fields(self):  # once per process (FieldsFromPrototype): the intakes register at start-up
        fields = super().build_fields()
        for app, intake in hooks.intakes():
            if intake.api_field is not None:
                fields[app] = intake.api_field()
        return fields

    def validate(self, attrs):
        for _app, intake in hooks.intakes():
            if errors := intake.api_errors(attrs):
                raise serializers.ValidationError(errors)
        return attrs

    def service_kwargs(self) -> dict:
        """ticket_create's arguments: the ticket's own values, the other apps' under `extras`."""
        values = dict(self.validated_data)
        values["extras"] = {app: values.pop(app) for app, intake in hooks.intakes() if app in values}
        return values


class ContactInput(StrictInput):
    """The contact on this ticket only: the customer record is not renamed, no other ticket changes."""

    name = serializers.CharField(max_length=100, required=False)
    phone = PhoneField(required=False)


class DeviceEditInput(StrictInput):
    """PATCH's device: only the fields sent change (the cross-field rules are checked on the result)."""

    category = serializers.ChoiceField(choices=ProductCategory.choices, required=False)
    component = serializers.CharField(max_length=30, required=False)
    brand = serializers.CharField(max_length=60, required=False, allow_blank=True)
    model = serializers.CharField(max_length=80, required=False, allow_blank=True)
    imei = ImeiField(required=False, allow_blank=True)
    serial = serializers.CharField(max_length=64, required=False, allow_blank=True)
    purchase_date = PastDateField(required=False, allow_null=True)
    invoice_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    invoice_date = PastDateField(required=False, allow_null=True)
    warranty_card_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    factory_date = PastDateField(required=False, allow_null=True)
    sold_online = serializers.BooleanField(required=False)


class TicketUpdateInput(StrictInput):
    """PATCH: the fields a partner or the desk may change; send only those that change. Any other field
    (`status`: use the actions) is a 400 naming it. Each change is on the timeline as old → new."""

    def read_only_names(self):
        return TicketOutput.Meta.fields

    contact = ContactInput(required=False)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False,
                                      help_text="Not for partners' tickets (always `partner_api`).")
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    fault_description = serializers.CharField(max_length=settings.FAULT_DESCRIPTION_MAX, required=False)
    partner_reference = serializers.CharField(max_length=64, required=False, allow_blank=True)
    device = DeviceEditInput(required=False)

    def service_changes(self) -> dict:
        """ticket_update's `changes`: the contact as the ticket's own contact_name / contact_phone."""
        values = dict(self.validated_data)
        contact = values.pop("contact", None) or {}
        for key in ("name", "phone"):
            if key in contact:
                values[f"contact_{key}"] = contact[key]
        return values


class FieldsBuiltOnce:
    """Output ModelSerializers introspect the model on every instantiation (~1 ms each, several per list
    request) although their fields depend only on the class: build them once, hand out deep copies."""

    def get_fields(self):
        built = type(self).__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            type(self)._built_fields = built
        return copy.deepcopy(built)


class CustomerOutput(DirectOutput, serializers.Serializer):
    """A ticket's `customer`: the contact it was registered with (or corrected on it), not the customer record
    as it is today — a later rename or merge of the record never changes an earlier ticket (issue 14, part 5)."""

    name = serializers.CharField(source="contact_name_shown", max_length=100)
    phone = serializers.CharField(source="contact_phone_shown", max_length=20)

    def values(self, t: Ticket) -> tuple:
        return t.contact_name_shown, t.contact_phone_shown


class DeviceOutput(DirectOutput, FieldsBuiltOnce, serializers.ModelSerializer):
    def values(self, d: Device) -> tuple:
        return (d.category, d.component, d.brand, d.model, d.imei, d.serial, iso_date(d.purchase_date),
                d.invoice_number, iso_date(d.invoice_date), d.warranty_card_number, iso_date(d.factory_date),
                d.sold_online)

    class Meta:
        model = Device
        fields = ("category", "component", "brand", "model", "imei", "serial", "purchase_date",
                  "invoice_number", "invoice_date", "warranty_card_number", "factory_date", "sold_online")


class ContactOutput(serializers.Serializer):
    name = serializers.CharField(source="contact_name_shown")
    phone = serializers.CharField(source="contact_phone_shown")


class TicketOutput(DirectOutput, FieldsBuiltOnce, serializers.ModelSerializer):
    customer = CustomerOutput(source="*")
    # Who to call about this ticket: its own contact when the desk corrected it, else the customer's.
    contact = ContactOutput(source="*", read_only=True)
    device = DeviceOutput(allow_null=True)
    engineer = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    status_display = serializers.CharField(source="get_status_display")
    partner = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    # A merged duplicate's survivor (tickets/merging.py); null for every other ticket.
    merged_into = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    # Then what other apps show of a ticket (tickets.hooks.Rows): `clocks`, the SLA clocks of the steps
    # reached so far, and `warranty`, the 三包 decision stored at registration (null if none).

    def get_fields(self):
        fields = super().get_fields()
        for rows in hooks.row_extensions():
            if rows.output_key:
                fields[rows.output_key] = rows.output_field()
        return fields

    def values(self, t: Ticket, tz) -> tuple:
        return (
            t.pk, t.number, t.status, str(t.get_status_display()), t.kind, t.channel, t.priority,
            CUSTOMER.represent(t), contact_of(t), DEVICE.represent(t.device) if t.device_id else None,
            t.partner.code if t.partner_id else None, t.partner_reference,
            t.engineer.username if t.engineer_id else None, t.fault_description, t.wait_reason,
            iso_datetime(t.created_at, tz), iso_datetime(t.updated_at, tz), iso_datetime(t.preprocessed_at, tz),
            iso_datetime(t.dispatched_at, tz), iso_datetime(t.replied_at, tz), iso_datetime(t.solved_at, tz),
            iso_datetime(t.called_back_at, tz), iso_datetime(t.closed_at, tz), iso_datetime(t.next_due_at, tz),
            t.version, t.merged_into.number if t.merged_into_id else None,
        )

    def represent(self, t: Ticket) -> dict:
        tz = timezone.get_current_timezone()
        shown = super().represent(t, tz)
        for rows in hooks.row_extensions():
            if rows.output_key:
                shown[rows.output_key] = rows.represent(t, tz)
        return shown

    class Meta:
        model = Ticket
        fields = ("id", "number", "status", "status_display", "kind", "channel", "priority", "customer", "contact",
                  "device",
                  "partner", "partner_reference",
                  "engineer", "fault_description", "wait_reason", "created_at", "updated_at", "preprocessed_at",
                  "dispatched_at", "replied_at", "solved_at", "called_back_at", "closed_at", "next_due_at", "version",
                  "merged_into")


# Stateless: `represent` reads only its argument, so one instance of each serves every request.
CUSTOMER, DEVICE = CustomerOutput(), DeviceOutput()


def contact_of(t: Ticket) -> dict:
    return {"name": t.contact_name_shown, "phone": t.contact_phone_shown}


class TicketEventOutput(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = TicketEvent
        fields = ("action", "from_status", "to_status", "at", "actor", "note", "data")


class TicketFilterInput(serializers.Serializer):
    status = serializers.MultipleChoiceField(choices=Status.choices, required=False)
    kind = serializers.MultipleChoiceField(choices=Kind.choices, required=False)
    channel = serializers.MultipleChoiceField(choices=Channel.choices, required=False)
    priority = serializers.MultipleChoiceField(choices=Priority.choices, required=False)
    engineer = serializers.IntegerField(required=False, min_value=1)
    created_from = BoundedDateField(required=False)
    created_to = BoundedDateField(required=False)
    updated_since = BoundedDateTimeField(required=False)
    q = serializers.CharField(
        required=False, max_length=100, allow_blank=True,
        help_text="Search: a whole number, phone, IMEI or serial exactly; otherwise fragments — the end of a number "
        "(`0317`), 4+ digits of a phone, part of a name, model or serial, words of the fault description (every "
        "word must match; one character: a name prefix).")
    # Partners sync with ?updated_since=<last seen>&ordering=updated_at: oldest change first, keyset pages.
    ordering = serializers.ChoiceField(
        choices=["-created_at", "created_at", "-updated_at", "updated_at"], required=False, default="-created_at",
    )

    def to_internal_value(self, data):
        # QueryDict: repeated ?status=a&status=b and comma lists ?status=a,b both work.
        if hasattr(data, "getlist"):
            data = {key: self._split(data.getlist(key)) if key in ("status", "kind", "channel", "priority")
                    else data.get(key) for key in data}
        return super().to_internal_value(data)

    @staticmethod
    def _split(values: list[str]) -> list[str]:
        # Empty parts are kept: `?status=` is a mistake (400), not "no filter" that silently lists everything.
        return [part for value in values for part in value.split(",")]

    def validate(self, attrs):
        start, end = attrs.get("created_from"), attrs.get("created_to")
        if start and end and start > end:
            raise serializers.ValidationError({"created_to": _("The end date must not be before the start date.")})
        return attrs
