"""Reads on refunds."""
from django.db.models import Exists, OuterRef

from .models import Refund, RefundState


def refund_facts(*, ticket) -> dict:
    """What the customer is told of the refund (tickets.hooks customer facts): the latest one not
    cancelled — its state, amount, due and paid times; one query."""
    refund = (Refund.objects.filter(ticket_id=ticket.pk).exclude(state=RefundState.CANCELLED)
              .order_by("-created_at", "-id").only("state", "amount", "due_at", "paid_at").first())
    if refund is None:
        return {}
    return {"refund_state": refund.state, "refund_amount": refund.amount, "refund_due_at": refund.due_at,
            "refund_paid_at": refund.paid_at}


def ticket_has_refunds() -> Exists:
    """The ticket page's ticket query carries it as `has_refunds` (tickets.hooks panel `exists`)."""
    return Exists(Refund.objects.filter(ticket=OuterRef("pk")))


def refunds_for_ticket(*, ticket) -> list[Refund]:
    if getattr(ticket, "has_refunds", True) is False:
        return []  # the page's ticket query said there are none: no query
    return list(Refund.objects.filter(ticket_id=ticket.pk).order_by("-created_at"))
