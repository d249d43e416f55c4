"""Reads on work orders, always scoped through the tickets the user may see (tickets_visible_to)."""
from collections.abc import Mapping
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from tickets.models import Ticket
from tickets.selectors import tickets_visible_to

from .choices import OPEN_WORK_ORDER, WorkOrderStatus
from .models import WorkOrder, WorkOrderPart

# With the ticket's 三包 decision (a string path, no import of warranty): the work order shows it, no extra query.
DETAIL_RELATED = ("ticket", "ticket__customer", "ticket__device", "ticket__engineer", "ticket__warranty_decision",
                  "engineer")


def work_orders_visible_to(*, user) -> QuerySet[WorkOrder]:
    return WorkOrder.objects.filter(ticket__in=tickets_visible_to(user=user).values("pk"))


def work_order_get_for_user(*, user, number: str) -> WorkOrder:
    """Invisible (another engineer's ticket) → 404: never reveal that it exists."""
    return get_object_or_404(work_orders_visible_to(user=user).select_related(*DETAIL_RELATED), number=number)


def work_order_parts(*, work_order: WorkOrder) -> list[WorkOrderPart]:
    return list(work_order.parts.order_by("id"))


def visit_facts(*, ticket: Ticket) -> dict[str, Any]:
    """What the customer is told of a planned visit (tickets.hooks customer facts): the window of the next
    visit still to come — scheduled or on its way; one query. Nothing once the engineer is on site."""
    coming = (WorkOrderStatus.SCHEDULED, WorkOrderStatus.EN_ROUTE)
    visit = (WorkOrder.objects.filter(ticket_id=ticket.pk, status__in=coming)
             .order_by("window_start").only("window_start", "window_end", "status").first())
    if visit is None:
        return {}
    return {"visit_start": visit.window_start, "visit_end": visit.window_end,
            "visit_en_route": visit.status == WorkOrderStatus.EN_ROUTE}


def ticket_has_work_orders() -> Exists:
    """The ticket page's ticket query carries it as `has_fieldservice` (tickets.hooks panel `exists`)."""
    return Exists(WorkOrder.objects.filter(ticket=OuterRef("pk")))


def work_orders_for_ticket(*, ticket: Ticket) -> QuerySet[WorkOrder]:
    if getattr(ticket, "has_fieldservice", True) is False:
        return WorkOrder.objects.none()  # the page's ticket query said there are none: no query
    return (ticket.work_orders.select_related("engineer")
            .prefetch_related(Prefetch("parts", queryset=WorkOrderPart.objects.order_by("id")))
            .order_by("-seq"))


def work_order_list(*, user, filters: Mapping[str, Any]) -> QuerySet[WorkOrder]:
    qs = work_orders_visible_to(user=user)
    if statuses := filters.get("status"):
        qs = qs.filter(status__in=statuses)
    if filters.get("open_only"):
        qs = qs.filter(status__in=sorted(OPEN_WORK_ORDER))
    if engineer := filters.get("engineer"):
        qs = qs.filter(engineer=engineer)
    return (qs.select_related("ticket", "ticket__customer", "engineer")
            .prefetch_related(Prefetch("parts", queryset=WorkOrderPart.objects.order_by("id"))))


def engineer_visits(*, user) -> QuerySet[WorkOrder]:
    """My open visits, the earliest appointment first: the engineer's day on the phone."""
    return (WorkOrder.objects.filter(ticket__engineer=user, status__in=sorted(OPEN_WORK_ORDER))
            .select_related("ticket", "ticket__customer", "ticket__device")
            .order_by("window_start", "id"))
