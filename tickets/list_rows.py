"""The desk list's rows as plain values, not model instances.

A page of the list is 25 tickets, each with its customer, device and engineer: as models that is ~100 instances,
every field set through Django's Model.__init__ and from_db, and the select_related/only() bookkeeping — about a
fifth of the list page's CPU at 1M tickets (bench/profile_list.py). The row shows ~20 values of the four tables;
here they come from one values_list() of the same query (same joins, same order) into a slotted object that
answers what the row renderer (tickets/templatetags/ticket_rows.py) and its reference template read of a Ticket:
the display of status and kind, the contact shown, the product (Device.__str__) and the engineer (desk.person).
tests/tickets/test_row_parity.py renders these and the Ticket instances of the same tickets and compares.
"""
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from core.validation import format_phone

from .models import Device, Ticket

# In ListRow's slot order after the ticket's own columns: the customer's name and phone for rows without a contact
# of their own (fixtures), the device's label parts, the engineer's name parts.
ROW_VALUES = ("pk", "number", "status", "kind", "fault_description", "created_at", "updated_at", "next_due_at",
              "contact_name", "contact_phone", "customer__name", "customer__phone",
              "device_id", "device__brand", "device__model", "device__imei", "device__serial",
              "engineer_id", "engineer__username", "engineer__first_name", "engineer__last_name")


class DeviceLabel:
    """What a row shows of the product: Device.__str__ over the four columns it reads."""

    __slots__ = ("brand", "imei", "model", "serial")
    __str__ = Device.__str__

    def __init__(self, brand: str, model: str, imei: str, serial: str):
        self.brand, self.model, self.imei, self.serial = brand, model, imei, serial


class EngineerName:
    """What desk.person reads of a user."""

    __slots__ = ("first_name", "last_name", "username")

    def __init__(self, username: str, first_name: str, last_name: str):
        self.username, self.first_name, self.last_name = username, first_name, last_name

    def get_username(self) -> str:
        return self.username


class ListRow:
    __slots__ = ("contact_name_shown", "contact_phone_display", "created_at", "device", "device_id", "engineer",
                 "engineer_id", "fault_description", "kind", "next_due_at", "number", "pk", "status", "updated_at")
    # The model's own functions (tickets.models._choice_display): the same labels, translated when called.
    get_status_display = Ticket.get_status_display
    get_kind_display = Ticket.get_kind_display

    def __init__(self, pk, number, status, kind, fault, created_at, updated_at, next_due_at, contact_name,
                 contact_phone, customer_name, customer_phone, device_id, brand, model, imei, serial,
                 engineer_id, username, first_name, last_name):
        self.pk, self.number, self.status, self.kind, self.fault_description = pk, number, status, kind, fault
        self.created_at, self.updated_at, self.next_due_at = created_at, updated_at, next_due_at
        # Ticket.contact_name_shown / contact_phone_display (Customer.phone_display is format_phone's fast path).
        self.contact_name_shown = contact_name or customer_name
        self.contact_phone_display = format_phone(contact_phone or customer_phone)
        self.device_id = device_id
        self.device = DeviceLabel(brand, model, imei, serial) if device_id is not None else None
        self.engineer_id = engineer_id
        self.engineer = EngineerName(username, first_name, last_name) if engineer_id is not None else None


def list_rows(queryset) -> list[ListRow]:
    """The rows of `queryset` (already filtered to a page and ordered), one query."""
    return [ListRow(*values) for values in queryset.values_list(*ROW_VALUES)]


# The statement around a page's ids, by database and ordering: built and compiled by the ORM it cost ~2,000 Python
# calls a page (the 21 columns' joins resolved, the SQL assembled) for the same text every time.
_IDS = "__page_ids__"
_PAGE_SQL: dict[tuple, str] = {}


def page_rows(ids, ordering: tuple[str, ...]) -> list[ListRow]:
    """list_rows(Ticket.objects.filter(pk__in=ids).order_by(*ordering)), with that statement compiled once:
    `ids` is a queryset of up to a page of ticket ids (the list's filters, sorted and cut) or a list of them.
    PostgreSQL only (its driver returns the values as the ORM would: no converters); elsewhere the ORM's way."""
    if connection.vendor != "postgresql":
        return list_rows(Ticket.objects.filter(pk__in=ids).order_by(*ordering))
    if isinstance(ids, QuerySet):
        inner, params = ids.query.sql_with_params()  # uncorrelated: its own FROM scope inside IN (…)
    elif ids:
        inner, params = ", ".join(["%s"] * len(ids)), tuple(ids)
    else:
        return []
    key = (connection.vendor, ordering)
    if (sql := _PAGE_SQL.get(key)) is None:
        query = Ticket.objects.filter(pk__in=RawSQL(_IDS, [])).order_by(*ordering).values_list(*ROW_VALUES).query
        sql, none = query.sql_with_params()
        if none or sql.count(_IDS) != 1 or "%" in sql:
            raise LookupError(f"the list page's statement is not the expected shape: {sql}")  # a wiring bug
        _PAGE_SQL[key] = sql
    with connection.cursor() as cursor:
        cursor.execute(sql.replace(_IDS, inner, 1), params)
        return [ListRow(*values) for values in cursor.fetchall()]
