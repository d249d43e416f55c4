"""Writes on tickets. Every status change goes through `ticket_transition`."""
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from core.roles import Role, user_has_role
from core.sql import inserts_batched, instance_new, is_postgres, row_insert

from . import hooks
from .caller import CUSTOMER_UPSERT, caller_register
from .choices import Channel, Priority, Status
from .customers import NamePolicy
from .editing import EDITABLE_FIELDS, ticket_edit
from .engineering.assignment import engineer_assignment_record
from .models import Customer, Device, Ticket, TicketEvent
from .search import SEARCHED_DEVICE_FIELDS, search_text_for, search_text_refresh
from .timeline import timeline_new, timeline_open, timeline_record
from .workflow import ACTION_ROLES, ENGINEER_OWN_ONLY, STAMPS, next_status


def customer_get_or_create(*, name: str, phone: str, email: str = "",
                           name_policy: str = NamePolicy.TICKET_ONLY) -> Customer:
    return _customer_get_or_create(name=name, phone=phone, email=email, name_policy=name_policy)[0]


def _customer_get_or_create(*, name: str, phone: str, email: str = "",
                            name_policy: str = NamePolicy.TICKET_ONLY) -> tuple[Customer, bool]:
    now = timezone.now()
    rename = name_policy == NamePolicy.UPDATE_CUSTOMER
    with connection.cursor() as cursor:
        cursor.execute(CUSTOMER_UPSERT, [name, phone, email or "", now, rename])
        pk, name, email, address, created_at = cursor.fetchone()
    if isinstance(created_at, str):  # SQLite hands back text
        created_at = parse_datetime(created_at)
    customer = Customer(pk=pk, name=name, phone=phone, email=email, address=address, created_at=created_at)
    customer._state.adding, customer._state.db = False, "default"
    return customer, created_at == now


def device_get_or_create(
    *, customer: Customer, data: Mapping[str, Any], customer_is_new: bool = False
) -> Device | None:
    if not data or not data.get("category"):
        return None
    ident = {"imei": data["imei"]} if data.get("imei") else {"serial": data["serial"]} if data.get("serial") else None
    if ident and not customer_is_new:  # a caller registered a moment ago has no devices yet: skip the lookup
        device = Device.objects.filter(customer=customer, **ident).order_by("-id").first()
        if device is not None:
            return _device_refresh(device, data)
    device = instance_new(Device, {"customer": customer}, **data)  # Device(customer=…, **data), positionally
    row_insert(device)  # Device.objects.create without the ORM's compiler (core/sql.py)
    return device


def _device_refresh(device: Device, data: Mapping[str, Any]) -> Device:
    """A known device brought again: what the call says of it now (a model read off the box…) is kept."""
    fields = {k: v for k, v in data.items() if v not in (None, "") and getattr(device, k) != v}
    if fields:
        Device.objects.filter(pk=device.pk).update(**fields)
        for key, value in fields.items():
            setattr(device, key, value)
        if set(fields) & set(SEARCHED_DEVICE_FIELDS):  # its earlier tickets are found by the new model too
            search_text_refresh(Ticket.objects.filter(device=device))
    return device


def _caller_and_device(*, customer: Mapping[str, Any], device: Mapping[str, Any]) -> tuple[Customer, Device | None]:
    """The customer by phone and their device, as registration finds or makes them. PostgreSQL: one statement
    (tickets/caller.py); elsewhere the reference path of two."""
    name_policy = customer.get("name_policy") or NamePolicy.TICKET_ONLY
    if device.get("category") and is_postgres():
        owner, device_row, known_id = caller_register(
            name=customer["name"], phone=customer["phone"],
            email=customer.get("email", ""), name_policy=name_policy, now=timezone.now(), device=device)
        if known_id is not None:
            device_row = _device_refresh(Device.objects.get(pk=known_id), device)
        return owner, device_row
    owner, owner_is_new = _customer_get_or_create(name=customer["name"], phone=customer["phone"],
                                                  email=customer.get("email", ""), name_policy=name_policy)
    return owner, device_get_or_create(customer=owner, data=device, customer_is_new=owner_is_new)


@transaction.atomic
def ticket_create(
    *,
    created_by,
    customer: Mapping[str, Any],
    device: Mapping[str, Any] | None,
    kind: str,
    fault_description: str,
    channel: str = Channel.PHONE,
    priority: str = Priority.NORMAL,
    partner=None,
    partner_reference: str = "",
    extras: Mapping[str, Any] | None = None,  # other apps' intake values by app (tickets.hooks.Intake)
) -> Ticket:
    """Register a ticket; the apps that react to it (三包 decision, SLA clocks, a complaint's promise…)
    do so through tickets.hooks inside this transaction, so a crash leaves neither the ticket nor them."""
    if partner is not None:
        channel = Channel.PARTNER_API  # a partner's ticket is always its own, via its API
    now = timezone.now()
    owner, device_row = _caller_and_device(customer=customer, device=device or {})
    # The row as it will be inserted; what other apps compute before the insert (sla: the first due time) is set on
    # it by the `creating` hooks, so the row is written once and this one instance is the answer.
    ticket = timeline_new(
        actor=created_by,
        at=now,
        customer=owner,
        # The contact as given on this call: what this ticket shows for good, whatever the record becomes.
        contact_name=customer["name"],
        contact_phone=customer["phone"],
        device=device_row,
        partner=partner,
        partner_reference=partner_reference,
        kind=kind,
        channel=channel,
        priority=priority,
        status=Status.REGISTERED,
        fault_description=fault_description,
        search_text=search_text_for(  # what the search box finds it by (tickets/search.py); the number's end last
            number="", contact_name=customer["name"], contact_phone=customer["phone"], fault=fault_description,
            **({f: getattr(device_row, f) for f in SEARCHED_DEVICE_FIELDS} if device_row else {})),
    )
    hooks.run_creating(ticket=ticket, at=now)
    # The row and its "register" event, with the number drawn in the insert: tickets/timeline.py is the one
    # creation path.
    ticket = timeline_open(actor=created_by, at=now, number_day=timezone.localdate(now), ticket=ticket)
    with inserts_batched():  # the 三包 decision and the SLA clocks go to the server as one statement
        hooks.run_created(ticket=ticket, at=now, actor=created_by, extras=extras)
    return ticket


