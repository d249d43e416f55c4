"""How SLA takes part in a ticket's life, plugged into tickets.hooks from sla/apps.py: clocks move with
the ticket's steps, lists and the API show them, the dashboard drills down by step and outcome, and the
ticket page shows a clock card."""
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from . import selectors, services
from .serializers import SlaClockOutput


def on_creating(*, ticket, at: datetime) -> None:
    ticket.next_due_at = services.sla_first_due(ticket=ticket, at=at)  # inserted with the row: no UPDATE after


def on_created(*, ticket, at: datetime, actor, extras: Mapping[str, Any]) -> None:
    # The policy is picked, registration's clocks run. They are every clock the ticket has, so they are attached
    # as a page load would (clocks_load): the create API answers with them without reading them back.
    ticket.listed_clocks = services.sla_on_ticket_created(ticket=ticket, at=at)


def on_transitioned(*, ticket, action: str, from_status: str, at: datetime, actor) -> None:
    services.sla_on_ticket_transition(ticket=ticket, action=action, at=at)  # start, stop, pause, resume


def on_updated(*, ticket, changes: Mapping[str, Any], at: datetime, actor) -> None:
    services.sla_on_ticket_updated(ticket=ticket, changes=changes, at=at)  # re-prioritised: due times move


def clocks_load(tickets: list) -> None:
    """Each ticket's clocks as `listed_clocks`, from one query (sla.selectors.clocks_by_ticket)."""
    by_ticket = selectors.clocks_by_ticket(ticket_ids=[ticket.pk for ticket in tickets])
    for ticket in tickets:
        ticket.listed_clocks = by_ticket[ticket.pk]


def _clocks_of(ticket):
    listed = getattr(ticket, "listed_clocks", None)
    return ticket.sla_clocks.all() if listed is None else listed


CLOCK = SlaClockOutput()  # stateless: one instance serves every request


def clocks_represent(ticket, tz) -> list[dict]:
    return [CLOCK.represent(clock, tz) for clock in selectors.started_clocks_in_order(_clocks_of(ticket))]


def clocks_output_field():
    # SLA clocks of the steps reached so far (in lists: loaded for the page by clocks_load).
    return SlaClockOutput(many=True, read_only=True, source="sla_clocks")


def tickets_filter(qs: QuerySet, filters: Mapping[str, Any]) -> QuerySet:
    """Dashboard drill-down: tickets with a clock of the step and outcome (sla.selectors.ticket_clock_exists)."""
    exists = selectors.ticket_clock_exists(filters)
    return qs if exists is None else qs.filter(exists)


def ticket_panel_context(*, request, ticket) -> dict | None:
    """The ticket page's clock card: started clocks in SOP order with their text and colour (one query)."""
    return {"clock_lines": selectors.ticket_clock_lines(ticket=ticket, now=timezone.now())}
