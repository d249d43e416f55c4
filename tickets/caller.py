"""The caller and their device at registration, in one statement on PostgreSQL (issue 16).

ticket_create's reference path is two or three statements: the customer's upsert by phone
(services._customer_get_or_create), then the device — looked up among the customer's own by IMEI or serial,
inserted if not found (services.device_get_or_create). Each is a round trip to the server inside the create's
transaction. Here the upsert, the lookup and the insert are one statement of data-modifying CTEs, which also
says whether any earlier device row carried this IMEI (or this category + serial): when none did, the item has
no earlier tickets, and the 三包 decision needs no history read (`Device.first_seen`, warranty/services.py).

A device found among the customer's own comes back by id only: the caller (services.ticket_create) loads it
and applies the reference path's field refresh — the rare case, at the reference path's cost.
Parity with the reference path: tests/tickets/test_caller_sql.py.
"""
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import connection

from core.sql import instance_new, json_dumps, json_row, prepared_cursor

from .customers import NamePolicy
from .models import Customer, Device

_CUSTOMER_TABLE = Customer._meta.db_table
# One statement for new and returning callers alike (the phone identifies the customer): a new caller is
# stored with the typed name; a known one keeps the stored name unless reception chose "update this
# customer's name from now on" (tickets/customers.py NamePolicy) — the ticket keeps the typed name as its
# own contact either way. An empty e-mail keeps the stored one. Works on PostgreSQL and SQLite.
CUSTOMER_UPSERT = (
    f"INSERT INTO {_CUSTOMER_TABLE} (name, phone, email, address, created_at) VALUES (%s, %s, %s, '', %s) "
    f"ON CONFLICT (phone) DO UPDATE SET name = CASE WHEN %s THEN EXCLUDED.name ELSE {_CUSTOMER_TABLE}.name END, "
    f"email = CASE WHEN EXCLUDED.email <> '' THEN EXCLUDED.email ELSE {_CUSTOMER_TABLE}.email END "
    f"RETURNING id, name, email, address, created_at"
)

_DEVICE = Device._meta.db_table
_DEVICE_FIELDS = [f for f in Device._meta.concrete_fields if not f.primary_key and f.name != "customer"]

# (the customer's own device with this identity, any earlier row of the same item): by IMEI, else serial.
# The `<> ''` terms are the partial indexes' predicates (device_imei, device_serial): a prepared statement's generic
# plan cannot prove them from `= $n`, and without them would pass the indexes by.
_MATCH = {
    "imei": ("d.imei = %s AND d.imei <> ''", "o.imei = %s AND o.imei <> ''"),
    "serial": ("d.serial = %s AND d.serial <> ''", "o.category = %s AND o.serial = %s AND o.serial <> ''"),
    "": ("false", "false"),
}


def _statement(ident: str) -> str:
    own, earlier = _MATCH[ident]
    columns = [connection.ops.quote_name(f.column) for f in _DEVICE_FIELDS]
    return (
        f"WITH c AS ({CUSTOMER_UPSERT}), "
        f"known AS (SELECT d.id FROM {_DEVICE} d, c WHERE d.customer_id = c.id AND {own} ORDER BY d.id DESC LIMIT 1), "
        f"new AS (INSERT INTO {_DEVICE} (customer_id, {', '.join(columns)}) "
        f"SELECT c.id, {', '.join('r.' + column for column in columns)} "
        f"FROM c, jsonb_populate_record(NULL::{_DEVICE}, %s) r WHERE NOT EXISTS (SELECT 1 FROM known) RETURNING id) "
        f"SELECT c.id, c.name, c.email, c.address, c.created_at, (SELECT id FROM known), (SELECT id FROM new), "
        f"EXISTS (SELECT 1 FROM {_DEVICE} o WHERE {earlier}) FROM c"
    )


_STATEMENTS: dict[str, str] = {}


def caller_register(*, name: str, phone: str, email: str, name_policy: str, now: datetime,
                    device: Mapping[str, Any]) -> tuple[Customer, Device | None, int | None]:
    """PostgreSQL only; `device` has a category. Returns (customer, the new device or None, the id of the
    customer's own device with this IMEI / serial when one exists — then no device was inserted)."""
    ident = "imei" if device.get("imei") else "serial" if device.get("serial") else ""
    sql = _STATEMENTS.get(ident)
    if sql is None:
        sql = _STATEMENTS[ident] = _statement(ident)
    new_device = instance_new(Device, None, **device)  # Device(**data) positionally; its customer is set below
    own = earlier = []  # the parameters of _MATCH's two conditions
    if ident == "imei":
        own = earlier = [device["imei"]]
    elif ident == "serial":
        own, earlier = [device["serial"]], [device["category"], device["serial"]]
    params = [name, phone, email or "", now, name_policy == NamePolicy.UPDATE_CUSTOMER, *own,
              json_dumps(json_row(new_device, _DEVICE_FIELDS)), *earlier]
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        pk, name, email, address, created_at, known_id, device_id, seen = cursor.fetchone()
    customer = Customer(pk=pk, name=name, phone=phone, email=email, address=address, created_at=created_at)
    customer._state.adding, customer._state.db = False, connection.alias
    if known_id is not None:
        return customer, None, known_id
    new_device.customer = customer
    new_device.pk, new_device._state.adding, new_device._state.db = device_id, False, connection.alias
    new_device.first_seen = not seen  # no earlier row of this item: it has no earlier tickets
    return customer, new_device, None
