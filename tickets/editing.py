"""Editing a ticket's own fields (issue 14, part 1): the desk's "Edit" panel and the API's PATCH.

One service, `ticket_edit`, for both doors: the version guard (If-Match / the form's hidden version), the
rules, one timeline entry "update" listing every change as old → new, then the `updated` hooks in the same
transaction (sla re-targets its clocks on kind / priority / channel; warranty re-decides 三包 when the
device's documents, category or the kind changed, and says so on the timeline).

- The contact is the ticket's own (`contact_name` / `contact_phone`, stored as typed, never blank): correcting
  it writes this ticket only — never the Customer row, so no other ticket and no signed work order changes.
- The device is the customer's product row: a correction of its documents (a purchase date typed wrong)
  is a fact about the product, so the row is corrected; a ticket without a device gets one.
"""
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from core.roles import Role, user_has_role

from . import hooks
from .choices import Channel, Kind, Priority, ProductCategory
from .intake import intake_device_errors
from .models import Device, Ticket
from .search import SEARCHED_DEVICE_FIELDS, search_text_for, search_text_refresh
from .timeline import timeline_record

EDITABLE_FIELDS = ("contact_name", "contact_phone", "kind", "channel", "priority", "fault_description",
                   "partner_reference")
DEVICE_EDITABLE = ("category", "component", "brand", "model", "imei", "serial", "purchase_date", "invoice_number",
                   "invoice_date", "warranty_card_number", "factory_date", "sold_online")
CHOICES = {"kind": Kind.values, "channel": Channel.values, "priority": Priority.values}
EDITORS = (Role.RECEPTION, Role.MANAGER, Role.PARTNER)

STALE = _("The ticket has changed since you read it. Fetch it again and retry with the new ETag.")


def _stale() -> ApplicationError:
    return ApplicationError(STALE, code="precondition_failed", field="If-Match", status=412)


def _as_json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _refuse(field: str, message, code: str = "invalid") -> ApplicationError:
    return ApplicationError(message, code=code, field=field, status=400)


def _normalise(ticket: Ticket, changes: Mapping[str, Any]) -> dict[str, Any]:
    """The ticket's own fields as they will be stored, refusing what no editor may set."""
    values = dict(changes)
    for field, allowed in CHOICES.items():
        if field in values and values[field] not in allowed:
            raise _refuse(field, _("Choose one of the listed values."))
    if "channel" in values and values["channel"] != ticket.channel:
        # A partner's ticket is always its own, via its API; a desk ticket never claims to be one.
        if ticket.partner_id or values["channel"] == Channel.PARTNER_API:
            raise _refuse("channel", _("The partner API channel belongs to partners' tickets only."), "channel_fixed")
    if "fault_description" in values:
        text = (values["fault_description"] or "").strip()
        if not text:
            raise _refuse("fault_description", _("Describe the fault."), "required")
        if len(text) > settings.FAULT_DESCRIPTION_MAX:
            raise _refuse("fault_description", _("Keep the description under %(max)d characters (it has %(n)d).")
                          % {"max": settings.FAULT_DESCRIPTION_MAX, "n": len(text)}, "too_long")
        values["fault_description"] = text
    # Stored as typed, even when it equals the customer record's: a blank would show the record's name, which a
    # later rename or merge of the record changes behind this ticket's back (issue 14, part 5).
    if "contact_name" in values:
        values["contact_name"] = (values["contact_name"] or "").strip()
        if not values["contact_name"]:
            raise _refuse("contact_name", _("Enter the contact's name."), "required")
    if "contact_phone" in values:
        values["contact_phone"] = values["contact_phone"] or ""
        if not values["contact_phone"]:
            raise _refuse("contact_phone", _("Enter the contact's phone number."), "required")
    return values


