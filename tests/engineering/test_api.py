"""/api/v1/tickets/<number>/reply|solution|wait|resume|hand-back/: same rules and roles as the pages."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.conftest import make_user
from tickets.choices import Status
from tickets.models import Ticket, TicketEvent
from tickets.engineering.models import TicketSolution

pytestmark = pytest.mark.django_db

REPLY = {"difficulty": "主板供电异常", "next_step": "明早上门换板"}
SOLUTION = {"kind": "shop_repair", "plan": "更换主板", "result": "测试正常"}
WAIT = {"reason": "parts", "note": "主板缺货", "expected_on": None}
BODIES = {"reply": REPLY, "solution": SOLUTION, "wait": WAIT, "hand-back": {"reason": "不在片区"}}


def url(ticket, name):
    return reverse(f"api:ticket-{name}", args=[ticket.number])


def api_as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_reply_answers_the_ticket(engineer_api, dispatched):
    ticket = dispatched()
    response = engineer_api.post(url(ticket, "reply"), REPLY, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["number"]) == ("replied", ticket.number) and body["replied_at"]


def test_reply_without_next_step_is_a_field_error(engineer_api, dispatched):
    ticket = dispatched()
    response = engineer_api.post(url(ticket, "reply"), {**REPLY, "next_step": " "}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["next_step"]
    assert Ticket.objects.get(pk=ticket.pk).status == Status.DISPATCHED


def test_solution_is_created_and_listed(engineer_api, dispatched):
    ticket = dispatched()
    response = engineer_api.post(url(ticket, "solution"), SOLUTION, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["recorded_by"], body["ticket"]["status"]) == ("shop_repair", "engineer", "solved")

    listed = engineer_api.get(url(ticket, "solution")).json()
    assert [s["id"] for s in listed] == [body["id"]]


def test_manufacturer_solution_without_reference_lists_every_missing_field(engineer_api, dispatched):
    ticket = dispatched()
    response = engineer_api.post(url(ticket, "solution"), {**SOLUTION, "kind": "manufacturer"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"manufacturer_reference", "sent_on", "returned_on"}
    assert not TicketSolution.objects.exists()


def test_manufacturer_solution_with_reference(engineer_api, dispatched):
    today = timezone.localdate()
    response = engineer_api.post(url(dispatched(), "solution"), {
        **SOLUTION, "kind": "manufacturer", "manufacturer_reference": "RMA-1",
        "sent_on": str(today - timedelta(days=5)), "returned_on": str(today)}, format="json")
    assert response.status_code == 201 and response.json()["manufacturer_reference"] == "RMA-1"


def test_wait_and_resume(engineer_api, dispatched):
    ticket = dispatched()
    waiting = engineer_api.post(url(ticket, "wait"), WAIT, format="json").json()
    assert (waiting["status"], waiting["wait_reason"]) == ("waiting", "parts")
    resumed = engineer_api.post(url(ticket, "resume"), {}, format="json").json()
    assert (resumed["status"], resumed["wait_reason"]) == ("dispatched", "")


def test_hand_back_answers_with_the_ticket_as_left(engineer_api, dispatched):
    ticket = dispatched()
    response = engineer_api.post(url(ticket, "hand-back"), {"reason": "不在片区"}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["engineer"]) == ("preprocessed", None)


def test_a_refused_transition_is_409_problem(engineer_api, dispatched):
    ticket = dispatched()
    engineer_api.post(url(ticket, "reply"), REPLY, format="json")
    response = engineer_api.post(url(ticket, "reply"), REPLY, format="json")
    assert response.status_code == 409
    assert response.json()["type"] == "urn:servicedesk:transition_not_allowed"


@pytest.mark.parametrize("name", sorted(BODIES))
def test_another_engineers_ticket_is_404(dispatched, other_engineer, name):
    ticket = dispatched()
    response = api_as(other_engineer).post(url(ticket, name), BODIES[name], format="json")
    assert response.status_code == 404
    assert not TicketEvent.objects.filter(ticket=ticket).exclude(action__in=["preprocess", "dispatch"]).exists()


# role × endpoint: who may POST (the desk may record a solution and waits, not replies or hand backs)
MATRIX = [
    ("reply", "reception", 403), ("reply", "manager", 200), ("reply", "partner", 403),
    ("solution", "reception", 201), ("solution", "manager", 201), ("solution", "partner", 403),
    ("wait", "reception", 200), ("wait", "partner", 403),
    ("hand-back", "reception", 403), ("hand-back", "manager", 200), ("hand-back", "partner", 403),
]


@pytest.mark.parametrize(("name", "role", "expected"), MATRIX)
def test_roles_per_endpoint(dispatched, name, role, expected):
    ticket = dispatched()
    response = api_as(make_user(role, f"{role}-api")).post(url(ticket, name), BODIES[name], format="json")
    assert response.status_code == expected, response.json()


def test_anonymous_is_401(api_client, dispatched):
    response = api_client.post(url(dispatched(), "reply"), REPLY, format="json")
    assert response.status_code == 401  # the API-key authenticator comes first and names its scheme
    assert response["Content-Type"] == "application/problem+json"


def test_the_timeline_api_carries_the_structured_data(engineer_api, dispatched):
    ticket = dispatched()
    engineer_api.post(url(ticket, "reply"), REPLY, format="json")
    timeline = engineer_api.get(reverse("api:ticket-timeline", args=[ticket.number])).json()
    assert timeline[-1]["action"] == "reply" and timeline[-1]["data"]["next_step"] == "明早上门换板"


def test_the_schema_documents_the_engineer_endpoints(api_client):
    schema = api_client.get(reverse("schema"), {"format": "json"}).json()
    for path in ("reply", "solution", "wait", "resume", "hand-back"):
        assert f"/api/v1/tickets/{{number}}/{path}/" in schema["paths"]
