"""A partner syncs: ?updated_since=…&ordering=updated_at, oldest change first, keyset pages."""
from datetime import timedelta

from django.utils import timezone

from tickets.choices import Status

LIST = "/api/v1/tickets/"


def test_sync_pages_through_changes_oldest_first(api_a, partner_a, ticket_of):
    base = timezone.now() - timedelta(hours=3)
    tickets = [ticket_of(partner_a, updated_at=base + timedelta(minutes=i)) for i in range(7)]
    since = (base + timedelta(minutes=2)).isoformat()
    seen, url, params = [], LIST, {"updated_since": since, "ordering": "updated_at", "page_size": 2}
    while url:
        response = api_a.get(url, params)
        assert response.status_code == 200, response.content
        seen += [row["number"] for row in response.json()["results"]]
        url, params = response.json()["next"], None
    assert seen == [t.number for t in tickets[2:]]


def test_sync_filters_by_status(api_a, partner_a, ticket_of):
    solved = ticket_of(partner_a, status=Status.SOLVED)
    ticket_of(partner_a, status=Status.REGISTERED)
    response = api_a.get(LIST, {"status": "solved"})
    assert [row["number"] for row in response.json()["results"]] == [solved.number]


def test_bad_filters_are_400_problem(api_a):
    response = api_a.get(LIST, {"updated_since": "yesterday", "ordering": "random"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"updated_since", "ordering"}


def test_a_bad_cursor_is_404_problem(api_a):
    response = api_a.get(LIST, {"cursor": "garbage"})
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