def _device_changes(ticket: Ticket, device: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, tuple]]:
    """(the device as it will be, {field: (old, new)} of what changes)."""
    unknown = set(device) - set(DEVICE_EDITABLE)
    if unknown:
        raise _refuse(f"device.{sorted(unknown)[0]}", _("This field cannot be changed."), "not_updatable")
    current = ticket.device
    before = {f: getattr(current, f) if current else None for f in DEVICE_EDITABLE}
    if current is None:
        before.update({f: "" for f in DEVICE_EDITABLE if f not in ("purchase_date", "invoice_date", "factory_date")})
        before["sold_online"] = False
    after = {**before, **{k: ("" if v is None and k not in ("purchase_date", "invoice_date", "factory_date") else v)
                          for k, v in device.items()}}
    diff = {f: (before[f], after[f]) for f in DEVICE_EDITABLE if before[f] != after[f]}
    if not diff:
        return after, {}
    if after.get("category") not in ProductCategory.values:
        raise _refuse("device.category", _("Choose the product category."), "required")
    if not after.get("component"):
        after["component"] = "main_unit"
    for field, message in intake_device_errors(after).items():
        raise _refuse(f"device.{field}", message)
    return after, diff


def _device_write(ticket: Ticket, after: Mapping[str, Any], diff: Mapping[str, tuple]) -> Device:
    if ticket.device is None:
        return Device.objects.create(customer=ticket.customer, **after)
    device = ticket.device
    fields = {f: after[f] for f in diff}
    Device.objects.filter(pk=device.pk).update(**fields)
    for key, value in fields.items():
        setattr(device, key, value)
    return device


@transaction.atomic
def ticket_edit(*, ticket: Ticket, actor, expected_version: int, changes: Mapping[str, Any],
                device: Mapping[str, Any] | None = None) -> Ticket:
    """Change the ticket's editable fields (EDITABLE_FIELDS) and its device's (DEVICE_EDITABLE) if nobody
    changed the ticket since the caller read `expected_version`; nothing changed → nothing written."""
    if not user_has_role(actor, *EDITORS):
        raise ApplicationError(_("Your role may not do this."), code="forbidden", status=403)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise _refuse(sorted(unknown)[0], _("This field cannot be changed."), "not_updatable")
    if ticket.version != expected_version:
        raise _stale()
    if not ticket.is_open:
        raise ApplicationError(_("A closed or cancelled ticket cannot be changed."), code="ticket_closed",
                               field="status")
    if user_has_role(actor, Role.PARTNER) and not user_has_role(actor, Role.RECEPTION, Role.MANAGER) \
            and "channel" in changes and changes["channel"] != ticket.channel:
        raise _refuse("channel", _("The partner API channel belongs to partners' tickets only."), "channel_fixed")
    values = _normalise(ticket, changes)
    diff = {key: value for key, value in values.items() if getattr(ticket, key) != value}
    device_after, device_diff = _device_changes(ticket, device or {})
    if not diff and not device_diff:
        return ticket
    logged = {key: [_as_json(getattr(ticket, key)), _as_json(value)] for key, value in diff.items()}
    logged.update({f"device.{key}": [_as_json(old), _as_json(new)] for key, (old, new) in device_diff.items()})
    device_now = ticket.device
    if device_diff:
        device_now = written = _device_write(ticket, device_after, device_diff)
        if ticket.device_id is None:
            diff["device"] = written
        elif set(device_diff) & set(SEARCHED_DEVICE_FIELDS):  # the device's other tickets are found by it too
            search_text_refresh(Ticket.objects.filter(device=written).exclude(pk=ticket.pk))
    text = search_text_for(  # this ticket's search text in the same UPDATE as its changes (tickets/search.py)
        number=ticket.number, contact_name=diff.get("contact_name", ticket.contact_name) or ticket.customer.name,
        contact_phone=diff.get("contact_phone", ticket.contact_phone) or ticket.customer.phone,
        fault=diff.get("fault_description", ticket.fault_description),
        **({f: getattr(device_now, f) for f in SEARCHED_DEVICE_FIELDS} if device_now else {}))
    if text != ticket.search_text:
        diff["search_text"] = text
    now = timezone.now()
    if timeline_record(ticket=ticket, actor=actor, action="update", at=now, data={"changes": logged},
                       values=diff, expect={"version": expected_version}) is None:
        raise _stale()
    # Hooks get every changed name: the ticket's own columns, and the device's as "device.<field>".
    hooks.run_updated(ticket=ticket, changes={key: new for key, (_old, new) in logged.items()}, at=now, actor=actor)
    return ticket
