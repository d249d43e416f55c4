"""Issue 13 §6: strong ETags, unknown or read-only fields refused by name, empty enum filters refused."""
import pytest
from django.urls import reverse

from tests.factories import TicketFactory
from tickets.choices import Priority, Status


@pytest.fixture
def ticket(reception):
    return TicketFactory(created_by=reception)


def patch(api, ticket, body, if_match=None):
    return api.patch(reverse("api:ticket-detail", args=[ticket.number]), body, format="json",
                     HTTP_IF_MATCH=if_match or f'"{ticket.version}"', HTTP_ACCEPT_LANGUAGE="en")


def test_a_weak_etag_does_not_match(reception_api, ticket):
    response = patch(reception_api, ticket, {"priority": Priority.HIGH}, if_match=f'W/"{ticket.version}"')
    assert response.status_code == 412
    ticket.refresh_from_db()
    assert ticket.priority == Priority.NORMAL


def test_patching_a_read_only_field_is_a_400_naming_it(reception_api, ticket):
    response = patch(reception_api, ticket, {"status": Status.CLOSED})
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == {"status": ["This field cannot be changed."]}
    ticket.refresh_from_db()
    assert ticket.status != Status.CLOSED


def test_patching_an_unknown_field_is_a_400_and_nothing_changes(reception_api, ticket):
    response = patch(reception_api, ticket, {"priority": Priority.HIGH, "colour": "red", "number": "X"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"colour": ["Unknown field."], "number": ["This field cannot be changed."]}
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.version) == (Priority.NORMAL, 1)


def test_a_valid_patch_still_works(reception_api, ticket):
    assert patch(reception_api, ticket, {"priority": Priority.HIGH}).status_code == 200


@pytest.mark.parametrize("query", ["status=", "status=solved,", "kind=", "priority=", "status=nonsense",
                                   "ordering=", "created_to="])
def test_empty_or_unknown_ticket_filters_are_400(reception_api, query):
    response = reception_api.get(f"{reverse('api:ticket-list')}?{query}")
    assert response.status_code == 400, query
    assert list(response.json()["errors"]) == [query.split("=")[0]]


def test_known_ticket_filters_still_work(reception_api, ticket):
    response = reception_api.get(reverse("api:ticket-list"), {"status": "registered,solved"})
    assert response.status_code == 200


@pytest.fixture
def partner_api(db):
    from rest_framework.test import APIClient

    from tests.webhooks.conftest import make_partner

    client = APIClient()
    client.force_authenticate(make_partner("shop-s").account)
    return client


@pytest.mark.parametrize("query", ["event=", "state=", "event=ticket.nothing", "endpoint=", "ticket="])
def test_empty_or_unknown_webhook_delivery_filters_are_400(partner_api, query):
    response = partner_api.get(f"{reverse('api:webhook-delivery-list')}?{query}")
    assert response.status_code == 400, query
    assert list(response.json()["errors"]) == [query.split("=")[0]]


def test_webhook_delivery_filters_with_values_still_work(partner_api):
    response = partner_api.get(reverse("api:webhook-delivery-list"), {"event": "ticket.closed", "state": "failed"})
    assert response.status_code == 200 and response.json()["results"] == []


def test_webhook_endpoint_patch_refuses_read_only_fields(partner_api):
    from webhooks import services
    from partners.models import Partner

    endpoint = services.webhook_endpoint_create(partner=Partner.objects.get(code="shop-s"),
                                                url="https://hooks.example.com/a", events=["ticket.closed"])
    response = partner_api.patch(reverse("api:webhook-endpoint-detail", args=[endpoint.pk]),
                                 {"secret": "whsec_mine"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["errors"] == {"secret": ["This field cannot be changed."]}
