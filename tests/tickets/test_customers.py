"""History-safe customers (issue 14, part 5): a ticket keeps the contact it was registered with; a known phone
with another name renames the customer record only when reception says so; merging two records keeps every
ticket's contact; the data migration fills older tickets in one statement."""
import importlib

import pytest
from django.db import connection
from django.urls import reverse

from core.errors import ApplicationError
from fieldservice import services as fieldservice
from fieldservice.models import WorkOrder
from tests.factories import CustomerFactory, TicketFactory, intake_payload
from tests.fieldservice.helpers import paid_and_done, schedule
from tickets import services
from tickets.customers import NamePolicy, customer_merge
from tickets.editing import ticket_edit
from tickets.models import Customer, Device, Ticket

from .test_services import CREATE_MAX_QUERIES, intake

pytestmark = pytest.mark.django_db
PHONE = "+8613800138000"


def register(reception, name: str, policy: str | None = None, phone: str = "13800138000", **overrides) -> Ticket:
    customer = {"name": name, "phone": phone, **({"name_policy": policy} if policy else {})}
    return services.ticket_create(created_by=reception, **intake(customer=customer, **overrides))


def signed_work_order(ticket, reception, engineer) -> WorkOrder:
    """The ticket walked to a work order the customer signed (confirmed) on site."""
    ticket = services.ticket_preprocess(ticket=ticket, actor=reception)
    ticket = services.ticket_dispatch(ticket=ticket, actor=reception, engineer=engineer)
    work_order = schedule(ticket, engineer, address="上海市浦东新区世纪大道 100 号")
    fieldservice.work_order_depart(work_order=work_order, actor=engineer)
    work_order = fieldservice.work_order_arrive(work_order=work_order, actor=engineer)
    paid_and_done(work_order, engineer)
    fieldservice.work_order_record_payment(work_order=work_order, actor=engineer, receipt_number="R-1")
    return fieldservice.work_order_confirm(work_order=work_order, actor=engineer, customer_name=work_order.contact_name,
                                           satisfied=True, comment="")


# ---- registration ----

def test_another_name_on_a_known_phone_is_this_ticket_only_by_default(reception, engineer):
    first = register(reception, "张三")
    signed = signed_work_order(first, reception, engineer)
    assert (signed.contact_name, signed.customer_name) == ("张三", "张三")

    second = register(reception, "李四")  # his wife calls from the same phone

    assert second.customer_id == first.customer_id
    assert Customer.objects.get().name == "张三"  # the record keeps its name
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.contact_name, first.contact_phone) == ("张三", PHONE)
    assert (second.contact_name, second.contact_phone) == ("李四", PHONE)
    signed.refresh_from_db()
    assert (signed.contact_name, signed.customer_name) == ("张三", "张三")  # what was signed stays signed


def test_update_customer_renames_the_record_for_future_tickets_but_not_earlier_ones(reception, engineer):
    first = register(reception, "张三")
    signed = signed_work_order(first, reception, engineer)

    second = register(reception, "张叁", NamePolicy.UPDATE_CUSTOMER)  # the name was misspelt all along
    later = register(reception, "张叁")

    assert Customer.objects.get().name == "张叁"
    assert [t.contact_name for t in Ticket.objects.order_by("id")] == ["张三", "张叁", "张叁"]
    assert second.contact_name == later.contact_name == "张叁"
    signed.refresh_from_db()
    assert (signed.contact_name, signed.customer_name) == ("张三", "张三")


def test_the_name_policy_adds_no_query_to_create(reception, django_assert_max_num_queries):
    register(reception, "张三")  # warm-up: the SLA and 三包 caches each process loads once
    for name, policy in (("李四", None), ("张叁", NamePolicy.UPDATE_CUSTOMER)):
        # Under the test transaction the service's atomic() is a SAVEPOINT and its RELEASE: counted as BEGIN/COMMIT.
        with django_assert_max_num_queries(CREATE_MAX_QUERIES):
            register(reception, name, policy)


def test_the_ticket_page_shows_the_contact_it_was_registered_with(reception, reception_client):
    first = register(reception, "张三")
    register(reception, "张叁", NamePolicy.UPDATE_CUSTOMER)

    html = reception_client.get(reverse("tickets:detail", args=[first.number])).content.decode()
    assert 'data-testid="contact-name">张三<' in html
    assert "张叁" in html  # named as the customer record's current name, beside the ticket's own contact
    listing = reception_client.get(reverse("tickets:list")).content.decode()
    assert listing.count("张三") == 1 and listing.count("张叁") == 1


# ---- the API ----

