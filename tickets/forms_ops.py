"""The desk's forms for edit, cancel and reopen on the ticket page (issue 14), and what the page needs of them.

Each form has a prefix, so its fields' ids never clash with the other panels' (`note` is in three)."""
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import ImeiFormField, PastDateFormField, PhoneFormField
from core.forms import BootstrapMixin
from core.roles import Role, user_has_role
from core.validation import validate_fault_size

from .choices import Channel, Kind, Priority, ProductCategory
from .editing import DEVICE_EDITABLE
from .forms import EngineerChoiceField
from .lifecycle import CancelReason, reopen_deadline
from .selectors import engineers_active

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DESK = (Role.RECEPTION, Role.MANAGER)


class TicketEditForm(BootstrapMixin, forms.Form):
    prefix = "edit"

    version = forms.IntegerField(widget=forms.HiddenInput)
    contact_name = forms.CharField(label=_("Contact name (this ticket)"), max_length=100)
    contact_phone = PhoneFormField(label=_("Contact phone (this ticket)"), max_length=30)
    kind = forms.ChoiceField(label=_("Kind of request"), choices=Kind.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    fault_description = forms.CharField(label=_("Fault description"), validators=[validate_fault_size],
                                        widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(label=_("Product category"), required=False,
                                 choices=[("", "—")] + ProductCategory.choices)
    brand = forms.CharField(label=_("Brand"), max_length=60, required=False)
    model = forms.CharField(label=_("Model"), max_length=80, required=False)
    imei = ImeiFormField(label=_("IMEI"), max_length=20, required=False)
    serial = forms.CharField(label=_("Serial number"), max_length=64, required=False)
    purchase_date = PastDateFormField(label=_("Purchase date"), required=False, widget=DATE)
    invoice_number = forms.CharField(label=_("Invoice number"), max_length=40, required=False)
    invoice_date = PastDateFormField(label=_("Invoice date"), required=False, widget=DATE)
    warranty_card_number = forms.CharField(label=_("Warranty card number"), max_length=40, required=False)
    factory_date = PastDateFormField(label=_("Factory date"), required=False, widget=DATE)
    sold_online = forms.BooleanField(label=_("Sold online"), required=False)

    def __init__(self, *args, ticket, **kwargs):
        self.ticket = ticket
        device = ticket.device
        initial = {"version": ticket.version, "contact_name": ticket.contact_name_shown,
                   "contact_phone": ticket.contact_phone_display, "kind": ticket.kind, "channel": ticket.channel,
                   "priority": ticket.priority, "fault_description": ticket.fault_description}
        if device is not None:
            initial.update({f: getattr(device, f) for f in DEVICE_EDITABLE if f in self.base_fields})
        super().__init__(*args, initial=initial, **kwargs)
        if ticket.partner_id:  # a partner's ticket always came through its API
            self.fields["channel"].disabled = True
        else:
            self.fields["channel"].choices = [c for c in Channel.choices if c[0] != Channel.PARTNER_API]

    def clean(self):
        cleaned = super().clean()
        device_given = any(cleaned.get(f) for f in DEVICE_EDITABLE if f in self.fields and f != "category")
        if device_given and not cleaned.get("category") and "category" not in self.errors:
            self.add_error("category", _("Choose the product category."))
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        changes = {f: data[f] for f in ("contact_name", "contact_phone", "kind", "channel", "priority",
                                        "fault_description")}
        device = {}
        if data.get("category") or self.ticket.device is not None:
            device = {f: data.get(f) for f in DEVICE_EDITABLE if f in self.fields}
            device["category"] = data.get("category") or (self.ticket.device.category if self.ticket.device else "")
        return {"expected_version": data["version"], "changes": changes, "device": device}


class CancelForm(BootstrapMixin, forms.Form):
    prefix = "cancel"

    reason = forms.ChoiceField(label=_("Why is the ticket cancelled?"), choices=[("", "—")] + CancelReason.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=settings.NOTE_MAX,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Required when the reason is “other”."))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == CancelReason.OTHER and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Say why the ticket is cancelled."))
        return cleaned


class ReopenForm(BootstrapMixin, forms.Form):
    prefix = "reopen"

    reason = forms.CharField(label=_("Why is the ticket reopened?"), max_length=settings.NOTE_MAX,
                             widget=forms.Textarea(attrs={"rows": 2}))
    engineer = EngineerChoiceField(label=_("Engineer"), queryset=None, required=False,
                                   empty_label=_("The last engineer"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engineer"].queryset = engineers_active()


def ops_context(request, ticket, forms_by_action=None) -> dict:
    """The edit, cancel and reopen panels' context for the ticket page (failed forms come back as they were).
    Edit and cancel are collapsed: their forms load when opened (tickets/views_panels.py), a failed one shows open."""
    given = forms_by_action or {}
    desk = user_has_role(request.user, *DESK)
    deadline = reopen_deadline(ticket=ticket) if desk else None
    return {
        "can_edit": desk and ticket.is_open,
        "edit_form": given.get("edit"),
        "cancel_form": given.get("cancel"),
        "reopen_form": given.get("reopen") or (ReopenForm() if desk and not ticket.is_open else None),  # closed only
        "reopen_until": deadline,
        "reopen_open": deadline is not None and timezone.now() <= deadline,
    }
