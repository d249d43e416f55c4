"""Merging duplicates (issue 14, part 3): service, page and API, with the partner rules and the refusals."""
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone, translation

from attachments.models import Attachment
from callbacks.choices import CallbackOutcome, CallbackState
from callbacks.models import Callback
from core.errors import ApplicationError
from fieldservice.choices import WorkOrderStatus
from sla.choices import ClockState
from sla.models import SlaClock
from tests.factories import CustomerFactory, DeviceFactory, TicketFactory
from tests.fieldservice.helpers import schedule
from tests.partners.conftest import key_client, make_partner
from tests.tickets.test_services import intake
from partners.services import api_key_create
from partners.models import ApiScope
from tickets import services
from tickets.choices import Status
from tickets.merging import merge_candidates, ticket_merge
from tickets.models import Customer, Ticket, TicketEvent
from webhooks.choices import WebhookEvent
from webhooks.models import WebhookDelivery
from webhooks.services import webhook_endpoint_create

pytestmark = pytest.mark.django_db
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 64


def register(reception, phone="13800138000", imei="490154203237518", **extra):
    kwargs = intake(customer={"name": "张三", "phone": phone})
    kwargs["device"]["imei"] = imei
    return services.ticket_create(created_by=reception, **kwargs, **extra)


def snapshot(*tickets):
    """What a refusal must leave untouched: status, version, merged_into and the timeline length of each."""
    return [(t.status, t.version, t.merged_into_id, t.events.count())
            for t in Ticket.objects.filter(pk__in=[t.pk for t in tickets]).order_by("pk")]


@pytest.fixture
def pair(reception):
    """Two open tickets of the same customer (the same phone called twice about the same phone)."""
    return register(reception), register(reception)


# --- the service ---------------------------------------------------------------------------------------------

def test_merge_stops_the_duplicate_and_records_it_on_both_timelines(pair, reception):
    duplicate, survivor = pair
    assert SlaClock.objects.filter(ticket=duplicate).exclude(state=ClockState.CANCELLED).exists()
    survivor_version = survivor.version

    ticket_merge(ticket=duplicate, into=survivor, actor=reception, note="重复来电")

    duplicate.refresh_from_db()
    survivor.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (Status.MERGED, survivor)
    assert survivor.status == Status.REGISTERED and survivor.version == survivor_version + 1
    merge = TicketEvent.objects.get(ticket=duplicate, action="merge")
    assert (merge.to_status, merge.data, merge.note) == (Status.MERGED, {"into": survivor.number}, "重复来电")
    merged_in = TicketEvent.objects.get(ticket=survivor, action="merge_in")
    assert merged_in.data == {"merged": duplicate.number} and merged_in.at == survivor.updated_at
    # The duplicate's clocks are cancelled like a cancelled ticket's (neither met nor breached); the survivor's run.
    assert set(SlaClock.objects.filter(ticket=duplicate).values_list("state", flat=True)) <= {ClockState.CANCELLED}
    assert SlaClock.objects.filter(ticket=survivor, state=ClockState.RUNNING).exists()


def test_open_callbacks_and_visits_of_the_duplicate_are_cancelled(reception, manager, engineer):
    duplicate, survivor = register(reception), register(reception)
    Customer.objects.filter(pk=duplicate.customer_id).update(address="上海市浦东新区世纪大道 100 号")  # a visit needs it
    duplicate = Ticket.objects.get(pk=duplicate.pk)
    for step, changes in (("preprocess", None), ("dispatch", {"engineer": engineer})):
        duplicate = services.ticket_transition(ticket=duplicate, action=step, actor=manager, changes=changes)
    work_order = schedule(duplicate, engineer)
    duplicate = services.ticket_transition(ticket=Ticket.objects.get(pk=duplicate.pk), action="solve", actor=manager)
    Callback.objects.filter(ticket=duplicate).exists() or pytest.fail("solving should have scheduled a callback")

    ticket_merge(ticket=Ticket.objects.get(pk=duplicate.pk), into=survivor, actor=reception)

    callback = Callback.objects.get(ticket=duplicate)
    assert (callback.state, callback.outcome) == (CallbackState.CLOSED, CallbackOutcome.TICKET_CANCELLED)
    work_order.refresh_from_db()
    assert work_order.status == WorkOrderStatus.CANCELLED


