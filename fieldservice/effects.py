"""How on-site work takes part in a ticket's life, plugged into tickets.hooks from fieldservice/apps.py."""
from datetime import datetime

from .services import work_orders_cancel_for_ticket


def on_transitioned(*, ticket, action: str, from_status: str, at: datetime, actor) -> None:
    if action in ("cancel", "merge"):  # a cancelled or merged ticket owes no visit: the open ones are cancelled
        work_orders_cancel_for_ticket(ticket=ticket, actor=actor, at=at)
