"""A partner confirms or disputes the recorded solution of its own ticket."""
import pytest

from partners.services import CONFIRMATION_ACTION
from tickets.choices import Status
from tickets.models import TicketEvent

LIST = "/api/v1/tickets/"


def url(ticket) -> str:
    return f"{LIST}{ticket.number}/confirmation/"


@pytest.fixture
def solved(partner_a, ticket_of, engineer):
    return ticket_of(partner_a, status=Status.SOLVED, engineer=engineer)


def test_acceptance_is_recorded_and_changes_no_status(api_a, solved):
    response = api_a.post(url(solved), {"accepted": True, "comment": "确认"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.SOLVED
    event = TicketEvent.objects.get(ticket=solved, action=CONFIRMATION_ACTION)
    assert event.data["accepted"] is True and event.note == "确认"
    solved.refresh_from_db()
    assert solved.status == Status.SOLVED


def test_a_dispute_reopens_the_ticket_with_callback_failed(api_a, solved):
    response = api_a.post(url(solved), {"accepted": False, "comment": "问题依旧"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.REOPENED
    solved.refresh_from_db()
    assert solved.status == Status.REOPENED
    actions = list(TicketEvent.objects.filter(ticket=solved).order_by("id").values_list("action", flat=True))
    assert actions == [CONFIRMATION_ACTION, "callback_failed"]
    assert response["ETag"] == f'"{solved.version}"'


def test_only_one_answer_per_solution(api_a, solved):
    assert api_a.post(url(solved), {"accepted": True}, format="json").status_code == 200
    response = api_a.post(url(solved), {"accepted": False}, format="json")
    assert response.status_code == 409
    assert response.json()["type"] == "urn:servicedesk:already_confirmed"
    solved.refresh_from_db()
    assert solved.status == Status.SOLVED


@pytest.mark.parametrize("status", [Status.REGISTERED, Status.DISPATCHED, Status.CLOSED])
def test_nothing_to_confirm_unless_solved(api_a, partner_a, ticket_of, status):
    ticket = ticket_of(partner_a, status=status)
    response = api_a.post(url(ticket), {"accepted": True}, format="json")
    assert response.status_code == 409
    assert response.json()["errors"] == {"status": [response.json()["title"]]}
    assert not TicketEvent.objects.filter(ticket=ticket).exists()


def test_accepted_is_required(api_a, solved):
    response = api_a.post(url(solved), {"comment": "?"}, format="json")
    assert response.status_code == 400
    assert "accepted" in response.json()["errors"]


def test_staff_are_not_the_party_to_confirm(manager_api, solved):
    assert manager_api.post(url(solved), {"accepted": True}, format="json").status_code == 403
