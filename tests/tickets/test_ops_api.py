"""Issue 14 parts 1–2 over the API: PATCH with If-Match, POST …/cancel/ and …/reopen/, with the role and
partner rules; every refusal is problem+json in the caller's language and changes nothing."""
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.callbacks.conftest import intake, walk  # noqa: F401
from tests.factories import TicketFactory
from tests.partners.conftest import api_a, key_a, partner_a, partner_b, ticket_of  # noqa: F401
from tests.webhooks.conftest import endpoint_for
from tickets import services
from tickets.choices import Status
from tickets.models import Customer, Ticket, TicketEvent
from webhooks.models import WebhookDelivery

pytestmark = pytest.mark.django_db


def _state(ticket):
    row = Ticket.objects.get(pk=ticket.pk)
    return row.status, row.version, row.kind, row.priority, TicketEvent.objects.filter(ticket=ticket).count()


def _close(ticket, reception):
    ticket = services.ticket_transition(ticket=ticket, action="callback_ok", actor=reception)
    return services.ticket_transition(ticket=ticket, action="close", actor=reception)


# ---- PATCH --------------------------------------------------------------------------------------------

def test_patch_edits_contact_device_and_kind_with_the_etag(reception_api, reception):
    ticket = services.ticket_create(created_by=reception, **intake())
    url = f"/api/v1/tickets/{ticket.number}/"
    etag = reception_api.get(url)["ETag"]

    response = reception_api.patch(url, {"kind": "return_exchange", "contact": {"name": "李四", "phone": "13900139000"},
                                         "device": {"brand": "荣耀"}}, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["kind"], body["contact"], body["device"]["brand"]) == (
        "return_exchange", {"name": "李四", "phone": "+8613900139000"}, "荣耀")
    assert Customer.objects.get(pk=ticket.customer_id).name == "张三"  # the customer record is not renamed
    assert response["ETag"] == f'"{Ticket.objects.get(pk=ticket.pk).version}"'
    changes = TicketEvent.objects.get(ticket=ticket, action="update").data["changes"]
    assert changes["kind"] == ["repair", "return_exchange"] and changes["device.brand"] == ["华为", "荣耀"]


def test_patch_refuses_a_stale_etag_and_bad_values_in_the_callers_language(reception_api, reception):
    ticket = services.ticket_create(created_by=reception, **intake())
    url = f"/api/v1/tickets/{ticket.number}/"
    before = _state(ticket)

    stale = reception_api.patch(url, {"priority": "high"}, format="json", HTTP_IF_MATCH='"999"')
    bad = reception_api.patch(url, {"kind": "teleport"}, format="json", HTTP_IF_MATCH=f'"{ticket.version}"',
                              HTTP_ACCEPT_LANGUAGE="zh-hans")
    dates = reception_api.patch(url, {"device": {"purchase_date": str(timezone.localdate()),
                                                 "factory_date": str(timezone.localdate())},
                                      "priority": "high"}, format="json", HTTP_IF_MATCH=f'"{ticket.version}"')
    future = reception_api.patch(url, {"device": {"invoice_date": str(timezone.localdate() + timedelta(days=9))}},
                                 format="json", HTTP_IF_MATCH=f'"{ticket.version}"')

    assert stale.status_code == 412
    assert bad.status_code == 400 and "kind" in bad.json()["errors"]
    assert bad.json()["title"] != "Some fields are invalid."  # in Chinese
    assert dates.status_code == 400 and "device.purchase_date" in dates.json()["errors"]
    assert future.status_code == 400 and "device.invoice_date" in future.json()["errors"]
    assert _state(ticket) == before


