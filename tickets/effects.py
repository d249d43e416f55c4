"""The one hook other concerns use to react to ticket changes, inside the same transaction.

Ticket services call these after every create and transition; the SLA clocks, warranty records and
callbacks attach here, so a status change and its effects commit or roll back together."""
from datetime import datetime


def on_ticket_created(*, ticket, at: datetime, actor) -> None:
    pass


def on_ticket_transition(*, ticket, action: str, from_status: str, at: datetime, actor) -> None:
    pass
