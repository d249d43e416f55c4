"""The API list's rows come from statements compiled once (core.compiled): tickets with customer and device, the
engineers / partners / survivors, the 三包 decisions, the SLA clocks. Their JSON must be the JSON of the ORM's own
loading of the same tickets (select_related, prefetch_related), in every shape a row takes."""
import json
from datetime import timezone as dt_timezone

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext
from django.utils.translation import override

from core.compiled import IdsQuery, IdsValues
from sla.models import SlaClock
from tests.factories import TicketFactory, decided_pair
from tests.partners.conftest import make_partner
from tickets import selectors
from tickets.api.serializers import TicketOutput
from tickets.models import Ticket
from warranty.effects import summaries_prefetch

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(reception, manager, engineer):
    walked, overridden = decided_pair(reception=reception, manager=manager, engineer=engineer,
                                      fault_description="开机黑屏")
    partnered = TicketFactory(device=None, partner=make_partner("courier-x"), contact_name="王五",
                              contact_phone="13900139000")
    merged = TicketFactory(device=None)
    Ticket.objects.filter(pk=merged.pk).update(merged_into=walked, engineer=engineer)
    return [merged.pk, partnered.pk, overridden.pk, walked.pk]


def orm_rows(ids):
    """The ORM's way, as tickets_in_order loaded rows before the statements were compiled once."""
    clocks = Prefetch("sla_clocks", queryset=SlaClock.objects.all(), to_attr="listed_clocks")
    by_pk = {t.pk: t for t in summaries_prefetch(Ticket.objects.filter(pk__in=ids).select_related(
        "customer", "device", "engineer", "partner", "merged_into").prefetch_related(clocks))}
    return [by_pk[pk] for pk in ids]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_json_is_the_orms(tickets, language):
    with override(language):
        compiled = TicketOutput(selectors.tickets_in_order(tickets, extended=True), many=True).data
        reference = TicketOutput(orm_rows(tickets), many=True).data
    assert [row["id"] for row in compiled] == tickets  # in the order asked
    assert compiled[0]["merged_into"] and compiled[0]["engineer"] and compiled[0]["device"] is None
    assert compiled[1]["partner"] == "courier-x" and compiled[1]["customer"]["name"] == "王五"
    assert compiled[2]["warranty"]["overridden"] is True and compiled[3]["clocks"] and compiled[3]["device"]
    assert compiled[0]["warranty"] is None and compiled[0]["clocks"] == []
    assert json.dumps(compiled, sort_keys=False) == json.dumps(reference, sort_keys=False)


def test_a_page_reads_no_more_than_before(tickets, django_assert_max_num_queries):
    selectors.tickets_in_order(tickets, extended=True)  # compiled
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.tickets_in_order(tickets, extended=True)
        TicketOutput(rows, many=True).data  # noqa: B018 — reading every field must not load anything more
    # tickets, engineers, partners, survivors, 三包 decisions, clocks
    assert len(queries) == 6


def test_missing_ids_and_no_ids():
    assert selectors.tickets_in_order([], extended=True) == []
    assert selectors.tickets_in_order([987654321], extended=True) == []


def test_compiled_instances_and_values_are_the_orms(tickets):
    query = IdsQuery(lambda ids: Ticket.objects.filter(pk__in=ids).select_related("customer", "device"))
    for compiled, orm in zip(query.objects(tickets), Ticket.objects.filter(pk__in=tickets).select_related(
            "customer", "device"), strict=True):
        assert vars(compiled).keys() == vars(orm).keys()
        assert {k: v for k, v in vars(compiled).items() if k != "_state"} == \
            {k: v for k, v in vars(orm).items() if k != "_state"}
        assert compiled._state.fields_cache.keys() == orm._state.fields_cache.keys()
        # psycopg's own timestamptz loader (core.compiled._native_timestamps): the very same tzinfo as Django's
        assert compiled.created_at.tzinfo is orm.created_at.tzinfo is dt_timezone.utc
        assert compiled.customer.__dict__.keys() == orm.customer.__dict__.keys()
        assert not compiled._state.adding and compiled._state.db == orm._state.db
    fields = ("ticket_id", "step", "due_at")
    values = IdsValues(lambda ids: SlaClock.objects.filter(ticket_id__in=ids), fields)
    assert values.rows(tickets) == list(SlaClock.objects.filter(ticket_id__in=tickets).values_list(*fields))


def test_a_statement_not_over_ids_alone_is_refused():
    query = IdsQuery(lambda ids: Ticket.objects.filter(pk__in=ids, number__startswith="SD-"))
    with pytest.raises(LookupError):
        query.objects([1])
