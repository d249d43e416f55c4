"""Reads on callbacks and complaints. Only the desk (reception, managers) works callbacks: anyone
else gets an empty queryset, whatever page or endpoint asked."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
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


def _latest_solution():
    return TicketSolution.objects.filter(ticket=OuterRef("ticket")).order_by("-recorded_at", "-id")


def _for_the_desk(qs: QuerySet[Callback], *, calls: bool = True) -> QuerySet[Callback]:
    """What a card on the desk shows, joined or annotated in the same query: the phone script depends on
    whether a callback already failed or the customer complained; the caller reads the latest solution."""
    qs = qs.select_related(*LIST_RELATED).annotate(
        failed_before=Exists(Callback.objects.filter(ticket=OuterRef("ticket"), state=CallbackState.FAILED)),
        has_complaint=Exists(Complaint.objects.filter(source_ticket=OuterRef("ticket"))),
        solution_result=Subquery(_latest_solution().values("result")[:1]),
        solution_kind=Subquery(_latest_solution().values("kind")[:1]),
    )
    return qs.prefetch_related(_attempts_prefetch()) if calls else qs


def _open_now(user, now: datetime) -> QuerySet[Callback]:
    """Every callback waiting for its first call, and retries whose time has come (the beat sweep flips
    those back to "due" too, but the list does not wait for it)."""
    open_now = Q(state=CallbackState.DUE) | Q(state=CallbackState.UNREACHABLE, due_at__lte=now)
    return _desk_callbacks(user).filter(open_now)


def callbacks_due(*, user, now: datetime) -> QuerySet[Callback]:
    """The API's list, by due time. One query plus one for the attempts, however many rows."""
    return _for_the_desk(_open_now(user, now)).order_by("due_at", "id")


# --- the callback desk page: filters, a count per filter, a page of compact cards --------------------------

DUE_SOON_MINUTES = 30  # "due now" = overdue or due within this many minutes: the next half hour's calls


@dataclass(frozen=True)
class DeskFilters:
    due_now: bool = False
    retries: bool = False  # called before, never reached (a reached customer ends the callback)
    engineer_id: int | None = None  # who recorded the ticket's latest solution


@dataclass(frozen=True)
class DeskCounts:
    total: int  # rows the combined filters show
    due_now: int  # each filter's count keeps the other active filters: what ticking it would show
    retries: int
    engineers: tuple[tuple[object, int], ...]  # (user, count) by name; the chosen one even at 0


def _desk_base(user, now: datetime) -> QuerySet[Callback]:
    # The solver, not the ticket's current engineer: a not-fixed callback sends the ticket back to whoever
    # the desk picks, and the desk asks about the work of the one who solved it.
    return _open_now(user, now).annotate(solver_id=Subquery(_latest_solution().values("recorded_by")[:1]))


def _conditions(filters: DeskFilters, now: datetime) -> dict[str, Q]:
    return {
        "due_now": Q(due_at__lte=now + timedelta(minutes=DUE_SOON_MINUTES)) if filters.due_now else Q(),
        "retries": Q(attempts__gt=0) if filters.retries else Q(),
        "engineer": Q(solver_id=filters.engineer_id) if filters.engineer_id else Q(),
    }


def _combined(conditions: dict[str, Q], *, without: str = "") -> Q:
    q = Q()
    for name, condition in conditions.items():
        if name != without:
            q &= condition
    return q


def _count(q: Q) -> Count:
    return Count("id", filter=q) if q else Count("id")


def callback_desk_counts(*, user, now: datetime, filters: DeskFilters) -> DeskCounts:
    """Two grouped queries and one for the engineers' names, whatever the number of callbacks."""
    base, conditions = _desk_base(user, now), _conditions(filters, now)
    soon = Q(due_at__lte=now + timedelta(minutes=DUE_SOON_MINUTES))
    figures = base.aggregate(
        total=_count(_combined(conditions)),
        due_now=_count(_combined(conditions, without="due_now") & soon),
        retries=_count(_combined(conditions, without="retries") & Q(attempts__gt=0)))
    by_solver = dict(base.filter(_combined(conditions, without="engineer")).exclude(solver_id=None)
                     .values_list("solver_id").annotate(n=Count("id")).order_by())
    if filters.engineer_id:
        by_solver.setdefault(filters.engineer_id, 0)
    people = get_user_model().objects.filter(pk__in=by_solver).order_by("last_name", "first_name", "username")
    return DeskCounts(total=figures["total"], due_now=figures["due_now"], retries=figures["retries"],
                      engineers=tuple((person, by_solver[person.pk]) for person in people))


def callback_desk_list(*, user, now: datetime, filters: DeskFilters) -> QuerySet[Callback]:
    """The desk's cards, earliest due first. One query however many rows: a compact card shows the number
    of attempts, not each call (those are on the ticket page)."""
    qs = _desk_base(user, now).filter(_combined(_conditions(filters, now)))
    return _for_the_desk(qs, calls=False).order_by("due_at", "id")


def callback_get_for_user(*, user, pk: int) -> Callback:
    """Not the desk → 404: callbacks are invisible to other roles."""
    return get_object_or_404(_for_the_desk(_desk_callbacks(user)).select_related("policy"), pk=pk)


def callback_open_for_ticket(*, ticket: Ticket) -> Callback | None:
    return Callback.objects.filter(ticket=ticket, state__in=OPEN_STATES).order_by("-created_at", "-id").first()


def ticket_has_callbacks() -> Exists:
    """The ticket page's ticket query carries it as `has_callbacks` (tickets.hooks panel `exists`)."""
    return Exists(Callback.objects.filter(ticket=OuterRef("pk")))


def callbacks_for_ticket(*, ticket: Ticket) -> list[Callback]:
    if getattr(ticket, "has_callbacks", True) is False:
        return []  # the page's ticket query said there are none: no query
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
