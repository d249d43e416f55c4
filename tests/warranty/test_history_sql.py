"""The device's history has two statements (warranty/selectors.py): PostgreSQL's reads each device's newest
tickets through an index and has the server compute the days; the portable one (SQLite, command 1) joins and
sorts everything. Both must give the same history, or a 三包 decision would depend on the database."""
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tickets.choices import SolutionKind, Status
from tickets.models import Ticket, TicketSolution
from warranty.selectors import device_prior_tickets

from .test_intake_decision import IMEI, register

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="compares PostgreSQL's statement")


def _portable(**kwargs):
    connection.vendor = "portable"  # this connection only, for one call: the statement SQLite runs
    try:
        return device_prior_tickets(**kwargs)
    finally:
        del connection.vendor


def test_both_statements_give_the_same_history(reception):
    closed, exchanged, marked, *_open = [register(reception, days_ago=90) for _ in range(5)]
    late = timezone.now().replace(hour=17, minute=30)  # 01:30 the next day in Shanghai: the day is Shanghai's
    Ticket.objects.filter(pk=closed.pk).update(status=Status.CLOSED, created_at=late - timedelta(days=9),
                                               closed_at=late - timedelta(days=4))
    TicketSolution.objects.create(ticket=exchanged, kind=SolutionKind.EXCHANGE, plan="换新机", result="已换",
                                  recorded_by=reception, recorded_at=late - timedelta(days=2))
    marked.warranty_decision.exchanged_on = timezone.localdate() - timedelta(days=1)
    marked.warranty_decision.save(update_fields=["exchanged_on"])

    for kwargs in ({"imei": IMEI}, {"imei": IMEI, "exclude_ticket_id": closed.pk}, {"imei": IMEI, "limit": 2}):
        fast = device_prior_tickets(**kwargs)
        assert fast == _portable(**kwargs)
        assert len(fast) == min(kwargs.get("limit", 5), 5 - ("exclude_ticket_id" in kwargs))
    by_day = {(row.created_on, row.closed_on, row.exchanged_on) for row in device_prior_tickets(imei=IMEI)}
    assert (timezone.localdate(late - timedelta(days=9)), timezone.localdate(late - timedelta(days=4)), None) in by_day
    assert any(row.exchanged_on == timezone.localdate(late - timedelta(days=2)) for row in _portable(imei=IMEI))
