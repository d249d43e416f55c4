"""Reads on tickets, always scoped to the user first (tickets_visible_to)."""
import base64
import re
from collections.abc import Mapping
from datetime import datetime, time
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.roles import Role, user_has_role
from core.validation import phone_search_key

from .choices import OPEN_STATUSES
from .models import Customer, Device, Ticket, TicketEvent

NUMBER_RE = re.compile(r"^SD-\d{8}-\d{4,}$", re.IGNORECASE)
LIST_RELATED = ("customer", "device", "engineer")


def tickets_visible_to(*, user) -> QuerySet[Ticket]:
    if user_has_role(user, Role.MANAGER, Role.RECEPTION):
        return Ticket.objects.all()
    if user_has_role(user, Role.ENGINEER):
        return Ticket.objects.filter(engineer=user)
    partner = getattr(user, "partner", None) if user_has_role(user, Role.PARTNER) else None
    if partner is not None:
        return Ticket.objects.filter(partner=partner)
    return Ticket.objects.none()


def ticket_get_for_user(*, user, pk: int | None = None, number: str | None = None, for_write: bool = False) -> Ticket:
    """Invisible → 404 (never reveal that it exists); visible but read-only → 403."""
    lookup = {"pk": pk} if pk is not None else {"number": number}
    ticket = get_object_or_404(tickets_visible_to(user=user).select_related(*LIST_RELATED, "partner"), **lookup)
    if for_write and not user_has_role(user, Role.RECEPTION, Role.ENGINEER, Role.MANAGER, Role.PARTNER):
        raise PermissionDenied
    return ticket


def _search(qs: QuerySet[Ticket], q: str) -> QuerySet[Ticket]:
    """Exact, indexed lookups only: the shape of the query decides which index answers it."""
    q = q.strip()
    if NUMBER_RE.match(q):
        return qs.filter(number=q.upper())
    digits = re.sub(r"[\s-]", "", q)
    if digits.isdigit() and len(digits) == 15:
        return qs.filter(device__in=Device.objects.filter(imei=digits).values("pk"))
    if phone := phone_search_key(q):
        return qs.filter(customer__in=Customer.objects.filter(phone=phone).values("pk"))
    if q:
        by_serial = Device.objects.filter(serial=q).values("pk")
        by_name = Customer.objects.filter(name__startswith=q).values("pk")
        return qs.filter(Q(customer__in=by_name) | Q(device__in=by_serial))
    return qs


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
            qs = qs.filter(**{f"{field}__in": values if isinstance(values, (list, tuple)) else [values]})
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
    return qs


SORTS = {
    "-created_at": ("-created_at", "-id"),
    "created_at": ("created_at", "id"),
    "-updated_at": ("-updated_at", "-id"),
}


def ticket_list(*, user, filters: Mapping[str, Any]) -> QuerySet[Ticket]:
    ordering = SORTS.get(filters.get("sort") or "-created_at", SORTS["-created_at"])
    return ticket_filter(user=user, filters=filters).select_related(*LIST_RELATED).order_by(*ordering)


def encode_cursor(ticket: Ticket, sort: str) -> str:
    field = SORTS.get(sort, SORTS["-created_at"])[0].lstrip("-")
    raw = f"{getattr(ticket, field).isoformat()}|{ticket.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def keyset_page(qs: QuerySet[Ticket], *, sort: str, cursor: str | None, size: int) -> tuple[list[Ticket], str | None]:
    """One page after `cursor` plus the next cursor; no OFFSET, no COUNT(*)."""
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
            qs = qs.filter(Q(**{f"{field}__{op}": stamp}) | Q(**{field: stamp, f"pk__{op}": pk}))
    rows = list(qs[: size + 1])
    next_cursor = encode_cursor(rows[size - 1], sort) if len(rows) > size else None
    return rows[:size], next_cursor


def engineer_queue(*, user) -> QuerySet[Ticket]:
    """My open tickets, nearest due first (tickets without a running clock last)."""
    from django.db.models import F

    return (
        Ticket.objects.filter(engineer=user, status__in=sorted(OPEN_STATUSES))
        .select_related("customer", "device")
        .order_by(F("next_due_at").asc(nulls_last=True), "id")
    )


def ticket_timeline(*, ticket: Ticket) -> QuerySet[TicketEvent]:
    return ticket.events.select_related("actor").order_by("at", "id")


def engineers_active() -> QuerySet:
    return get_user_model().objects.filter(is_active=True, groups__name=Role.ENGINEER).order_by("username")


def customer_find_by_phone(*, phone: str) -> Customer | None:
    key = phone_search_key(phone)
    return Customer.objects.filter(phone=key).order_by("id").first() if key else None