def test_a_partner_edits_its_own_ticket_but_not_its_channel(api_a, partner_a, partner_b, ticket_of):
    mine, theirs = ticket_of(partner_a, channel="partner_api"), ticket_of(partner_b, channel="partner_api")

    ok = api_a.patch(f"/api/v1/tickets/{mine.number}/", {"priority": "high"}, format="json",
                     HTTP_IF_MATCH=f'"{mine.version}"')
    channel = api_a.patch(f"/api/v1/tickets/{mine.number}/", {"channel": "phone"}, format="json",
                          HTTP_IF_MATCH=f'"{mine.version + 1}"')
    other = api_a.patch(f"/api/v1/tickets/{theirs.number}/", {"priority": "high"}, format="json",
                        HTTP_IF_MATCH=f'"{theirs.version}"')

    assert ok.status_code == 200
    assert channel.status_code == 400 and "channel" in channel.json()["errors"]
    assert other.status_code == 404
    assert Ticket.objects.get(pk=theirs.pk).priority == "normal"


# ---- cancel -------------------------------------------------------------------------------------------

def test_cancel_with_a_reason_and_the_partner_hears_of_it(api_a, partner_a, ticket_of):
    ticket = ticket_of(partner_a, channel="partner_api", status=Status.PREPROCESSED)
    endpoint_for(partner_a, "https://partner.example.com/hooks/", events=["ticket.cancelled"])

    response = api_a.post(f"/api/v1/tickets/{ticket.number}/cancel/", {"reason": "withdrawn", "note": "客户撤回"},
                          format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "cancelled"
    event = TicketEvent.objects.get(ticket=ticket, action="cancel")
    assert (event.data["reason"], event.note) == ("withdrawn", "客户撤回")
    delivery = WebhookDelivery.objects.get(ticket=ticket, event="ticket.cancelled")
    assert (delivery.payload["data"]["reason"], delivery.payload["data"]["to_status"]) == ("withdrawn", "cancelled")


def test_cancel_refusals_change_nothing(api_a, partner_a, partner_b, ticket_of, reception_api, engineer_api, engineer):
    theirs = ticket_of(partner_b)
    mine = ticket_of(partner_a)
    dispatched = TicketFactory(status=Status.DISPATCHED, engineer=engineer)
    done = TicketFactory(status=Status.CLOSED, closed_at=timezone.now())
    snapshots = {t.pk: _state(t) for t in (theirs, mine, dispatched, done)}

    assert api_a.post(f"/api/v1/tickets/{theirs.number}/cancel/", {"reason": "duplicate"}).status_code == 404
    no_reason = api_a.post(f"/api/v1/tickets/{mine.number}/cancel/", {"note": "x"}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    other = reception_api.post(f"/api/v1/tickets/{mine.number}/cancel/", {"reason": "other"}, format="json")
    assert other.status_code == 400 and "note" in other.json()["errors"]
    assert engineer_api.post(f"/api/v1/tickets/{dispatched.number}/cancel/", {"reason": "mistake"}).status_code == 403
    closed = reception_api.post(f"/api/v1/tickets/{done.number}/cancel/", {"reason": "mistake"}, format="json")
    assert closed.status_code == 409
    assert {t.pk: _state(t) for t in (theirs, mine, dispatched, done)} == snapshots


# ---- reopen -------------------------------------------------------------------------------------------

def test_reopen_by_the_desk_back_to_the_last_engineer(walk, reception, reception_api, engineer):
    ticket = _close(walk(), reception)
    response = reception_api.post(f"/api/v1/tickets/{ticket.number}/reopen/", {"reason": "客户反馈复发"},
                                  format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["engineer"]) == ("dispatched", engineer.username)


def test_reopen_refusals_change_nothing(walk, reception, reception_api, api_a, partner_a, ticket_of):
    ticket = _close(walk(), reception)
    partners = ticket_of(partner_a, status=Status.CLOSED, closed_at=timezone.now())
    before, before_partner = _state(ticket), _state(partners)

    assert api_a.post(f"/api/v1/tickets/{partners.number}/reopen/", {"reason": "x"}).status_code == 403
    empty = reception_api.post(f"/api/v1/tickets/{ticket.number}/reopen/", {"reason": ""}, format="json")
    unknown = reception_api.post(f"/api/v1/tickets/{ticket.number}/reopen/", {"reason": "x", "engineer": "nobody"},
                                 format="json")
    assert (empty.status_code, unknown.status_code) == (400, 400)
    assert "engineer" in unknown.json()["errors"]
    assert (_state(ticket), _state(partners)) == (before, before_partner)
