"""History-safe customers (issue 14, part 5): the name policy at registration, the customer page's reads and
the merge of two customer records.

A ticket keeps the contact it was registered with (`Ticket.contact_name` / `contact_phone`); the customer
record is the phone's current owner, used to find a caller and to group their tickets and devices. So:
- a known phone with another name changes the record only when reception says so (`NamePolicy`);
- merging two records moves tickets, devices and every other app's rows to the survivor, and no ticket's
  contact changes (a signed work order has its own copy, fieldservice.WorkOrder.contact_name).
"""
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from core.roles import Role, user_has_role

from .models import Customer, Device, Ticket

DESK = (Role.RECEPTION, Role.MANAGER)
PAGE_TICKETS = 200  # a customer page lists this many of the newest tickets (a reseller may have thousands)


class NamePolicy(models.TextChoices):
    """What a known phone typed with another name means (the new-ticket page and `customer.name_policy`)."""

    TICKET_ONLY = "ticket_only", _("Another person on this phone (this ticket only)")
    UPDATE_CUSTOMER = "update_customer", _("Update this customer's name from now on")


# ---- reads: the customer page (desk roles) ----

@dataclass(frozen=True)
class CustomerPage:
    customer: Customer
    tickets: list[Ticket]
    more_tickets: bool
    devices: list[Device]


def customer_page(*, user, pk: int) -> CustomerPage:
    """The record, its newest tickets (each with its own contact) and its devices with their ticket counts.
    Desk roles only: the record's phone and every ticket of it are the desk's to see (others: 403)."""
    if not user_has_role(user, *DESK):
        raise PermissionDenied
    customer = get_object_or_404(Customer, pk=pk)
    tickets = list(Ticket.objects.filter(customer=customer).select_related("device", "engineer")
                   .order_by("-created_at", "-id")[:PAGE_TICKETS + 1])
    for ticket in tickets:
        ticket.customer = customer  # the fallback contact reads it: no query per row
    devices = list(Device.objects.filter(customer=customer).annotate(ticket_count=Count("tickets"))
                   .order_by("-id"))
    return CustomerPage(customer=customer, tickets=tickets[:PAGE_TICKETS], more_tickets=len(tickets) > PAGE_TICKETS,
                        devices=devices)


# ---- writes: merging two records of one person ----

@dataclass(frozen=True)
class MergeResult:
    survivor: Customer
    moved: dict[str, int]  # "<app>.<model>" → rows moved to the survivor


def _reverse_foreign_keys():
    """Every foreign key to Customer, this app's and other apps' (callbacks, sla…): found through the model's
    relations, so tickets imports no other app (ARCHITECTURE.md) and a new one is moved without a change here."""
    for rel in Customer._meta.related_objects:
        if rel.one_to_many or rel.one_to_one:  # seen from Customer: the reverse side of a ForeignKey
            yield rel.related_model, rel.field.name


@transaction.atomic
def customer_merge(*, survivor: Customer, merged: Customer, actor) -> MergeResult:
    """Move everything of `merged` to `survivor` and delete `merged`, in one transaction.

    Each ticket keeps its own contact: a ticket made before its contact was stored gets `merged`'s name and
    phone first, so it never starts showing the survivor's. The survivor keeps its name and phone; its empty
    e-mail or address is filled from `merged`."""
    if not user_has_role(actor, Role.MANAGER):
        raise ApplicationError(_("Your role may not do this."), code="forbidden", status=403)
    if survivor.pk == merged.pk:
        raise ApplicationError(_("Choose two different customers."), code="merge_same", field="survivor",
                               status=400)
    # Both rows locked in id order (two merges of overlapping pairs cannot deadlock), then read afresh.
    locked = {c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk])
              .order_by("pk")}
    if len(locked) != 2:
        raise ApplicationError(_("One of the customers no longer exists."), code="merge_gone", status=409)
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    Ticket.objects.filter(customer=merged, contact_name="").update(contact_name=merged.name)
    Ticket.objects.filter(customer=merged, contact_phone="").update(contact_phone=merged.phone)
    moved = {}
    # Tickets explicitly (only their customer moves: no timeline entry, nothing the API shows changes);
    # every other row that points at the merged customer through its own foreign key.
    if count := Ticket.objects.filter(customer=merged).update(customer=survivor):
        moved[Ticket._meta.label_lower] = count
    for Related, field in _reverse_foreign_keys():  # noqa: N806 (a model class)
        if Related is Ticket:
            continue
        if count := Related._base_manager.filter(**{field: merged}).update(**{field: survivor}):
            moved[Related._meta.label_lower] = count
    fill = {f: getattr(merged, f) for f in ("email", "address") if not getattr(survivor, f) and getattr(merged, f)}
    if fill:
        Customer.objects.filter(pk=survivor.pk).update(**fill)
        for key, value in fill.items():
            setattr(survivor, key, value)
    merged.delete()
    return MergeResult(survivor=survivor, moved=moved)
