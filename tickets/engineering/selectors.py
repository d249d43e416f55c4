"""Reads about the engineer's work on a ticket, and each engineer's load for the dispatch panel."""
from django.db.models import Count, F, FilteredRelation, Max, Min, Q, QuerySet
from django.utils import timezone

from core.templatetags.desk import person

from ..choices import WaitReason
from ..models import Ticket, TicketEvent
from ..selectors import ENGINEER_QUEUE_STATUSES, engineers_active
from .models import TicketSolution
from .rules import EngineerLoad


def solution_latest(ticket: Ticket | int) -> TicketSolution | None:
    """The solution the callback desk confirms with the customer: the most recent one."""
    ticket_id = ticket if isinstance(ticket, int) else ticket.pk
    return (TicketSolution.objects.filter(ticket_id=ticket_id).select_related("recorded_by")
            .order_by("-recorded_at", "-id").first())


def solutions_for_ticket(*, ticket: Ticket) -> QuerySet[TicketSolution]:
    return ticket.solutions.select_related("recorded_by").order_by("-recorded_at", "-id")


def manufacturer_wait_latest(*, ticket: Ticket, timeline: list | None = None) -> dict:
    """The reference and date of the last 返厂 wait, to pre-fill the solution form. `timeline`: the page's events
    (in order, maybe with merged duplicates'), read instead of a query."""
    if timeline is not None:
        waits = [e for e in timeline if e.ticket_id == ticket.pk and e.action == "wait"
                 and (e.data or {}).get("reason") == WaitReason.MANUFACTURER]
        event = max(waits, key=lambda e: (e.at, e.pk), default=None)
    else:
        event = (TicketEvent.objects.filter(ticket=ticket, action="wait", data__reason=WaitReason.MANUFACTURER)
                 .order_by("-at", "-id").only("at", "data").first())
    if event is None:
        return {}
    return {"manufacturer_reference": event.data.get("manufacturer_reference", ""),
            "sent_on": timezone.localdate(event.at)}


def engineers_with_load() -> QuerySet:
    """Active engineers, each with `open_count` (tickets in their queue: dispatched, replied, waiting,
    reopened), `nearest_due_at` (the earliest running SLA due time among them), `last_open_dispatch_at` (the
    latest dispatch among them) and from their profile (tickets.engineering.models.EngineerProfile, NULL without
    one) `skill_categories` and `assigned_stamp`. One query for all engineers: the open tickets are joined with
    the condition in the JOIN (FilteredRelation), so the partial index ticket_engineer_queue answers it and an
    engineer's closed history is never read; the profile is a one-to-one LEFT JOIN in the same query."""
    work = FilteredRelation("assigned_tickets", condition=Q(assigned_tickets__status__in=ENGINEER_QUEUE_STATUSES))
    return (engineers_active().annotate(work=work)
            .annotate(skill_categories=F("dispatch_profile__categories"),
                      assigned_stamp=F("dispatch_profile__last_assigned_at"))
            .annotate(open_count=Count("work"), nearest_due_at=Min("work__next_due_at"),
                      last_open_dispatch_at=Max("work__dispatched_at")))


def engineer_load(user) -> EngineerLoad:
    """A row of engineers_with_load as the suggestion rule reads it. The last assignment is the profile's stamp,
    or the latest dispatch among the open tickets when that is later (work dispatched before the stamp existed,
    or written around the services)."""
    stamps = [at for at in (user.assigned_stamp, user.last_open_dispatch_at) if at is not None]
    return EngineerLoad(engineer_id=user.pk, name=person(user), open_count=user.open_count,
                        last_assigned_at=max(stamps, default=None),
                        categories=frozenset(user.skill_categories or ()))