@pytest.mark.parametrize("case", ["itself", "other-customer-and-device", "closed-target", "closed-source",
                                  "already-merged", "other-partner"])
def test_refusals_say_why_in_both_languages_and_change_nothing(case, reception):
    a, b = register(reception), register(reception)
    if case == "itself":
        b = a
    elif case == "other-customer-and-device":
        b = register(reception, phone="13900139000", imei="356938035643809")
    elif case == "closed-target":
        Ticket.objects.filter(pk=b.pk).update(status=Status.CLOSED)
    elif case == "closed-source":
        Ticket.objects.filter(pk=a.pk).update(status=Status.CANCELLED)
    elif case == "already-merged":
        ticket_merge(ticket=a, into=b, actor=reception)
        b = register(reception)
    elif case == "other-partner":
        Ticket.objects.filter(pk=b.pk).update(partner=make_partner("courier-x"))
    a, b = Ticket.objects.get(pk=a.pk), Ticket.objects.get(pk=b.pk)
    before = snapshot(a, b)
    messages = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            with pytest.raises(ApplicationError) as refused:
                ticket_merge(ticket=a, into=b, actor=reception)
            messages[language] = str(refused.value.message)
    assert snapshot(a, b) == before
    expected = {"itself": "cannot be merged into itself", "other-customer-and-device": "neither the same customer",
                "closed-target": "merge into an open ticket", "closed-source": "nothing to merge",
                "already-merged": "nothing to merge", "other-partner": "belongs to another partner"}[case]
    assert expected in messages["en"]
    assert messages["zh-hans"] != messages["en"] and not messages["zh-hans"].isascii()


def test_the_same_device_under_another_phone_may_be_merged(reception):
    first = register(reception, phone="13800138000", imei="490154203237518")
    second = register(reception, phone="13900139000", imei="490154203237518")  # the customer's other phone
    assert first.customer_id != second.customer_id
    assert [t.pk for t in merge_candidates(user=reception, ticket=second)] == [first.pk]
    ticket_merge(ticket=second, into=first, actor=reception)
    assert Ticket.objects.get(pk=second.pk).merged_into_id == first.pk


def test_candidates_are_open_same_case_and_same_partner_only(reception):
    customer = CustomerFactory()
    device = DeviceFactory(customer=customer)
    ticket = TicketFactory(customer=customer, device=device)
    same_customer = TicketFactory(customer=customer, device=None)
    same_device = TicketFactory(customer=customer, device=device, status=Status.DISPATCHED)
    TicketFactory(customer=customer, device=device, status=Status.CLOSED)
    TicketFactory(customer=customer, device=device, partner=make_partner("courier-y"))
    TicketFactory()  # another customer, another device
    found = {t.pk for t in merge_candidates(user=reception, ticket=ticket)}
    assert found == {same_customer.pk, same_device.pk}


# --- the page ------------------------------------------------------------------------------------------------

