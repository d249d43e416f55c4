"""Bulk actions on the ticket list (issue 14, part 4): one request, one result per row, one transaction per row."""
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.errors import ApplicationError
from sla.choices import ClockState
from sla.models import SlaClock
from tests.factories import TicketFactory
from tests.tickets.test_services import intake
from tickets import bulk, services
from tickets.bulk import tickets_bulk_apply
from tickets.choices import Status
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db
ROW = re.compile(r'data-testid="bulk-row" data-number="([^"]+)" data-ok="([01])"')


def registered(reception, n: int, *, preprocess_with=None) -> list[Ticket]:
    """n tickets through the real services (clocks and all); pre-processed when `preprocess_with` is given."""
    tickets = []
    for i in range(n):
        ticket = services.ticket_create(created_by=reception, **intake(customer={"name": "张三",
                                                                                 "phone": f"1380013{i:04d}"}))
        if preprocess_with is not None:
            ticket = services.ticket_preprocess(ticket=ticket, actor=preprocess_with)
        tickets.append(ticket)
    return tickets


def batch(reception, manager, n: int) -> list[Ticket]:
    """n rows of which every tenth is still only registered: the status table refuses to dispatch it."""
    ready = registered(reception, n - n // 10, preprocess_with=manager)
    blocked = registered(reception, n // 10)
    return ready + blocked


def post_bulk(client, numbers, **data):
    return client.post(reverse("tickets:bulk"), {"ticket": numbers, **data}, HTTP_HX_REQUEST="true",
                       HTTP_ACCEPT_LANGUAGE="en")


def test_bulk_dispatch_of_50_with_5_refused_and_constant_queries_per_row(
        reception, manager, engineer, reception_client, django_assert_max_num_queries):
    def run(tickets):
        with CaptureQueriesContext(connection) as queries:
            response = post_bulk(reception_client, [t.number for t in tickets], action="dispatch",
                                 engineer=engineer.pk, note="批量派单")
        assert response.status_code == 200
        return response, len(queries)

    run(batch(reception, manager, 2))  # warm-up: the first request fills per-process caches (SLA policy…)
    _, q10 = run(batch(reception, manager, 10))
    _, q20 = run(batch(reception, manager, 20))
    per_ten = q20 - q10  # nine dispatches and one refusal
    fifty = batch(reception, manager, 50)
    # Linear: the 40 more rows cost 4 × ten rows. SLACK: a shared cache (the SLA policy snapshot, the
    # warranty policies) may reload once during a request — a few queries per request, not per row.
    slack = 12
    with django_assert_max_num_queries(q10 + 4 * per_ten + slack):
        response, q50 = run(fifty)
    # Constant per row: the 30 rows from 20 to 50 cost no more per row than the 10 from 10 to 20.
    assert 30 <= q50 - q20 <= 3 * per_ten + slack, (q10, q20, q50)
    assert per_ten < 10 * 40, "a row should cost a few dozen queries at most"

    rows = ROW.findall(response.content.decode())
    assert [number for number, _ok in rows] == [t.number for t in fifty]  # one result per row, in order
    assert sum(ok == "1" for _n, ok in rows) == 45 and sum(ok == "0" for _n, ok in rows) == 5
    assert "is not allowed while the ticket is “Registered”" in response.content.decode()
    stored = {t.number: t for t in Ticket.objects.filter(pk__in=[t.pk for t in fifty])}
    dispatched = [n for n, t in stored.items() if t.status == Status.DISPATCHED and t.engineer_id == engineer.pk]
    assert len(dispatched) == 45
    assert sorted(n for n, t in stored.items() if t.status == Status.REGISTERED) == sorted(
        t.number for t in fifty[45:])
    assert TicketEvent.objects.filter(ticket__in=fifty, action="dispatch", note="批量派单").count() == 45


def test_each_row_is_its_own_transaction(reception, manager, engineer, monkeypatch):
    """A row that fails after its writes rolls back alone; the rows before and after it stay done."""
    first, second, third = registered(reception, 3, preprocess_with=manager)
    real = bulk.ticket_dispatch

    def dispatch_then_fail_on_second(*, ticket, **kwargs):
        done = real(ticket=ticket, **kwargs)
        if ticket.pk == second.pk:
            raise ApplicationError("late refusal", code="late")
        return done

    monkeypatch.setattr(bulk, "ticket_dispatch", dispatch_then_fail_on_second)
    results = tickets_bulk_apply(actor=reception, numbers=[first.number, second.number, third.number],
                                 action="dispatch", engineer=engineer)

    assert [(r.number, r.ok) for r in results] == [(first.number, True), (second.number, False),
                                                   (third.number, True)]
    statuses = dict(Ticket.objects.values_list("number", "status"))
    assert (statuses[first.number], statuses[second.number], statuses[third.number]) == (
        Status.DISPATCHED, Status.PREPROCESSED, Status.DISPATCHED)
    assert not TicketEvent.objects.filter(ticket=second, action="dispatch").exists()
    assert results[1].status == Status.PREPROCESSED


def test_bulk_priority_note_and_cancel(reception, manager):
    open_one, open_two = registered(reception, 2)
    closed = TicketFactory(status=Status.CLOSED)

    results = tickets_bulk_apply(actor=manager, numbers=[open_one.number, closed.number], action="priority",
                                 priority="urgent")
    assert [r.ok for r in results] == [True, False]
    assert Ticket.objects.get(pk=open_one.pk).priority == "urgent"
    assert Ticket.objects.get(pk=closed.pk).priority == "normal"

    results = tickets_bulk_apply(actor=manager, numbers=[open_one.number, open_two.number], action="note",
                                 note="客户来电催促")
    assert all(r.ok for r in results)
    assert TicketEvent.objects.filter(action="note", note="客户来电催促").count() == 2

    results = tickets_bulk_apply(actor=manager, numbers=[open_two.number, closed.number], action="cancel",
                                 reason="mistake")
    assert [r.ok for r in results] == [True, False]
    assert Ticket.objects.get(pk=open_two.pk).status == Status.CANCELLED
    # The cancel service's effects ran for the row: its clocks left the figures.
    assert not SlaClock.objects.filter(ticket=open_two).exclude(state=ClockState.CANCELLED).exclude(
        state=ClockState.MET).exists()


@pytest.mark.parametrize(("data", "error"), [
    ({"action": "dispatch"}, "Choose an active engineer."),
    ({"action": "priority"}, "Choose the new priority."),
    ({"action": "note", "note": "  "}, "Write a note first."),
    ({"action": "cancel"}, "Choose why the tickets are cancelled."),
])
def test_bad_input_refuses_the_whole_request_and_changes_nothing(data, error, reception, manager, reception_client):
    tickets = registered(reception, 2, preprocess_with=manager)
    before = list(Ticket.objects.order_by("pk").values_list("status", "version", "priority"))
    response = post_bulk(reception_client, [t.number for t in tickets], **data)
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="bulk-error"' in html and error in html
    assert list(Ticket.objects.order_by("pk").values_list("status", "version", "priority")) == before


def test_no_row_ticked_is_refused(reception_client):
    response = post_bulk(reception_client, [], action="note", note="x")
    assert "Select at least one ticket." in response.content.decode()


def test_unknown_numbers_are_reported_per_row(reception, manager, engineer, reception_client):
    (ticket,) = registered(reception, 1, preprocess_with=manager)
    response = post_bulk(reception_client, [ticket.number, "SD-20990101-0001"], action="dispatch",
                         engineer=engineer.pk)
    rows = ROW.findall(response.content.decode())
    assert rows == [(ticket.number, "1"), ("SD-20990101-0001", "0")]
    assert "No ticket with this number." in response.content.decode()


def test_engineers_may_not_bulk(engineer_client, engineer):
    ticket = TicketFactory(status=Status.PREPROCESSED)
    response = engineer_client.post(reverse("tickets:bulk"), {"ticket": [ticket.number], "action": "note",
                                                              "note": "x"})
    assert response.status_code == 403
    assert not TicketEvent.objects.filter(ticket=ticket).exists()


def test_the_desk_list_has_a_checkbox_per_row_and_select_all(reception_client, engineer):
    tickets = [TicketFactory(engineer=engineer, status=Status.DISPATCHED) for _ in range(3)]
    desk = reception_client.get(reverse("tickets:list")).content.decode()
    assert desk.count('form="bulk-form"') == 3 and 'data-bulk-all' in desk and 'id="bulk-form"' in desk
    for ticket in tickets:
        assert f'name="ticket" value="{ticket.number}" form="bulk-form"' in desk
    assert "js/bulk" in desk  # the keyboard and select-all behaviour (CSP: a static script)
    other = Client()  # reception_client and engineer_client would share one client (and its session)
    other.force_login(engineer)
    mine = other.get(reverse("tickets:list")).content.decode()
    assert tickets[0].number in mine
    assert 'form="bulk-form"' not in mine and 'id="bulk-form"' not in mine
