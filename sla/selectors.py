"""Reads of the SLA app: what pages, template tags, the API, the hooks and other apps show of clocks and
notifications. Writes stay in services.py (clocks), enforcement.py (the sweep) and notifications.py."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Window
from django.db.models.functions import Coalesce
from django.utils import timezone

from .choices import STEP_ORDER
from .display import ClockLine, clock_line
from .models import Notification, SlaClock

BELL_SIZE = 8
NOTIFICATIONS_PAGE = 50
# The columns lists and the API show of a clock (sla.serializers.SlaClockOutput), of ~25.
CLOCK_LIST_FIELDS = ("ticket_id", "step", "round", "state", "started_at", "due_at", "met_at", "breached_at",
                     "paused_seconds", "pause_reason")


# --- clocks -----------------------------------------------------------------------------------------

def started_clocks_in_order(clocks: Iterable) -> list:
    """The clocks of steps reached so far (a pending clock has nothing to show), in SOP order, newest round
    last. Works on prefetched models and on the rows of clocks_by_ticket alike."""
    return sorted((c for c in clocks if c.started_at is not None), key=lambda c: (STEP_ORDER[c.step], c.round))


def ticket_clock_lines(*, ticket, now: datetime) -> list[ClockLine]:
    """The ticket page's clocks with their text and colour (one query, or none if prefetched)."""
    return [clock_line(clock, now) for clock in started_clocks_in_order(ticket.sla_clocks.all())]


def clocks_by_ticket(*, ticket_ids: Iterable[int]) -> dict[int, list]:
    """ticket id → its clocks as read-only rows with the clock's attribute names, from one query.
    Not prefetch_related: for a reverse foreign key it builds a queryset per ticket (~0.1 ms each), and 125
    full clock models per list page cost more than the rest of the page's objects."""
    by_ticket: dict[int, list] = {pk: [] for pk in ticket_ids}
    for clock in SlaClock.objects.filter(ticket_id__in=list(by_ticket)).values_list(*CLOCK_LIST_FIELDS, named=True):
        by_ticket[clock.ticket_id].append(clock)
    return by_ticket


def _day_start(value) -> datetime:
    return timezone.make_aware(datetime.combine(value, time.min))


def ticket_clock_exists(filters: Mapping[str, Any]) -> Exists | None:
    """Dashboard drill-down, as a condition on tickets (OuterRef "pk"): a clock of the step and outcome —
    settled (met / breached) in the date range, the compliance figures — or still open and breached /
    warned (sla_clock_breached, dash_clock_* indexes). None when the filters ask nothing of clocks."""
    if not (filters.get("sla_step") or filters.get("sla_outcome")):
        return None
    clocks = SlaClock.objects.filter(ticket_id=OuterRef("pk"))
    if step := filters.get("sla_step"):
        clocks = clocks.filter(step=step)
    outcome = filters.get("sla_outcome") or "breached"
    if outcome in ("met", "breached"):
        clocks = clocks.annotate(settled=Coalesce("met_at", "cancelled_at")).filter(state=outcome)
        if start := filters.get("settled_from"):
            clocks = clocks.filter(settled__gte=_day_start(start))
        if end := filters.get("settled_to"):
            clocks = clocks.filter(settled__lt=_day_start(end) + timedelta(days=1))
    else:
        clocks = clocks.filter(met_at__isnull=True, cancelled_at__isnull=True)
        clocks = (clocks.filter(breached_at__isnull=False) if outcome == "open_breach"
                  else clocks.filter(warned_at__isnull=False, breached_at__isnull=True))
    return Exists(clocks)


# --- notifications ----------------------------------------------------------------------------------

def notifications_unread_for(*, user) -> tuple[list[Notification], int]:
    """The bell: the newest unread notifications and how many are unread, in one query (a window count)."""
    if not getattr(user, "is_authenticated", False):
        return [], 0
    rows = list(Notification.objects.filter(user=user, read_at=None)
                .annotate(unread_total=Window(Count("id")))
                .select_related("ticket").only("pk", "text", "created_at", "ticket__number")
                .order_by("-created_at", "-id")[:BELL_SIZE])
    return rows, (rows[0].unread_total if rows else 0)


def notification_list_for(*, user, limit: int = NOTIFICATIONS_PAGE) -> list[Notification]:
    """The notifications page: the user's own, newest first, read or not."""
    return list(Notification.objects.filter(user=user).select_related("ticket")
                .order_by("-created_at", "-id")[:limit])
