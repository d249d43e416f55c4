"""Reads on tickets, always scoped to the user first (tickets_visible_to)."""
import base64
import re
from collections.abc import Mapping
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.compiled import IdsQuery
from core.roles import Role, user_has_role
from core.validation import phone_search_key

from . import hooks
from .choices import OPEN_STATUSES, Status
from .list_rows import ListRow, page_rows
from .models import Customer, Device, Ticket, TicketEvent
from .search import digits_only, search_q

NUMBER_RE = re.compile(r"^SD-\d{8}-\d{4,}$", re.IGNORECASE)
LIST_RELATED = ("customer", "device", "engineer", "partner",
                "warranty_decision", "warranty_decision__policy")  # 三包 summary in lists: joined, not N+1


# Lists join only the row's own data and prefetch the rest (one simple query each):
# PostgreSQL's planning time grows steeply with every joined table — the 7-table list query took ~9 ms to
# plan and under 1 ms to run at 1,000,000 tickets — while a prefetch costs a fraction of a millisecond.
LIST_JOINED = ("customer", "device")


def with_list_related(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """LIST_RELATED for many rows: customer and device joined, other apps' prefetches through tickets.hooks
    (none today: warranty's 三包 summary and sla's clocks are `load` hooks); the engineer, partner and survivor
    come with load_list_people()."""
    qs = qs.select_related(*LIST_JOINED)
    for rows in hooks.row_extensions():
        if rows.prefetch is not None:
            qs = rows.prefetch(qs)
    return qs


# What a list row shows of the engineer (the API: the login; desk.person: the name). The whole user row would
# bring the password hash, flags and dates for nothing.
ENGINEER_FIELDS = ("username", "first_name", "last_name")


def load_list_people(tickets: list[Ticket]) -> list[Ticket]:
    """The engineer, partner and survivor (merged_into) of each ticket, one query each that some row needs.
    Not prefetch_related: its machinery cost ~2,900 Python calls per 25 rows for the partner and survivor alone —
    which nearly every ticket lacks, so they ran no query at all — and ~3,200 for the engineers."""
    for name, query in _PEOPLE_QUERIES.items():
        field = Ticket._meta.get_field(name)
        wanted = {pk for ticket in tickets if (pk := getattr(ticket, field.attname)) is not None}
        if not wanted:
            continue  # every row's value is None: the attribute reads None without a query
        by_pk = {person.pk: person for person in query.objects(sorted(wanted))}
        for ticket in tickets:
            if (pk := getattr(ticket, field.attname)) in by_pk:
                field.set_cached_value(ticket, by_pk[pk])
    return tickets


def _people_query(name: str, fields: tuple[str, ...] = ()) -> IdsQuery:
    def build(ids):
        model = Ticket._meta.get_field(name).related_model
        queryset = model._default_manager.filter(pk__in=ids).order_by()  # as in_bulk: no ORDER BY
        return queryset.only(*fields) if fields else queryset
    return IdsQuery(build)


# Compiled once (core.compiled): in_bulk() built and compiled each statement again on every page.
_PEOPLE_QUERIES = {"engineer": _people_query("engineer", ENGINEER_FIELDS), "partner": _people_query("partner"),
                   "merged_into": _people_query("merged_into")}


def load_row_extensions(tickets: list[Ticket]) -> list[Ticket]:
    """What other apps attach to a page of rows, one query each (sla: the clocks as `listed_clocks`)."""
    for rows in hooks.row_extensions():
        if rows.load is not None:
            rows.load(tickets)
    return tickets


def tickets_visible_to(*, user) -> QuerySet[Ticket]:
    if user_has_role(user, Role.MANAGER, Role.RECEPTION):
        return Ticket.objects.all()
    if user_has_role(user, Role.ENGINEER):
        return Ticket.objects.filter(engineer=user)
    partner = getattr(user, "partner", None) if user_has_role(user, Role.PARTNER) else None
    if partner is not None:
        return Ticket.objects.filter(partner=partner)
    return Ticket.objects.none()


def ticket_get_for_user(*, user, pk: int | None = None, number: str | None = None, for_write: bool = False,
                        for_page: bool = False) -> Ticket:
    """Invisible → 404 (never reveal that it exists); visible but read-only → 403. `for_page`: the ticket page's
    one ticket query also says whether anything was merged into it and which panels have rows (`has_<app>`,
    tickets.hooks panels), so empty cards and a ticket without duplicates cost no query of their own."""
    lookup = {"pk": pk} if pk is not None else {"number": number}
    qs = tickets_visible_to(user=user).select_related(*LIST_RELATED)
    if for_page:
        qs = qs.annotate(has_merged=Exists(Ticket.objects.filter(merged_into=OuterRef("pk"))),
                         **hooks.panel_annotations())
    ticket = get_object_or_404(qs, **lookup)
    if for_write and not user_has_role(user, Role.RECEPTION, Role.ENGINEER, Role.MANAGER, Role.PARTNER):
        raise PermissionDenied
    return ticket


def _search(qs: QuerySet[Ticket], q: str) -> QuerySet[Ticket]:
    """Whole values by their exact, indexed lookups; anything else by fragment (tickets/search.py)."""
    q = q.strip()
    if NUMBER_RE.match(q):
        return qs.filter(number=q.upper())
    digits = re.sub(r"[\s-]", "", q)
    if digits.isdigit() and len(digits) == 15:
        return qs.filter(device__in=Device.objects.filter(imei=digits).values("pk"))
    if phone := phone_search_key(q):
        return qs.filter(customer__in=Customer.objects.filter(phone=phone).values("pk"))
    if len(q) >= 2 and (fragment := search_q(q)) is not None:
        # The end of a number, 4+ digits of a phone, part of a name, model or serial, words of the fault: one
        # column of the ticket under one trigram index (PostgreSQL), so no OR across joined tables.
        return qs.filter(fragment)
    if q:
        # One character (王): a name prefix, as before — too short for a fragment, the name index answers it.
        # Never `customer IN … OR device IN …`: PostgreSQL can only answer that by walking every ticket newest
        # first (2.8 s for a name nobody has, at 1M tickets); a serial is looked up first and UNION-ed in.
        by_name = Customer.objects.filter(name__startswith=q).values("pk")
        serial_devices = list(Device.objects.filter(serial=q).values_list("pk", flat=True)[:100])
        if not serial_devices:
            return qs.filter(customer__in=by_name)
        return qs.filter(pk__in=Ticket.objects.filter(customer__in=by_name).values("pk").union(
            Ticket.objects.filter(device__in=serial_devices).values("pk"), all=True))
    return qs


# How many rows the list says match, at most: beyond it "200+" (ticket_first_page: it stops at the 201st row,
# where a full COUNT(*) reads every matching row — all of a million). Was 1,000: for a word in 3-5 % of the
# tickets (a given name, a model, a fault) stopping at the 1,001st match read 20,000-33,000 rows, 16-27 ms of
# the search's SQL at 1M; 200 read a fifth of that. Past a few hundred the desk narrows the search anyway.
MATCH_COUNT_CAP = 200


def _day_start(value) -> datetime:
    return timezone.make_aware(datetime.combine(value, time.min))


def ticket_filter(*, user, filters: Mapping[str, Any]) -> QuerySet[Ticket]:
    qs = tickets_visible_to(user=user)
    if statuses := filters.get("status"):
        qs = qs.filter(status__in=statuses)
    if filters.get("open_only"):
        qs = qs.filter(status__in=sorted(OPEN_STATUSES))
    for field in ("kind", "channel", "priority"):
        if values := filters.get(field):
            # the page's form gives one string, the API's MultipleChoiceField a set: both mean "any of these".
            qs = qs.filter(**{f"{field}__in": [values] if isinstance(values, str) else sorted(values)})
    if engineer := filters.get("engineer"):
        qs = qs.filter(engineer=engineer)
    if partner := filters.get("partner"):
        qs = qs.filter(partner=partner)
    if created_from := filters.get("created_from"):
        qs = qs.filter(created_at__gte=_day_start(created_from))
    if created_to := filters.get("created_to"):
        qs = qs.filter(created_at__lt=_day_start(created_to) + timezone.timedelta(days=1))
    if updated_since := filters.get("updated_since"):
        qs = qs.filter(updated_at__gte=updated_since)
    if q := filters.get("q"):
        qs = _search(qs, q)
    if category := filters.get("category"):
        qs = qs.filter(device__category=category)
    if ageing := filters.get("ageing"):
        qs = qs.filter(ageing_q(ageing, now=timezone.now()))
    for rows in hooks.row_extensions():  # sla: the dashboard's drill-down by step and outcome
        if rows.filter is not None:
            qs = rows.filter(qs, filters)
    return qs


# Dashboard drill-down (dashboard/filters.py). Ageing is wall-clock time since registration, open tickets.
AGEING_BUCKETS: dict[str, tuple[timedelta | None, timedelta | None]] = {
    "lt1h": (None, timedelta(hours=1)), "lt4h": (timedelta(hours=1), timedelta(hours=4)),
    "lt24h": (timedelta(hours=4), timedelta(hours=24)), "lt3d": (timedelta(hours=24), timedelta(days=3)),
    "older": (timedelta(days=3), None),
}
SLA_STEPS = ("preprocess", "dispatch", "first_reply", "solution", "callback")
SLA_OUTCOMES = ("met", "breached", "open_breach", "warned")


def ageing_q(bucket: str, *, now: datetime) -> Q:
    """Open tickets registered [min, max) ago (ticket_status_created index: status IN … AND created_at range)."""
    younger_than_min, older_than_max = AGEING_BUCKETS[bucket]
    q = Q(status__in=sorted(OPEN_STATUSES))
    if younger_than_min is not None:
        q &= Q(created_at__lte=now - younger_than_min)
    if older_than_max is not None:
        q &= Q(created_at__gt=now - older_than_max)
    return q


SORTS = {
    "-created_at": ("-created_at", "-id"),
    "created_at": ("created_at", "id"),
    "-updated_at": ("-updated_at", "-id"),
}


def ticket_list(*, user, filters: Mapping[str, Any]) -> QuerySet[Ticket]:
    ordering = SORTS.get(filters.get("sort") or "-created_at", SORTS["-created_at"])
    return ticket_filter(user=user, filters=filters).order_by(*ordering)


def encode_cursor(ticket: Ticket | ListRow, sort: str) -> str:
    field = SORTS.get(sort, SORTS["-created_at"])[0].lstrip("-")
    raw = f"{getattr(ticket, field).isoformat()}|{ticket.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


# What a row of the list page shows (tickets/templatetags/ticket_rows.py), all joined: three small joins plan
# and run faster than any prefetch, and only the ~20 columns of tickets/list_rows.py's ROW_VALUES of the four
# tables' ~60 are read — as plain values, not models. The page needs neither the partner nor the 三包 decision
# (the API's rows do: tickets_in_order).


def keyset_page(qs: QuerySet[Ticket], *, sort: str, cursor: str | None, size: int) -> tuple[list[ListRow], str | None]:
    """One page after `cursor` plus the next cursor; no OFFSET, no COUNT(*).

    The page is sorted and cut on the tickets table alone and only its rows are joined: joined first,
    PostgreSQL joins every matching row before sorting (3,700 for two open statuses at 1M tickets)."""
    ordering = SORTS.get(sort, SORTS["-created_at"])
    field, descending = ordering[0].lstrip("-"), ordering[0].startswith("-")
    if cursor:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
            stamp_raw, pk_raw = raw.rsplit("|", 1)
            stamp, pk = parse_datetime(stamp_raw), int(pk_raw)
        except (ValueError, UnicodeDecodeError):
            stamp, pk = None, None
        if stamp is not None:
            op = "lt" if descending else "gt"
            # The plain `field <= stamp` lets the index seek to the cursor; the OR alone is only a filter,
            # and PostgreSQL would walk every newer row first (all of them, deep in a million).
            qs = qs.filter(Q(**{f"{field}__{op}e": stamp}),
                           Q(**{f"{field}__{op}": stamp}) | Q(**{field: stamp, f"pk__{op}": pk}))
    return _page_rows(qs.values("pk")[: size + 1], sort=sort, size=size)


def _page_rows(ids, *, sort: str, size: int) -> tuple[list[ListRow], str | None]:
    """The rows of a page (up to size + 1 ids: the extra one says there is a next page), only they joined."""
    rows = page_rows(ids, SORTS.get(sort, SORTS["-created_at"]))
    next_cursor = encode_cursor(rows[size - 1], sort) if len(rows) > size else None
    return rows[:size], next_cursor


def ticket_first_page(qs: QuerySet[Ticket], *, sort: str, size: int, q: str = "") -> tuple[
        list[ListRow], str | None, int, bool]:
    """The first page and how many match, capped: (rows, next cursor, count, capped — more than
    MATCH_COUNT_CAP match).

    Digits searched (`q`, search.digits_only): one scan answers both — the ids of up to cap + 1 matches in the
    list's order; the page is the first size + 1 of them, and only its rows are joined. Their matches come from
    the trigram index and are all read and sorted for the page anyway; a separate count read them again (half of
    such a page's SQL at 1M, bench/README.md).
    Anything else: the page and, when it is full, a COUNT over a LIMIT cap + 1 subquery, which stops at the
    201st match in any order. An ordered scan of 1,001 sorted every match when the planner misjudged how many
    there are — two open statuses (36,007 sorted, 36 ms), "mate 60" (two words, estimated 4,498, really 76,753:
    440 ms against 35 ms for the count) — and walks further than the count for a common word."""
    cap = MATCH_COUNT_CAP
    if q and digits_only(q):
        ids = list(qs.order_by(*SORTS.get(sort, SORTS["-created_at"])).values_list("pk", flat=True)
                   [: max(cap, size) + 1])
        rows, next_cursor = _page_rows(ids[: size + 1], sort=sort, size=size)
        found = len(ids)
    else:
        rows, next_cursor = keyset_page(qs, sort=sort, cursor=None, size=size)
        # A first page that is not full holds every match (a rare word, a phone with a status): no count to run.
        found = len(rows) if next_cursor is None else qs.order_by().values("pk")[: cap + 1].count()
    return rows, next_cursor, min(found, cap), found > cap


# The rows' statement (tickets with customer and device), compiled once: ~2,400 Python calls a page otherwise.
_PAGE_TICKETS = IdsQuery(lambda ids: Ticket.objects.filter(pk__in=ids).select_related(*LIST_JOINED))


def tickets_in_order(ids: list[int], *, extended: bool = False) -> list[Ticket]:
    """The list rows of a page cut on the tickets table alone (see keyset_page), in the order of `ids`;
    `extended`: with what other apps attach to rows (the API's SLA clocks)."""
    if any(rows.prefetch is not None for rows in hooks.row_extensions()):
        tickets = with_list_related(Ticket.objects.filter(pk__in=ids))  # an app's prefetch: the ORM's way
    else:
        tickets = _PAGE_TICKETS.objects(ids)
    by_pk = {ticket.pk: ticket for ticket in tickets}
    rows = load_list_people([by_pk[pk] for pk in ids if pk in by_pk])
    return load_row_extensions(rows) if extended else rows


# The engineer's work: from dispatch until the solution (then the ticket is the callback desk's, seed 002).
ENGINEER_QUEUE_STATUSES = (Status.DISPATCHED, Status.REPLIED, Status.WAITING, Status.REOPENED)


def engineer_queue(*, user) -> QuerySet[Ticket]:
    """My tickets still to work on, nearest due first (tickets without a running clock last).
    A subset of OPEN_STATUSES, so the partial index ticket_engineer_queue still answers it."""
    return (
        Ticket.objects.filter(engineer=user, status__in=ENGINEER_QUEUE_STATUSES)
        .select_related("customer", "device", "warranty_decision")  # _queue_warranty.html
        .order_by(F("next_due_at").asc(nulls_last=True), "id")
    )


def ticket_timeline(*, ticket: Ticket) -> QuerySet[TicketEvent]:
    return ticket.events.select_related("actor").order_by("at", "id")


def engineers_active() -> QuerySet:
    return get_user_model().objects.filter(is_active=True, groups__name=Role.ENGINEER).order_by("username")


def customer_find_by_phone(*, phone: str) -> Customer | None:
    key = phone_search_key(phone)
    return Customer.objects.filter(phone=key).order_by("id").first() if key else None
