"""How refunds take part in a ticket's life (tickets.hooks, refunds/apps.py)."""
from datetime import datetime

from .services import refunds_on_ticket_transition


def on_transitioned(*, ticket, action: str, from_status: str, at: datetime, actor) -> None:
    refunds_on_ticket_transition(ticket=ticket, action=action, at=at)  # a return/refund solution → refund due
