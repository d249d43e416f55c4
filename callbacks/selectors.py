"""Reads on callbacks and complaints. Only the desk (reception, managers) works callbacks: anyone
else gets an empty queryset, whatever page or endpoint asked."""
from datetime import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from core.roles import Role, user_has_role
from tickets.models import Ticket
from tickets.engineering.models import TicketSolution

from .choices import OPEN_STATES, CallbackState
from .models import Callback, CallbackAttempt, Complaint

LIST_RELATED = ("ticket", "ticket__engineer", "customer", "device", "complaint_ticket")


def _desk_callbacks(user) -> QuerySet[Callback]:
    if not user_has_role(user, Role.RECEPTION, Role.MANAGER):
        return Callback.objects.none()
    return Callback.objects.all()


def _attempts_prefetch() -> Prefetch:
    return Prefetch("calls", queryset=CallbackAttempt.objects.select_related("by").order_by("number"))


def _for_the_desk(qs: QuerySet[Callback]) -> QuerySet[Callback]:
    """What a card on the desk shows, joined or annotated in the same query: the phone script depends on
    whether a callback already failed or the customer complained; the caller reads the latest solution."""
    latest_solution = TicketSolution.objects.filter(ticket=OuterRef("ticket")).order_by("-recorded_at", "-id")
    return qs.select_related(*LIST_RELATED).annotate(
        failed_before=Exists(Callback.objects.filter(ticket=OuterRef("ticket"), state=CallbackState.FAILED)),
        has_complaint=Exists(Complaint.objects.filter(source_ticket=OuterRef("ticket"))),
        solution_result=Subquery(latest_solution.values("result")[:1]),
    ).prefetch_related(_attempts_prefetch())


def callbacks_due(*, user, now: datetime) -> QuerySet[Callback]:
    """The desk's list, by due time: every callback waiting for its first call, and retries whose time
    has come (the beat sweep flips those back to "due" too, but the list does not wait for it).
    One query plus one for the attempts, however many rows."""
    open_now = Q(state=CallbackState.DUE) | Q(state=CallbackState.UNREACHABLE, due_at__lte=now)
    return _for_the_desk(_desk_callbacks(user).filter(open_now)).order_by("due_at", "id")


def callback_get_for_user(*, user, pk: int) -> Callback:
    """Not the desk → 404: callbacks are invisible to other roles."""
    return get_object_or_404(_for_the_desk(_desk_callbacks(user)).select_related("policy"), pk=pk)


def callback_open_for_ticket(*, ticket: Ticket) -> Callback | None:
    return Callback.objects.filter(ticket=ticket, state__in=OPEN_STATES).order_by("-created_at", "-id").first()


def callbacks_for_ticket(*, ticket: Ticket) -> list[Callback]:
    return list(Callback.objects.filter(ticket=ticket).select_related("completed_by", "complaint_ticket")
                .prefetch_related(_attempts_prefetch()).order_by("-created_at", "-id"))


def callbacks_flagged(*, user) -> QuerySet[Callback]:
    """Closed as unreachable, waiting for a manager to look at them."""
    if not user_has_role(user, Role.MANAGER):
        return Callback.objects.none()
    return (Callback.objects.filter(manager_flagged=True, flag_acknowledged_at__isnull=True)
            .select_related(*LIST_RELATED).order_by("-flagged_at", "-id"))


def complaints_open(*, user) -> QuerySet[Complaint]:
    if not user_has_role(user, Role.RECEPTION, Role.MANAGER):
        return Complaint.objects.none()
    return (Complaint.objects.filter(answered_at__isnull=True)
            .select_related("ticket", "ticket__customer", "ticket__engineer", "source_ticket")
            .order_by("promised_answer_at", "id"))


def complaint_for_ticket(*, ticket: Ticket) -> Complaint | None:
    return Complaint.objects.filter(ticket=ticket).select_related("source_ticket").first()
