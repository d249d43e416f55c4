"""tickets/caller.py: the caller and their device in one statement (PostgreSQL) store and answer what the reference
path of two statements (services._customer_get_or_create + device_get_or_create) does, in every case registration
meets; and a device whose IMEI was seen on another customer's row still brings its history to the 三包 decision."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tickets import services
from tickets.choices import Status
from tickets.customers import NamePolicy
from tickets.models import Customer, Device, Ticket

pytestmark = pytest.mark.django_db
IMEI, OTHER_IMEI = "490154203237518", "356938035643809"

PHONE_DEVICE = {"category": "phone", "brand": "华为", "model": "Mate 60", "imei": IMEI,
                "purchase_date": date(2026, 11, 1), "invoice_date": date(2026, 11, 1), "value": Decimal("4999.50"),
                "sold_online": True}
CASES = {
    "new caller, new phone": [("张三", "+8613800138000", PHONE_DEVICE)],
    "returning caller, same phone, new model read off the box": [
        ("张三", "+8613800138000", PHONE_DEVICE), ("张三", "+8613800138000", PHONE_DEVICE | {"model": "Mate 60 Pro"})],
    "returning caller, another phone": [
        ("张三", "+8613800138000", PHONE_DEVICE), ("张三", "+8613800138000", PHONE_DEVICE | {"imei": OTHER_IMEI})],
    "another name on a known phone, record renamed": [
        ("张三", "+8613800138000", PHONE_DEVICE), ("李四", "+8613800138000", PHONE_DEVICE, NamePolicy.UPDATE_CUSTOMER)],
    "serial only, twice": [
        ("王五", "+8613900139000", {"category": "appliance", "serial": "AC-77"}),
        ("王五", "+8613900139000", {"category": "appliance", "serial": "AC-77", "brand": "格力"})],
    "no identity: a new device each time": [
        ("赵六", "+8613700137000", {"category": "appliance", "brand": "美的"}),
        ("赵六", "+8613700137000", {"category": "appliance", "brand": "美的"})],
}


def _register(calls, fast: bool):
    answers = []
    for name, phone, device, *policy in calls:
        customer = {"name": name, "phone": phone, "email": "", "name_policy": policy[0] if policy else ""}
        if fast:
            owner, device_row = services._caller_and_device(customer=customer, device=dict(device))
        else:
            owner, is_new = services._customer_get_or_create(
                name=name, phone=phone, name_policy=policy[0] if policy else NamePolicy.TICKET_ONLY)
            device_row = services.device_get_or_create(customer=owner, data=dict(device), customer_is_new=is_new)
        answers.append((_fields(owner, "id", "created_at"), _fields(device_row, "id", "customer")))
    stored = ([_fields(c, "id", "created_at") for c in Customer.objects.order_by("id")],
              [_fields(d, "id", "customer") for d in Device.objects.order_by("id")])
    return answers, stored


def _fields(obj, *left_out) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields
            if f.name not in left_out and f.attname not in left_out}


@pytest.mark.parametrize("case", CASES)
def test_one_statement_stores_and_answers_what_the_reference_path_does(case, django_db_blocker):
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement path is PostgreSQL's")
    fast = _register(CASES[case], fast=True)
    Device.objects.all().delete()
    Customer.objects.all().delete()
    assert fast == _register(CASES[case], fast=False)


def test_a_new_caller_and_phone_cost_one_statement_and_the_phone_is_first_seen():
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement path is PostgreSQL's")
    customer = {"name": "张三", "phone": "+8613800138000"}
    with CaptureQueriesContext(connection) as ctx:
        owner, device = services._caller_and_device(customer=customer, device=dict(PHONE_DEVICE))
    assert len(ctx.captured_queries) == 1
    assert device.customer == owner and Device.objects.get(pk=device.pk).customer_id == owner.pk
    assert device.first_seen is True
    # The same IMEI on another customer's new device row: not first seen (its earlier tickets are the item's).
    _owner, again = services._caller_and_device(customer={"name": "李四", "phone": "+8613900139000"},
                                                device=dict(PHONE_DEVICE))
    assert again.pk != device.pk and again.first_seen is False


def _closed_repair(reception, phone: str) -> Ticket:
    bought = timezone.localdate() - timedelta(days=60)
    ticket = services.ticket_create(
        created_by=reception, customer={"name": "张三", "phone": phone}, kind="repair", fault_description="开机黑屏",
        device={"category": "phone", "imei": IMEI, "purchase_date": bought, "invoice_date": bought,
                "invoice_number": "INV-1", "warranty_card_number": "WC-1"},
        extras={"warranty": {"fault": "performance"}})
    opened = timezone.now() - timedelta(days=5)
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED, created_at=opened,
                                               closed_at=opened + timedelta(days=3))
    return ticket


def test_a_phone_repaired_twice_for_its_first_owner_is_offered_an_exchange_when_a_new_owner_brings_it(reception):
    # History is the item's (by IMEI), whoever brought it: the new owner's new device row must not hide it.
    _closed_repair(reception, "+8613800138000")
    _closed_repair(reception, "+8613800138000")
    third = _closed_repair(reception, "+8613900139000")
    assert third.customer.phone == "+8613900139000" and third.device.customer_id == third.customer.pk
    decision = third.warranty_decision
    assert decision.facts["prior_repairs_same_fault"] == 2
    assert "repeat_repair.exchange" in [r["code"] for r in decision.reasons]