def test_api_takes_the_name_policy_and_answers_the_tickets_own_contact(reception_api):
    url = reverse("api:ticket-list")
    first = reception_api.post(url, intake_payload(customer={"name": "张三"}), format="json").json()
    second = reception_api.post(url, intake_payload(customer={"name": "李四"}), format="json").json()
    assert second["customer"] == {"name": "李四", "phone": PHONE}
    assert Customer.objects.get().name == "张三"

    third = reception_api.post(url, intake_payload(customer={"name": "张叁", "name_policy": "update_customer"}),
                               format="json")
    assert third.status_code == 201 and third.json()["customer"]["name"] == "张叁"
    assert Customer.objects.get().name == "张叁"
    again = reception_api.get(reverse("api:ticket-detail", args=[first["number"]])).json()
    assert again["customer"] == {"name": "张三", "phone": PHONE}  # the schema is the same; the value is history
    listed = {t["number"]: t["customer"]["name"] for t in reception_api.get(url).json()["results"]}
    assert listed == {first["number"]: "张三", second["number"]: "李四", third.json()["number"]: "张叁"}


def test_api_refuses_an_unknown_name_policy_and_registers_nothing(reception_api):
    response = reception_api.post(reverse("api:ticket-list"),
                                  intake_payload(customer={"name": "李四", "name_policy": "rename"}), format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["customer.name_policy"]
    assert not Ticket.objects.exists()


# ---- editing the contact on one ticket (tickets/editing.py) ----

def test_editing_the_contact_writes_the_ticket_not_the_customer(reception):
    first = register(reception, "张三")
    second = register(reception, "张三")

    edited = ticket_edit(ticket=second, actor=reception, expected_version=second.version,
                         changes={"contact_name": "王五", "contact_phone": "+8613900139000"})

    assert (edited.contact_name, edited.contact_phone) == ("王五", "+8613900139000")
    assert Customer.objects.get().name == "张三"
    first.refresh_from_db()
    assert (first.contact_name, first.contact_phone) == ("张三", PHONE)


def test_editing_stores_the_records_own_name_as_typed_and_refuses_a_blank_one(reception):
    ticket = register(reception, "李四")  # another person on 张三's phone
    Customer.objects.update(name="张三")
    ticket.customer.name = "张三"
    ticket = ticket_edit(ticket=ticket, actor=reception, expected_version=ticket.version,
                         changes={"contact_name": "张三"})
    Customer.objects.update(name="张叁")  # the record renamed later
    ticket.refresh_from_db()
    assert ticket.contact_name_shown == "张三"  # stored, not "blank = whatever the record says"

    with pytest.raises(ApplicationError) as refused:
        ticket_edit(ticket=ticket, actor=reception, expected_version=ticket.version, changes={"contact_name": " "})
    assert refused.value.field == "contact_name"
    ticket.refresh_from_db()
    assert ticket.contact_name == "张三"


# ---- merging two records ----

def test_merge_moves_tickets_and_devices_and_keeps_each_tickets_contact(reception, manager, engineer):
    old = register(reception, "张三")
    signed = signed_work_order(old, reception, engineer)
    new = register(reception, "张三丰", phone="13900139000", device={"imei": "356938035643809"})
    legacy = TicketFactory(customer=new.customer, contact_name="", contact_phone="")  # before contacts were stored
    survivor, merged = old.customer, new.customer

    result = customer_merge(survivor=survivor, merged=merged, actor=manager)

    assert result.moved["tickets.ticket"] == 2 and result.moved["tickets.device"] == 2
    assert not Customer.objects.filter(pk=merged.pk).exists()
    assert set(Ticket.objects.values_list("customer_id", flat=True)) == {survivor.pk}
    assert set(Device.objects.values_list("customer_id", flat=True)) == {survivor.pk}
    contacts = {t.pk: (t.contact_name, t.contact_phone) for t in Ticket.objects.all()}
    assert contacts[old.pk] == ("张三", PHONE)
    assert contacts[new.pk] == ("张三丰", "+8613900139000")
    assert contacts[legacy.pk] == ("张三丰", "+8613900139000")  # the merged record's, not the survivor's
    signed.refresh_from_db()
    assert (signed.contact_name, signed.customer_name) == ("张三", "张三")


def test_merge_refuses_one_record_into_itself_and_non_managers(reception, manager):
    ticket = register(reception, "张三")
    with pytest.raises(ApplicationError) as same:
        customer_merge(survivor=ticket.customer, merged=ticket.customer, actor=manager)
    assert same.value.code == "merge_same"
    other = CustomerFactory()
    with pytest.raises(ApplicationError) as role:
        customer_merge(survivor=ticket.customer, merged=other, actor=reception)
    assert role.value.status == 403
    assert Customer.objects.count() == 2


# ---- the data migration ----

def test_the_backfill_fills_blank_contacts_from_the_customer_in_one_statement(django_assert_num_queries):
    blank = TicketFactory(contact_name="", contact_phone="", customer__name="赵六", customer__phone="+8613700137000")
    corrected = TicketFactory(contact_name="钱七", contact_phone="", customer__phone="+8613600136000")
    migration = importlib.import_module("tickets.migrations.0008_ticket_contact_backfill")

    with connection.schema_editor() as editor, django_assert_num_queries(1):
        migration.backfill(None, editor)

    blank.refresh_from_db()
    corrected.refresh_from_db()
    assert (blank.contact_name, blank.contact_phone) == ("赵六", "+8613700137000")
    assert (corrected.contact_name, corrected.contact_phone) == ("钱七", "+8613600136000")
