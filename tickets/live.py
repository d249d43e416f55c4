"""The tickets' change tokens for live pages (core/live.py): what the desk's list and an engineer's queue show
moves with these scalars.

Every change that shows on a ticket goes through the timeline writer (tickets/timeline.py), which sets
`updated_at`; a new ticket is inserted with it. So MAX(updated_at) — the first entry of the index
`ticket_updated` — changes whenever any row of the list could. The queue adds its COUNT: a ticket taken away
from the engineer (reassigned, cancelled) leaves their queue without moving the maximum of what is left."""
from django.db.models import OuterRef

from core.live import live_source_register, scalar

from .models import Ticket
from .selectors import ENGINEER_QUEUE_STATUSES


def desk_parts(user) -> dict:
    return {"updated": scalar(Ticket.objects.all(), "MAX", "updated_at")}


def queue_parts(user) -> dict:
    mine = Ticket.objects.filter(engineer=OuterRef("pk"), status__in=ENGINEER_QUEUE_STATUSES)
    return {"count": scalar(mine, "COUNT", "id"), "updated": scalar(mine, "MAX", "updated_at")}


def live_sources_register() -> None:
    live_source_register("tickets", desk_parts)
    live_source_register("queue", queue_parts)
