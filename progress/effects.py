"""How the customer's progress notices take part in a ticket's life (tickets.hooks, progress/apps.py)."""
from datetime import datetime

from tickets.choices import Status

from .notices import completion_notices_schedule


def on_transitioned(*, ticket, action: str, from_status: str, at: datetime, actor) -> None:
    # 完成通知 only for a repair the customer confirmed: "close" from CALLED_BACK, not an unreachable close.
    if action == "close" and from_status == Status.CALLED_BACK:
        completion_notices_schedule(ticket=ticket, at=at)
