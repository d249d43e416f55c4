"""Optimistic concurrency: ETag on ticket answers, PATCH needs If-Match (stale → 412, none → 428)."""
import pytest

from tickets.choices import Priority, Status
from tickets.models import TicketEvent

LIST = "/api/v1/tickets/"


@pytest.fixture
def mine(partner_a, ticket_of):
    return ticket_of(partner_a, priority=Priority.NORMAL)


def detail(ticket) -> str:
    return f"{LIST}{ticket.number}/"


def test_get_carries_the_version_as_etag(api_a, mine):
    response = api_a.get(detail(mine))
    assert response["ETag"] == '"1"' and response.json()["version"] == 1


def test_patch_with_the_current_etag_updates_and_returns_the_next(api_a, mine):
    etag = api_a.get(detail(mine))["ETag"]
    response = api_a.patch(detail(mine), {"priority": "high", "partner_reference": "SF-1"}, format="json",
                           HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"'
    mine.refresh_from_db()
    assert (mine.priority, mine.partner_reference, mine.version) == (Priority.HIGH, "SF-1", 2)
    event = TicketEvent.objects.get(ticket=mine, action="update")
    assert event.data["changes"]["priority"] == ["normal", "high"]


def test_a_stale_if_match_is_412_and_nothing_changes(api_a, mine):
    first = api_a.patch(detail(mine), {"priority": "high"}, format="json", HTTP_IF_MATCH='"1"')
    assert first.status_code == 200
    stale = api_a.patch(detail(mine), {"priority": "low"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    assert stale["Content-Type"] == "application/problem+json"
    assert stale.json()["type"] == "urn:servicedesk:precondition_failed"
    mine.refresh_from_db()
    assert (mine.priority, mine.version) == (Priority.HIGH, 2)
    assert TicketEvent.objects.filter(ticket=mine, action="update").count() == 1


def test_missing_if_match_is_428_and_nothing_changes(api_a, mine):
    response = api_a.patch(detail(mine), {"priority": "urgent"}, format="json")
    assert response.status_code == 428
    assert response.json()["errors"] == {"If-Match": [response.json()["title"]]}
    mine.refresh_from_db()
    assert (mine.priority, mine.version) == (Priority.NORMAL, 1)


@pytest.mark.parametrize("if_match", ["1", '"7", "1"', 'W/"1", "1"', "*"])
def test_if_match_forms_that_name_the_current_version(api_a, mine, if_match):
    response = api_a.patch(detail(mine), {"priority": "low"}, format="json", HTTP_IF_MATCH=if_match)
    assert response.status_code == 200, response.content


# W/"1": a weak tag never matches — If-Match uses the strong comparison (RFC 9110 §13.1.1).
@pytest.mark.parametrize("if_match", ['"2"', "abc", '""', "W/", 'W/"1"', "１", "²", '"99999999999999999999"'])
def test_if_match_forms_that_do_not_match_are_412(api_a, mine, if_match):
    response = api_a.patch(detail(mine), {"priority": "low"}, format="json", HTTP_IF_MATCH=if_match)
    assert response.status_code == 412, response.content


def test_a_status_change_makes_the_old_etag_stale(api_a, mine, reception):
    from tickets.services import ticket_preprocess

    etag = api_a.get(detail(mine))["ETag"]
    ticket_preprocess(ticket=mine, actor=reception)
    assert api_a.patch(detail(mine), {"priority": "low"}, format="json", HTTP_IF_MATCH=etag).status_code == 412


def test_a_race_between_read_and_write_is_412(mine, reception):
    """The service's conditional UPDATE: two writers read version 1, the second one loses."""
    from core.errors import ApplicationError
    from tickets.models import Ticket
    from tickets.services import ticket_update

    first, second = Ticket.objects.get(pk=mine.pk), Ticket.objects.get(pk=mine.pk)
    ticket_update(ticket=first, actor=reception, expected_version=1, changes={"priority": Priority.HIGH})
    second.version = 1  # what it read
    with pytest.raises(ApplicationError) as refused:
        ticket_update(ticket=second, actor=reception, expected_version=1, changes={"priority": Priority.LOW})
    assert refused.value.status == 412
    mine.refresh_from_db()
    assert mine.priority == Priority.HIGH


def test_invalid_values_are_400_with_field_errors(api_a, mine):
    response = api_a.patch(detail(mine), {"priority": "whenever"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["priority"]


def test_a_closed_ticket_cannot_be_changed(api_a, partner_a, ticket_of):
    closed = ticket_of(partner_a, status=Status.CLOSED)
    response = api_a.patch(detail(closed), {"priority": "high"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 409


def test_staff_patch_also_needs_if_match(reception_api, mine):
    assert reception_api.patch(detail(mine), {"priority": "high"}, format="json").status_code == 428
    response = reception_api.patch(detail(mine), {"priority": "high"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200


def test_engineers_may_not_patch(engineer_api, engineer, ticket_of):
    ticket = ticket_of(None, engineer=engineer, status=Status.DISPATCHED)
    response = engineer_api.patch(detail(ticket), {"priority": "high"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 403


def test_a_stale_version_is_412_even_when_nothing_would_change(mine, reception):
    from core.errors import ApplicationError
    from tickets.services import ticket_update

    with pytest.raises(ApplicationError) as refused:
        ticket_update(ticket=mine, actor=reception, expected_version=0, changes={"priority": mine.priority})
    assert refused.value.status == 412
