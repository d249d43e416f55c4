"""Reopen rate (issue 14): tickets reopened / tickets closed in the period, from the timeline.

Counted live: the events are few (a partial index holds only close and reopen events: ticket_event_lifecycle),
so one query answers any filter combination without a rollup. A ticket counts once per figure however
often it was closed or reopened in the period."""
from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q

from tickets.models import TicketEvent

from .filters import Filters
from .rollup import _prefix_q

CLOSING = ("close", "close_unreachable")


def reopen_figures(*, filters: Filters, start: datetime, end: datetime) -> dict:
    counts = TicketEvent.objects.filter(
        _prefix_q(filters.ticket_q(), "ticket__"), action__in=("reopen", *CLOSING), at__gte=start, at__lt=end,
    ).aggregate(reopened=Count("ticket_id", filter=Q(action="reopen"), distinct=True),
                closed=Count("ticket_id", filter=Q(action__in=CLOSING), distinct=True))
    reopened, closed = counts["reopened"] or 0, counts["closed"] or 0
    rate = round(100.0 * reopened / closed, 1) if closed else None
    return {"reopened": reopened, "closed": closed, "rate_pct": rate}
