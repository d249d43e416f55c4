"""History-safe customers on the pages (issue 14, part 5): the caller lookup's choice, the new-ticket form's
name policy, the customer page, the admin merge, and the places outside tickets that show a ticket's contact
(callback card, progress page)."""
import pytest
from django.urls import reverse
from django.utils import translation

from callbacks.models import Callback
from tests.callbacks.conftest import solved, walk  # noqa: F401  (tickets walked along the SOP)
from tests.progress.conftest import client_ip  # noqa: F401
from tickets import services
from tickets.customers import NamePolicy, customer_merge
from tickets.models import Customer, Device, Ticket

from .test_intake_validation import form_data
from .test_services import intake

pytestmark = pytest.mark.django_db
PHONE = "+8613800138000"


def register(reception, name: str, policy: str | None = None, phone: str = PHONE, **overrides) -> Ticket:
    customer = {"name": name, "phone": phone, **({"name_policy": policy} if policy else {})}
    return services.ticket_create(created_by=reception, **intake(customer=customer, **overrides))


# ---- the new-ticket page ----

def test_the_lookup_shows_the_stored_name_and_the_choice_defaulting_to_this_ticket_only(reception, reception_client):
    register(reception, "张三")
    url = reverse("tickets:customer-lookup")

    differs = reception_client.get(url, {"phone": "138 0013 8000", "name": "李四"}).content.decode()
    assert 'data-testid="stored-name">张三<' in differs
    choice = differs[differs.index('data-testid="name-choice"'):]
    assert choice.split(">", 1)[0].strip().endswith('"name-choice"')  # not hidden: the names differ
    assert 'value="ticket_only" checked' in choice and 'value="update_customer">' in choice

    same = reception_client.get(url, {"phone": "13800138000", "name": "张三"}).content.decode()
    assert 'data-testid="name-choice" hidden' in same  # nothing to choose while the names agree
    kept = reception_client.get(url, {"phone": "13800138000", "name": "李四", "name_policy": "update_customer"})
    assert 'value="update_customer" checked' in kept.content.decode()  # a choice posted back stays chosen


def test_the_form_registers_another_person_for_this_ticket_only_unless_told_to_update(reception, reception_client):
    first = register(reception, "张三")

    reception_client.post(reverse("tickets:new"), form_data(name="李四"))  # the radios default / not sent
    assert Customer.objects.get().name == "张三"
    reception_client.post(reverse("tickets:new"), form_data(name="张叁", name_policy="update_customer"))
    assert Customer.objects.get().name == "张叁"

    assert list(Ticket.objects.order_by("id").values_list("contact_name", flat=True)) == ["张三", "李四", "张叁"]
    page = reception_client.get(reverse("tickets:detail", args=[first.number])).content.decode()
    assert 'data-testid="contact-name">张三<' in page


def test_the_form_refuses_an_unknown_name_policy(reception_client):
    response = reception_client.post(reverse("tickets:new"), form_data(name_policy="rename"))
    assert response.status_code == 400 and not Ticket.objects.exists()


# ---- the customer page ----

def test_the_customer_page_lists_tickets_with_their_own_contact_and_devices(reception, reception_client):
    first = register(reception, "张三")
    second = register(reception, "李四", device={"imei": "356938035643809"})
    other = register(reception, "王五", phone="+8613900139000")
    register(reception, "张叁", NamePolicy.UPDATE_CUSTOMER)

    html = reception_client.get(reverse("tickets:customer", args=[first.customer_id])).content.decode()

    assert 'data-testid="customer-name">张叁<' in html
    tickets = html[html.index('data-testid="customer-tickets"'):html.index('data-testid="customer-devices"')]
    assert first.number in tickets and second.number in tickets and other.number not in tickets
    assert "张三" in tickets and "李四" in tickets and "王五" not in tickets
    devices = html[html.index('data-testid="customer-devices"'):]
    assert "490154203237518" in devices and "356938035643809" in devices
    detail = reception_client.get(reverse("tickets:detail", args=[first.number])).content.decode()
    assert reverse("tickets:customer", args=[first.customer_id]) in detail


def test_the_customer_page_is_for_the_desk(reception, engineer_client):
    ticket = register(reception, "张三")
    assert engineer_client.get(reverse("tickets:customer", args=[ticket.customer_id])).status_code == 403


def test_an_unknown_customer_is_a_404(reception_client):
    assert reception_client.get(reverse("tickets:customer", args=[999999])).status_code == 404


# ---- the admin merge ----

def test_admin_merges_two_records_into_the_chosen_one(reception, admin_client):
    old = register(reception, "张三")
    new = register(reception, "张三丰", phone="+8613900139000", device={"imei": "356938035643809"})
    url = reverse("admin:tickets_customer_changelist")
    pair = {"action": "merge_customers", "_selected_action": [old.customer_id, new.customer_id]}

    confirm = admin_client.post(url, pair)
    assert confirm.status_code == 200 and 'name="survivor"' in confirm.content.decode()
    assert Customer.objects.count() == 2  # the first POST only asks

    done = admin_client.post(url, {**pair, "survivor": new.customer_id}, follow=True)

    assert done.status_code == 200
    assert list(Customer.objects.values_list("pk", flat=True)) == [new.customer_id]
    assert set(Device.objects.values_list("customer_id", flat=True)) == {new.customer_id}
    contacts = dict(Ticket.objects.values_list("number", "contact_name"))
    assert contacts == {old.number: "张三", new.number: "张三丰"}


def test_admin_merge_wants_exactly_two(reception, admin_client):
    ticket = register(reception, "张三")
    response = admin_client.post(reverse("admin:tickets_customer_changelist"),
                                 {"action": "merge_customers", "_selected_action": [ticket.customer_id]}, follow=True)
    assert response.status_code == 200 and Customer.objects.count() == 1


# ---- outside tickets: callback cards, the progress page ----

def test_a_callback_card_calls_the_contact_of_its_ticket(solved, reception, reception_client):  # noqa: F811
    ticket, callback = solved
    register(reception, "张叁", NamePolicy.UPDATE_CUSTOMER)  # the record renamed after the ticket
    html = reception_client.get(reverse("callbacks:desk")).content.decode()
    assert "张三" in html and "张叁" not in html
    assert Callback.objects.get(pk=callback.pk).contact_name == "张三"


def test_the_progress_page_finds_a_ticket_by_the_phone_it_was_registered_with_after_a_merge(
        client, client_ip, walk, reception, manager):  # noqa: F811
    ticket = walk(phone="+8613900139000", solve=False)
    keeper = register(reception, "张三").customer
    customer_merge(survivor=keeper, merged=ticket.customer, actor=manager)

    with translation.override("en"):
        for phone in ("13900139000", "13800138000"):  # the number on the ticket, and the record's today
            page = client.post(reverse("progress:lookup"), {"number": ticket.number, "phone": phone},
                               REMOTE_ADDR=client_ip, HTTP_ACCEPT_LANGUAGE="en").content.decode()
            assert 'data-testid="progress"' in page