def _check_actor(*, ticket: Ticket, action: str, actor) -> None:
    roles = ACTION_ROLES.get(action)
    if roles is not None and not user_has_role(actor, *roles):
        raise ApplicationError(_("Your role may not do this."), code="forbidden", status=403)
    is_only_engineer = user_has_role(actor, Role.ENGINEER) and not user_has_role(actor, Role.MANAGER, Role.RECEPTION)
    if action in ENGINEER_OWN_ONLY and is_only_engineer and ticket.engineer_id != actor.pk:
        raise ApplicationError(_("This ticket is dispatched to another engineer."), code="not_your_ticket", status=403)


@transaction.atomic
def ticket_transition(
    *,
    ticket: Ticket,
    action: str,
    actor,
    changes: Mapping[str, Any] | None = None,
    note: str = "",
    data: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
) -> Ticket:
    _check_actor(ticket=ticket, action=action, actor=actor)
    old = ticket.status
    new = next_status(old, action, resume_status=ticket.resume_status)
    now = timezone.now()
    values: dict[str, Any] = {"status": new, **(changes or {})}
    if new != old:
        values["status_changed_at"] = now
    stamp = STAMPS.get(action)
    if stamp and getattr(ticket, stamp) is None:
        values[stamp] = now
    # Conditional UPDATE: if someone moved the ticket since we read it, nothing is written.
    expect = {"status": old, "version": ticket.version if expected_version is None else expected_version}
    if timeline_record(ticket=ticket, actor=actor, action=action, at=now, note=note, data=data, from_status=old,
                       to_status=new, values=values, expect=expect) is None:
        raise ApplicationError(
            _("Someone else changed this ticket. Reload and try again."), code="ticket_stale", field="status"
        )
    hooks.run_transitioned(ticket=ticket, action=action, from_status=old, at=now, actor=actor)
    return ticket


def ticket_preprocess(*, ticket: Ticket, actor, note: str = "", priority: str | None = None) -> Ticket:
    changes = {"priority": priority} if priority and priority != ticket.priority else None
    return ticket_transition(ticket=ticket, action="preprocess", actor=actor, note=note, changes=changes)


def _check_engineer(engineer) -> None:
    if engineer is None or not engineer.is_active or not user_has_role(engineer, Role.ENGINEER):
        raise ApplicationError(_("Choose an active engineer."), code="not_engineer", field="engineer", status=400)


def ticket_dispatch(*, ticket: Ticket, actor, engineer, note: str = "") -> Ticket:
    _check_engineer(engineer)
    ticket = ticket_transition(
        ticket=ticket, action="dispatch", actor=actor, note=note, changes={"engineer": engineer},
        data={"engineer": engineer.get_username(), "engineer_id": engineer.pk},
    )
    engineer_assignment_record(engineer=engineer)  # the suggestion's round robin (tickets/engineering/assignment.py)
    return ticket


def ticket_reassign(*, ticket: Ticket, actor, engineer, reason: str) -> Ticket:
    _check_engineer(engineer)
    if not reason.strip():
        raise ApplicationError(_("Say why the ticket is reassigned."), code="reason_required", field="reason", status=400)
    if engineer.pk == ticket.engineer_id:
        raise ApplicationError(_("The ticket is already with this engineer."), code="same_engineer", field="engineer", status=400)
    ticket = ticket_transition(
        ticket=ticket, action="reassign", actor=actor, note=reason, changes={"engineer": engineer},
        data={"from_engineer_id": ticket.engineer_id, "engineer": engineer.get_username(), "engineer_id": engineer.pk},
    )
    engineer_assignment_record(engineer=engineer)
    return ticket


@transaction.atomic
def ticket_add_note(*, ticket: Ticket, actor, note: str) -> TicketEvent:
    text = (note or "").strip()
    if not text:
        raise ApplicationError(_("Write a note first."), code="note_required", field="note", status=400)
    if len(text) > settings.NOTE_MAX:
        raise ApplicationError(
            _("Keep the note under %(max)d characters.") % {"max": settings.NOTE_MAX},
            code="too_long", field="note", status=400,
        )
    return timeline_record(ticket=ticket, actor=actor, action="note", note=text)


# PATCH's fields: the ticket's own (tickets/editing.py EDITABLE_FIELDS) and `device` (a partial device).
UPDATABLE_FIELDS = frozenset(EDITABLE_FIELDS) | {"device"}


def ticket_update(*, ticket: Ticket, actor, expected_version: int, changes: Mapping[str, Any]) -> Ticket:
    """Change a ticket's editable fields if nobody changed the ticket since the caller read `expected_version`.

    The version guard is the If-Match of the API: a stale writer gets 412 and nothing is written. The rules,
    the "update" timeline entry (old → new) and the `updated` hooks are tickets/editing.py's."""
    changes = dict(changes)
    device = changes.pop("device", None)
    return ticket_edit(ticket=ticket, actor=actor, expected_version=expected_version, changes=changes, device=device)
