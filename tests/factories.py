"""Factories build valid objects; a test states only what matters to it."""
from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from stdnum import luhn

from tickets.choices import Channel, Kind, Priority, ProductCategory, Status
from tickets.models import Customer, Device, Ticket
from tickets.search import SEARCHED_DEVICE_FIELDS, search_text_for


def valid_imei(n: int) -> str:
    body = f"86{n:012d}"
    return body + luhn.calc_check_digit(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "测试"
    password = factory.PostGenerationMethodCall("set_password", "test-pass-123")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"客户{n}")
    phone = factory.Sequence(lambda n: f"+86138{n:08d}")


class DeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Device

    customer = factory.SubFactory(CustomerFactory)
    category = ProductCategory.PHONE
    brand = "华为"
    model = "Mate 60"
    imei = factory.Sequence(valid_imei)
    purchase_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    invoice_date = factory.SelfAttribute("purchase_date")


class TicketFactory(factory.django.DjangoModelFactory):
    """A bare ticket row (no timeline, no clocks). Use tickets.services to walk the SOP."""

    class Meta:
        model = Ticket

    number = factory.Sequence(lambda n: f"SD-20260101-{n:05d}")
    customer = factory.SubFactory(CustomerFactory)
    # As ticket_create stores them: the contact the ticket was registered with.
    contact_name = factory.SelfAttribute("customer.name")
    contact_phone = factory.SelfAttribute("customer.phone")
    device = factory.SubFactory(DeviceFactory, customer=factory.SelfAttribute("..customer"))
    kind = Kind.REPAIR
    channel = Channel.PHONE
    priority = Priority.NORMAL
    status = Status.REGISTERED
    fault_description = "屏幕闪烁"
    created_by = factory.SubFactory(UserFactory)
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.SelfAttribute("created_at")
    status_changed_at = factory.SelfAttribute("created_at")
    # As ticket_create stores it: what the search box finds the ticket by (tickets/search.py).
    search_text = factory.LazyAttribute(lambda t: search_text_for(
        number=t.number, contact_name=t.contact_name, contact_phone=t.contact_phone, fault=t.fault_description,
        **({f: getattr(t.device, f) for f in SEARCHED_DEVICE_FIELDS} if t.device else {})))


def intake_payload(**overrides) -> dict:
    """A valid API create body (see tickets.api.serializers.TicketCreateInput)."""
    body = {
        "customer": {"name": "张三", "phone": "13800138000"},
        "device": {"category": "phone", "brand": "华为", "model": "Mate 60", "imei": "490154203237518",
                   "purchase_date": str(timezone.localdate() - timedelta(days=20)),
                   "invoice_date": str(timezone.localdate() - timedelta(days=20))},
        "kind": "repair",
        "channel": "phone",
        "fault_description": "开机黑屏",
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(body.get(key), dict):
            body[key] = {**body[key], **value}
        else:
            body[key] = value
    return body


def decided_pair(*, reception, manager, engineer, fault_description: str = "开机黑屏") -> tuple[Ticket, Ticket]:
    """Two tickets about one phone bought five days ago, registered through the service: one walked to dispatched
    (its 三包 decision as the engine made it), one whose decision a manager overrode — the row shapes the API's
    output tests compare."""
    from tickets.services import ticket_create, ticket_dispatch, ticket_preprocess
    from warranty.services import warranty_decision_override

    bought = timezone.localdate() - timedelta(days=5)
    body = intake_payload(device={"category": "phone", "imei": "490154203237518", "invoice_number": "INV-1"})
    body["device"] |= {"purchase_date": bought, "invoice_date": bought}
    walked = ticket_create(created_by=reception, customer=body["customer"], device=body["device"], kind="repair",
                           fault_description=fault_description, extras={"warranty": {"fault": "performance"}})
    ticket_preprocess(ticket=walked, actor=reception, note="远程指导无效")
    ticket_dispatch(ticket=walked, actor=reception, engineer=engineer)
    overridden = ticket_create(created_by=reception, customer=body["customer"], device=body["device"],
                               kind="repair", fault_description="屏幕碎裂", extras={"warranty": {"fault": "water"}})
    warranty_decision_override(ticket=overridden, actor=manager, remedies=["exchange:free"], reason="客户长期合作")
    return walked, overridden
