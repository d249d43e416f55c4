"""Reads on refunds."""
from .models import Refund


def refunds_for_ticket(*, ticket) -> list[Refund]:
    return list(Refund.objects.filter(ticket_id=ticket.pk).order_by("-created_at"))
