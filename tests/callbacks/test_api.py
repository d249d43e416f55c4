"""/api/v1/callbacks/: the desk's list and outcomes over REST, same permissions as the pages."""
import pytest
from django.urls import reverse

from callbacks.models import Callback
from tickets.choices import Status
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _attempts(callback):
    return reverse("api:callback-attempts", args=[callback.pk])


def test_due_list_in_due_order(walk, reception_api):
    first, second = walk(phone="+8613800138001"), walk(phone="+8613800138002")
    body = reception_api.get(reverse("api:callback-list")).json()
    assert [row["ticket"] for row in body["results"]] == [first.number, second.number]
    assert body["results"][0]["state"] == "due" and body["results"][0]["customer_phone"] == "+8613800138001"


def test_record_fixed_closes_the_ticket(solved, reception_api):
    ticket, callback = solved
    response = reception_api.post(_attempts(callback), {"reached": True, "outcome": "fixed", "score_attitude": 5,
                                                        "score_quality": 4, "score_price": 4}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["state"], body["outcome"], body["score_attitude"], len(body["attempt_log"])) == ("done", "fixed", 5, 1)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED
    assert [a["outcome"] for a in reception_api.get(_attempts(callback)).json()] == ["fixed"]


def test_satisfaction_out_of_range_is_a_400_problem(solved, reception_api):
    _ticket, callback = solved
    response = reception_api.post(_attempts(callback), {"reached": True, "outcome": "fixed", "score_price": 6},
                                  format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["score_price"]
    assert Callback.objects.get(pk=callback.pk).attempts == 0


def test_a_rule_refusal_from_the_service_is_a_400_with_the_field(solved, reception_api):
    _ticket, callback = solved
    response = reception_api.post(_attempts(callback), {"reached": True, "outcome": "not_fixed"}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["comments"]


def test_an_outcome_on_a_ticket_with_no_solution_is_a_409(walk, reception_api):
    ticket = walk(solve=False)
    response = reception_api.post(reverse("api:ticket-callback", args=[ticket.number]),
                                  {"reached": True, "outcome": "fixed"}, format="json")
    assert response.status_code == 409
    assert response.json()["type"] == "urn:servicedesk:no_solution"
    assert not Callback.objects.filter(ticket=ticket).exists()


def test_record_by_ticket_number(solved, reception_api):
    ticket, _callback = solved
    response = reception_api.post(reverse("api:ticket-callback", args=[ticket.number]),
                                  {"reached": True, "outcome": "disputed", "comments": "收费不合理"}, format="json")
    assert response.status_code == 201 and response.json()["state"] == "failed"
    assert Ticket.objects.get(pk=ticket.pk).status == Status.DISPATCHED


@pytest.mark.parametrize("who", ["engineer_api", "partner"])
def test_other_roles_are_refused(solved, who, request, partner_user):
    from rest_framework.test import APIClient

    _ticket, callback = solved
    if who == "partner":
        client = APIClient()
        client.force_authenticate(partner_user)
    else:
        client = request.getfixturevalue(who)
    assert client.get(reverse("api:callback-list")).status_code == 403
    assert client.post(_attempts(callback), {"reached": False}, format="json").status_code == 403
    assert Callback.objects.get(pk=callback.pk).attempts == 0


def test_anonymous_is_refused(api_client):
    assert api_client.get(reverse("api:callback-list")).status_code in (401, 403)


def test_the_schema_documents_the_callback_endpoints(manager_api):
    schema = manager_api.get(reverse("schema"), {"format": "json"}).json()
    for path in ("/api/v1/callbacks/", "/api/v1/callbacks/{id}/", "/api/v1/callbacks/{id}/attempts/",
                 "/api/v1/tickets/{number}/callback/"):
        assert path in schema["paths"], path
    assert "post" in schema["paths"]["/api/v1/callbacks/{id}/attempts/"]
