"""SLA's change tokens for live pages (core/live.py).

- `sla_events`: the newest SlaEvent id. A warning, breach or escalation recorded by the sweep changes no
  ticket row (the sweep writes clocks and events only), yet the lists' drill-downs and the dashboard read it.
- `bell`: the user's unread notices, counted, and the newest of them. A new notice raises the count; the
  breach that updates an earlier warning's notice (sla.notifications upserts) sets its created_at anew;
  marking read lowers the count. Both read the partial index `notification_unread` (user, -created_at)."""
from django.db.models import OuterRef

from core.live import live_source_register, scalar

from .models import Notification, SlaEvent


def events_parts(user) -> dict:
    return {"latest": scalar(SlaEvent.objects.all(), "MAX", "id")}


def bell_parts(user) -> dict:
    unread = Notification.objects.filter(user=OuterRef("pk"), read_at=None)
    return {"count": scalar(unread, "COUNT", "id"), "latest": scalar(unread, "MAX", "created_at")}


def live_sources_register() -> None:
    live_source_register("sla_events", events_parts)
    live_source_register("bell", bell_parts)
