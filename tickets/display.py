"""How a ticket's nearest due instant reads in lists. Pure: `now` is an argument.

It lives in tickets, not sla, because tickets import no other project app (issue 11): the list rows
(tickets/templatetags/ticket_rows.py) colour Ticket.next_due_at, a column of the ticket itself, and
sla.display re-uses this rule for its `sla_due_tone` filter."""
from __future__ import annotations

from datetime import datetime, timedelta

SOON = timedelta(minutes=30)  # lists know only the nearest due instant: "soon" is a fixed half hour


def due_tone(due: datetime | None, now: datetime) -> str:
    """Bootstrap colour of a ticket's nearest due instant: danger once past it, warning within SOON."""
    if due is None:
        return ""
    # The deadline is inclusive, as sla.clockmath.is_past_due (the sweep's definition; a test pins they agree).
    if now > due:
        return "danger"
    return "warning" if due - now <= SOON else "success"