def test_page_merge_redirects_and_the_survivor_shows_both_histories_and_files(pair, reception, reception_client):
    duplicate, survivor = pair
    services.ticket_add_note(ticket=duplicate, actor=reception, note="客户说屏幕有裂纹")
    for ticket, name in ((duplicate, "dup.jpg"), (survivor, "keep.jpg")):
        Attachment.objects.create(ticket=ticket, file=ContentFile(JPEG, name=name), content_type="image/jpeg",
                                  size=len(JPEG), sha256="0" * 64, original_name=name, uploaded_by=reception,
                                  uploaded_at=timezone.now())
    panel = reception_client.get(reverse("tickets:merge", args=[duplicate.number]), HTTP_HX_REQUEST="true")
    assert panel.status_code == 200 and f'value="{survivor.number}"' in panel.content.decode()

    response = reception_client.post(reverse("tickets:merge", args=[duplicate.number]),
                                     {"into": survivor.number, "note": "重复"})

    assert response.status_code == 302 and response["Location"] == reverse("tickets:detail", args=[survivor.number])
    old = reception_client.get(reverse("tickets:detail", args=[duplicate.number]), HTTP_ACCEPT_LANGUAGE="en")
    assert old.status_code == 302 and old["Location"] == reverse("tickets:detail", args=[survivor.number])
    page = reception_client.get(old["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"{duplicate.number} was merged into {survivor.number}" in page
    assert "客户说屏幕有裂纹" in page  # the duplicate's own history, on the survivor's page
    assert page.count(f'data-testid="event-of-merged">{duplicate.number}<') == 3  # register, note, merge
    assert "dup.jpg" in page and "keep.jpg" in page
    assert reverse("attachments:download", args=[duplicate.number, Attachment.objects.get(
        original_name="dup.jpg").pk]) in page


def test_page_refusal_is_a_fragment_with_the_reason_and_nothing_changes(reception, reception_client):
    a, b = register(reception), register(reception, phone="13900139000", imei="356938035643809")
    before = snapshot(a, b)
    response = reception_client.post(reverse("tickets:merge", args=[a.number]), {"into": b.number},
                                     HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and 'data-testid="error-into"' in html and "neither the same customer" in html
    assert snapshot(a, b) == before


def test_engineers_get_no_merge_page(pair, engineer_client):
    duplicate, survivor = pair
    response = engineer_client.post(reverse("tickets:merge", args=[duplicate.number]), {"into": survivor.number})
    assert response.status_code == 403 and Ticket.objects.get(pk=duplicate.pk).status == Status.REGISTERED


# --- the API -------------------------------------------------------------------------------------------------

def test_api_merge_and_the_merged_number_still_answers(pair, reception_api):
    duplicate, survivor = pair
    response = reception_api.post(reverse("api:ticket-merge", args=[duplicate.number]), {"into": survivor.number},
                                  format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["merged_into"]) == ("merged", survivor.number)
    again = reception_api.get(reverse("api:ticket-detail", args=[duplicate.number]))
    assert again.status_code == 200 and again.json()["merged_into"] == survivor.number
    assert reception_api.get(reverse("api:ticket-detail", args=[survivor.number])).json()["merged_into"] is None


def test_api_refusal_is_problem_json_and_changes_nothing(reception, reception_api):
    a, b = register(reception), register(reception, phone="13900139000", imei="356938035643809")
    before = snapshot(a, b)
    response = reception_api.post(reverse("api:ticket-merge", args=[a.number]), {"into": b.number}, format="json",
                                  HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "urn:servicedesk:merge_unrelated"
    assert b.number in response.json()["errors"]["into"][0]
    assert snapshot(a, b) == before


def _partner_api(code):
    partner = make_partner(code)
    return partner, key_client(api_key_create(partner=partner, name=code, scopes=list(ApiScope.values))[1])


def test_partner_merges_its_own_and_never_another_partners(reception):
    partner_a, api_a = _partner_api("courier-a")
    partner_b, _api_b = _partner_api("maker-b")
    webhook_endpoint_create(partner=partner_a, url="https://hooks.example.com/a", events=[WebhookEvent.TICKET_MERGED])
    own_1, own_2 = (register(reception, partner=partner_a) for _ in range(2))
    theirs = register(reception, partner=partner_b)
    before = snapshot(own_1, own_2, theirs)

    into_theirs = api_a.post(reverse("api:ticket-merge", args=[own_1.number]), {"into": theirs.number}, format="json")
    from_theirs = api_a.post(reverse("api:ticket-merge", args=[theirs.number]), {"into": own_1.number}, format="json")
    assert (into_theirs.status_code, from_theirs.status_code) == (404, 404)
    assert snapshot(own_1, own_2, theirs) == before

    done = api_a.post(reverse("api:ticket-merge", args=[own_1.number]), {"into": own_2.number}, format="json")
    assert done.status_code == 200 and done.json()["merged_into"] == own_2.number
    delivery = WebhookDelivery.objects.get(event=WebhookEvent.TICKET_MERGED)
    assert delivery.ticket_id == own_1.pk
    assert (delivery.payload["data"]["merged_into"], delivery.payload["data"]["action"]) == (own_2.number, "merge")


def test_desk_cannot_merge_one_partners_ticket_into_anothers(reception, reception_api):
    partner_a, _ = _partner_api("courier-a")
    desk_ticket, partner_ticket = register(reception), register(reception, partner=partner_a)
    response = reception_api.post(reverse("api:ticket-merge", args=[partner_ticket.number]),
                                  {"into": desk_ticket.number}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and response.json()["type"] == "urn:servicedesk:merge_across_partners"
    assert Ticket.objects.get(pk=partner_ticket.pk).status == Status.REGISTERED
