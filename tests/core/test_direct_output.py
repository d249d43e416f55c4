"""The API's output serializers build their JSON directly (core.representation.DirectOutput) for speed; their
declared fields are the OpenAPI schema. DRF's generic path over those same fields must give the same JSON:
a field added to one and not the other fails here."""
import json

import pytest
from django.test import override_settings
from django.utils import timezone
from django.utils.translation import override

from core.representation import DirectOutput
from tests.factories import TicketFactory, decided_pair
from tests.partners.conftest import make_partner
from tickets import selectors
from tickets.api.serializers import TicketOutput
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(reception, manager, engineer):
    walked, overridden = decided_pair(reception=reception, manager=manager, engineer=engineer,
                                      fault_description="<b>开机黑屏</b>")
    bare = TicketFactory(device=None, partner=make_partner("courier-x"))
    return [walked.pk, overridden.pk, bare.pk]


def both_paths(rows) -> tuple[list, list]:
    direct = TicketOutput(rows, many=True).data
    DirectOutput.direct = False
    try:
        generic = TicketOutput(rows, many=True).data
    finally:
        DirectOutput.direct = True
    return direct, generic


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_list_rows_are_the_same_json_on_both_paths(tickets, language):
    with override(language):
        direct, generic = both_paths(selectors.tickets_in_order(tickets, extended=True))
    assert [row["clocks"] != [] for row in direct] == [True, True, False]  # clocks, decisions, none: all shapes
    assert direct[1]["warranty"]["overridden"] is True and direct[2]["warranty"] is None
    assert direct == generic
    json.dumps(direct)  # plain JSON values only (a lazy translation would compare equal above and fail here)


@override_settings(TIME_ZONE="UTC")
def test_a_single_ticket_is_the_same_json_on_both_paths_in_utc_too(tickets, reception):
    ticket = selectors.ticket_get_for_user(user=reception, number=Ticket.objects.get(pk=tickets[0]).number)
    with timezone.override("UTC"):
        direct, generic = both_paths([ticket])
    assert direct[0]["created_at"].endswith("Z")
    assert direct == generic
