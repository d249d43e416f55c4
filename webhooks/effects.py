"""How partner webhooks take part in a ticket's life (tickets.hooks, webhooks/apps.py)."""
from datetime import datetime

from .services import webhook_events_for_transition


def on_transitioned(*, ticket, action: str, from_status: str, at: datetime, actor) -> None:
    webhook_events_for_transition(ticket=ticket, action=action, from_status=from_status, at=at)  # sent after commit
