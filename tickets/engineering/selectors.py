"""Reads about the engineer's work on a ticket."""
from django.db.models import QuerySet
from django.utils import timezone

from ..choices import WaitReason
from ..models import Ticket, TicketEvent
from .models import TicketSolution


def solution_latest(ticket: Ticket | int) -> TicketSolution | None:
    """The solution the callback desk confirms with the customer: the most recent one."""
    ticket_id = ticket if isinstance(ticket, int) else ticket.pk
    return (TicketSolution.objects.filter(ticket_id=ticket_id).select_related("recorded_by")
            .order_by("-recorded_at", "-id").first())


def solutions_for_ticket(*, ticket: Ticket) -> QuerySet[TicketSolution]:
    return ticket.solutions.select_related("recorded_by").order_by("-recorded_at", "-id")


def manufacturer_wait_latest(*, ticket: Ticket) -> dict:
    """The reference and date of the last 返厂 wait, to pre-fill the solution form."""
    event = (TicketEvent.objects.filter(ticket=ticket, action="wait", data__reason=WaitReason.MANUFACTURER)
             .order_by("-at", "-id").only("at", "data").first())
    if event is None:
        return {}
    return {"manufacturer_reference": event.data.get("manufacturer_reference", ""),
            "sent_on": timezone.localdate(event.at)}
