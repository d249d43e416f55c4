"""Partner A's key on partner B's tickets: every endpoint answers 404 (never 403: existence is not revealed)."""
import re

import pytest

from tests.factories import intake_payload
from tickets.choices import Channel, Kind, Status
from tickets.models import Ticket, TicketEvent

LIST = "/api/v1/tickets/"


@pytest.fixture
def b_ticket(partner_b, ticket_of):
    return ticket_of(partner_b, status=Status.SOLVED)


OPERATIONS = [
    ("get", "{}", None, {}),
    ("get", "{}timeline/", None, {}),
    ("patch", "{}", {"priority": "high"}, {"HTTP_IF_MATCH": '"1"'}),
    ("patch", "{}", {"priority": "high"}, {}),  # even without If-Match: 404 comes first
    ("post", "{}notes/", {"note": "hello"}, {}),
    ("post", "{}confirmation/", {"accepted": False, "comment": "no"}, {}),
]


@pytest.mark.parametrize(("method", "path", "body", "headers"), OPERATIONS,
                         ids=[f"{m}-{p.format('')}-{i}" for i, (m, p, _b, _h) in enumerate(OPERATIONS)])
def test_another_partners_ticket_is_404(api_a, b_ticket, method, path, body, headers):
    url = LIST + b_ticket.number + "/" + path.format("")
    before = (b_ticket.version, TicketEvent.objects.filter(ticket=b_ticket).count())
    response = getattr(api_a, method)(url, body, format="json", **headers) if body is not None \
        else getattr(api_a, method)(url, **headers)
    assert response.status_code == 404, response.content
    assert response["Content-Type"] == "application/problem+json"
    b_ticket.refresh_from_db()
    assert (b_ticket.version, TicketEvent.objects.filter(ticket=b_ticket).count()) == before
    assert b_ticket.status == Status.SOLVED


OTHER_PARAM = re.compile(r"\{(?!number\})(\w+)\}")


def _placeholder(match) -> str:
    return "00000000-0000-0000-0000-000000000000" if "uid" in match.group(1) else "999999"


def _schema_ticket_operations():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [(method, path) for path, ops in schema["paths"].items() if "{number}" in path
            for method in ops if method in ("get", "post", "patch", "put", "delete")]


def test_every_ticket_endpoint_answers_a_foreign_ticket_like_a_missing_one(api_a, b_ticket):
    """Every {number} operation in the schema — other apps' too, present and future: A's key on B's ticket
    gets 404 (or the 403 its role gets everywhere), exactly as for a ticket that does not exist."""
    operations = _schema_ticket_operations()
    assert ("patch", "/api/v1/tickets/{number}/") in operations and len(operations) >= 5
    for method, path in operations:
        call, path = getattr(api_a, method), OTHER_PARAM.sub(_placeholder, path)
        foreign = call(path.replace("{number}", b_ticket.number), {}, format="json", HTTP_IF_MATCH='"1"')
        missing = call(path.replace("{number}", "SD-20991231-9999"), {}, format="json", HTTP_IF_MATCH='"1"')
        assert foreign.status_code in (403, 404), (method, path, foreign.status_code, foreign.content)
        assert (foreign.status_code, foreign.content) == (missing.status_code, missing.content), (method, path)
    b_ticket.refresh_from_db()
    assert b_ticket.version == 1 and b_ticket.status == Status.SOLVED
    assert not TicketEvent.objects.filter(ticket=b_ticket).exists()


def test_the_owner_gets_200_on_the_same_ticket(api_b, b_ticket):
    """The control for the test above: the URLs are right, only the partner differs."""
    assert api_b.get(f"{LIST}{b_ticket.number}/").status_code == 200
    assert api_b.get(f"{LIST}{b_ticket.number}/timeline/").status_code == 200


def test_the_list_shows_only_own_tickets(api_a, partner_a, partner_b, ticket_of):
    mine = {ticket_of(partner_a).number for _ in range(3)}
    ticket_of(partner_b)
    ticket_of(None)
    response = api_a.get(LIST)
    assert response.status_code == 200
    assert {row["number"] for row in response.json()["results"]} == mine


def test_search_does_not_reach_other_partners_tickets(api_a, b_ticket):
    response = api_a.get(LIST, {"q": b_ticket.number})
    assert response.status_code == 200 and response.json()["results"] == []


def test_a_partners_new_ticket_is_its_own_via_partner_api(api_a, partner_a):
    body = intake_payload(kind=Kind.LOGISTICS_LOST_DAMAGED, channel="phone", partner_reference="SF1234567890")
    response = api_a.post(LIST, body, format="json")
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(number=response.json()["number"])
    assert ticket.partner == partner_a and ticket.channel == Channel.PARTNER_API
    assert ticket.partner_reference == "SF1234567890" and ticket.kind == Kind.LOGISTICS_LOST_DAMAGED
    assert response.json()["partner"] == partner_a.code
    assert response["ETag"] == f'"{ticket.version}"'


def test_staff_create_is_not_a_partner_ticket(reception_api):
    response = reception_api.post(LIST, intake_payload(), format="json")
    assert response.status_code == 201
    assert Ticket.objects.get(number=response.json()["number"]).partner is None


def test_a_partner_cannot_use_desk_actions_on_its_own_ticket(api_a, partner_a, ticket_of):
    ticket = ticket_of(partner_a)
    response = api_a.post(f"{LIST}{ticket.number}/preprocess/", {}, format="json")
    assert response.status_code == 403
