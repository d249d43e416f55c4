"""Formatting of the edit / cancel / reopen timeline entries (issue 14): labels and values, never codes."""
from django import template
from django.utils.translation import gettext_lazy as _

from core.validation import format_phone
from tickets.choices import Channel, Kind, Priority, ProductCategory
from tickets.lifecycle import CancelReason

register = template.Library()

LABELS = {
    "contact_name": _("Contact name"), "contact_phone": _("Contact phone"), "kind": _("Kind of request"),
    "channel": _("Channel"), "priority": _("Priority"), "fault_description": _("Fault description"),
    "partner_reference": _("Partner reference"), "device.category": _("Product category"),
    "device.component": _("Component"), "device.brand": _("Brand"), "device.model": _("Model"),
    "device.imei": _("IMEI"), "device.serial": _("Serial number"), "device.purchase_date": _("Purchase date"),
    "device.invoice_number": _("Invoice number"), "device.invoice_date": _("Invoice date"),
    "device.warranty_card_number": _("Warranty card number"), "device.factory_date": _("Factory date"),
    "device.sold_online": _("Sold online"),
}
CHOICES = {"kind": Kind, "channel": Channel, "priority": Priority, "device.category": ProductCategory}


def _shown(field: str, value) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if field in CHOICES and value in CHOICES[field].values:
        return str(CHOICES[field](value).label)
    if field == "contact_phone":
        return format_phone(value)
    return str(value)


@register.filter
def change_rows(changes) -> list[tuple[str, str, str]]:
    """{"kind": ["repair", "return_exchange"], …} → [(label, old shown, new shown), …]."""
    return [(str(LABELS.get(field, field)), _shown(field, pair[0]), _shown(field, pair[1]))
            for field, pair in (changes or {}).items() if isinstance(pair, (list, tuple)) and len(pair) == 2]


@register.filter
def cancel_reason_label(code: str) -> str:
    return str(CancelReason(code).label) if code in CancelReason.values else code or ""
