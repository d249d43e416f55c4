"""Reads for 三包: the current policy snapshots (cached per process) and a device's recorded history.

Policy cache: every process keeps the newest active version of each code as frozen snapshots, loaded
with ONE query. A generation token in the shared cache (Redis) says whether that copy is still current;
any write to a policy or its rules replaces the token (warranty/signals.py), so every process reloads
on its next evaluation. A warm evaluation therefore costs no SQL at all; a cold one, one query. If the
shared cache is unreachable, every call reloads (correct, one query); the copy also expires after
POLICY_CACHE_SECONDS in case a token change was ever lost.

Choosing a policy (documented mapping): the ticket's product category and whether it was sold online
select, among the current versions marked "chosen automatically", the one for that category whose
`applies_to_sales` matches exactly (online / shop) before one for any sale; among equals the newest
version wins. Shipped: phone → phone, appliance → appliance, computer → computer, furniture →
furniture (any sale); other goods sold online → online. Other goods sold in a shop have no policy
until a manager adds one: no decision is made for them. A caller may name a code instead (online_30).

Rest days (statutory_rest_days): a 三包 period whose last day is a statutory rest day ends on the day after
the rest (warranty/rules.py). The State Council schedule comes from chinese_calendar for the years it ships;
for later years, from the holidays and 调休 days entered in the SLA working calendars (sla's cached snapshot,
which the admin or `import_holidays` fills) — the same data the SLA clocks count with, and no query when warm.
"""
from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date
from functools import lru_cache

import chinese_calendar
from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.cache import shared_token, shared_token_forget
from sla.snapshot import snapshot_get
from tickets.choices import ProductCategory, SolutionKind
from tickets.models import Device, Ticket, TicketSolution

from .choices import SalesChannel
from .models import WarrantyComponentRule, WarrantyDecision, WarrantyPolicy
from .rules import RestDays, WarrantyPolicySnapshot
from .snapshots import snapshot_from_rows

logger = logging.getLogger(__name__)

GENERATION_KEY = "warranty:policies:generation"
POLICY_CACHE_SECONDS = 300.0


@dataclass(frozen=True)
class CurrentPolicy:
    """A current policy version: its frozen snapshot plus what a decision row must point at."""

    pk: int
    snapshot: WarrantyPolicySnapshot
    applies_to_category: str
    applies_to_sales: str
    is_default: bool

    @property
    def code(self) -> str:
        return self.snapshot.code

    @property
    def version(self) -> int:
        return self.snapshot.version


@dataclass(frozen=True)
class PolicyRegistry:
    by_code: Mapping[str, CurrentPolicy]
    by_sale: Mapping[tuple[str, bool], CurrentPolicy]  # (product category, sold online) → policy

    def choose(self, *, category: str, sold_online: bool, code: str | None = None) -> CurrentPolicy | None:
        if code:
            return self.by_code.get(code)
        return self.by_sale.get((category, bool(sold_online)))

    def components_by_category(self) -> dict[str, list[str]]:
        """Components reception may pick per product category (from the policies chosen for it)."""
        result: dict[str, list[str]] = {}
        for (category, _online), current in sorted(self.by_sale.items()):
            known = result.setdefault(category, [])
            known += [c for c in current.snapshot.components if c not in known]
        return result


def policy_choose(policies: Iterable[CurrentPolicy], *, category: str, sold_online: bool) -> CurrentPolicy | None:
    """The documented mapping (module docstring), as a pure function over the current versions."""
    sale = SalesChannel.ONLINE if sold_online else SalesChannel.SHOP
    candidates = [p for p in policies if p.is_default and p.applies_to_category == category
                  and p.applies_to_sales in (sale, SalesChannel.ANY)]
    candidates.sort(key=lambda p: (p.applies_to_sales == SalesChannel.ANY, -p.pk))
    return candidates[0] if candidates else None


def _registry_build(policies: list[CurrentPolicy]) -> PolicyRegistry:
    by_sale = {}
    for category in ProductCategory.values:
        for online in (False, True):
            if (chosen := policy_choose(policies, category=category, sold_online=online)) is not None:
                by_sale[(category, online)] = chosen
    return PolicyRegistry(by_code={p.code: p for p in policies}, by_sale=by_sale)


def _registry_load() -> PolicyRegistry:
    """One query: the rules of every current version (newest active per code), each with its policy."""
    newer = WarrantyPolicy.objects.filter(code=OuterRef("policy__code"), is_active=True,
                                          version__gt=OuterRef("policy__version"))
    rows = (WarrantyComponentRule.objects.filter(policy__is_active=True).filter(~Exists(newer))
            .select_related("policy").order_by("policy_id", "id"))
    grouped: dict[int, tuple[WarrantyPolicy, list[WarrantyComponentRule]]] = {}
    for rule in rows:
        grouped.setdefault(rule.policy_id, (rule.policy, []))[1].append(rule)
    current = []
    for policy, rules in grouped.values():
        try:
            snapshot = snapshot_from_rows(policy, rules)
        except ValueError:  # the admin validates; a broken row must not take the desk down
            logger.exception("warranty policy %s v%s is invalid and is skipped", policy.code, policy.version)
            continue
        current.append(CurrentPolicy(policy.pk, snapshot, policy.applies_to_category, policy.applies_to_sales,
                                     policy.is_default))
    return _registry_build(current)


@dataclass
class _ProcessCache:
    generation: str | None = None
    registry: PolicyRegistry | None = None
    loaded_at: float = 0.0


_process_cache = _ProcessCache()
_lock = threading.Lock()


def _generation() -> str | None:
    try:
        return shared_token(GENERATION_KEY, uuid.uuid4().hex)  # read once per request (core/cache.py)
    except Exception:  # noqa: BLE001 — no shared cache: fall back to reloading every time
        logger.warning("warranty policy cache: shared cache unreachable, reloading policies", exc_info=True)
        return None


def policy_registry() -> PolicyRegistry:
    global _process_cache
    generation = _generation()
    state = _process_cache
    if (state.registry is not None and generation is not None and state.generation == generation
            and time.monotonic() - state.loaded_at < POLICY_CACHE_SECONDS):
        return state.registry
    registry = _registry_load()
    with _lock:
        _process_cache = _ProcessCache(generation, registry, time.monotonic())
    return registry


def policy_cache_invalidate() -> None:
    """Forget this process's copy and tell every other process to reload (a new generation token)."""
    global _process_cache
    with _lock:
        _process_cache = _ProcessCache()
    shared_token_forget(GENERATION_KEY)
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # noqa: BLE001 — other processes reload when their copy expires
        logger.warning("warranty policy cache: could not publish a new generation", exc_info=True)


def policy_snapshot_for(*, category: str, sold_online: bool, code: str | None = None) -> CurrentPolicy | None:
    """The current policy for a product category and sale (or the named code); None if none applies."""
    return policy_registry().choose(category=category, sold_online=sold_online, code=code)


def component_error(*, category: str, sold_online: bool, component: str, code: str | None = None) -> str | None:
    """Why `component` cannot be decided for this product, or None when it can (or no policy applies)."""
    current = policy_snapshot_for(category=category, sold_online=sold_online, code=code)
    if current is None or component in current.snapshot.components:
        return None
    return ", ".join(current.snapshot.components)


# --- statutory rest days -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _package_schedule() -> tuple[int, frozenset[date], frozenset[date]]:
    """(last year chinese_calendar knows, its holidays, its 调休 working weekend days)."""
    return (max(chinese_calendar.holidays).year, frozenset(chinese_calendar.holidays),
            frozenset(d for d in chinese_calendar.workdays if d.weekday() >= 5))


_rest_days_cache: dict[int, tuple[object, RestDays]] = {}


def statutory_rest_days() -> RestDays:
    """Weekends, public holidays and 调休 as one value for decide(); rebuilt only when the SLA snapshot is."""
    snapshot = snapshot_get()
    cached = _rest_days_cache.get(0)
    if cached is not None and cached[0] is snapshot:
        return cached[1]
    last_known, holidays, workdays = _package_schedule()
    calendars = [cal for cal in snapshot.calendars.values() if not cal.always_open]
    later_holidays = {d for cal in calendars for d in cal.holidays if d.year > last_known}
    later_workdays = {d for cal in calendars for d in cal.makeup_days if d.year > last_known}
    rest_days = RestDays(holidays=holidays | later_holidays, workdays=workdays | later_workdays)
    _rest_days_cache[0] = (snapshot, rest_days)
    return rest_days


# --- the device's history --------------------------------------------------------------------------


@dataclass(frozen=True)
class PriorTicket:
    kind: str
    created_on: date
    closed_on: date | None
    fault: str | None  # from its warranty decision; None if it had none
    component: str | None
    exchanged_on: date | None  # a replacement was handed over (exchange solution or marked by a manager)


# The ORM spent more CPU building this query than PostgreSQL spends running it (it runs on every ticket create
# and every 三包 preview, issue 16): written once. Same statement the ORM wrote (same plan over the partial
# IMEI/serial indexes and ticket_device_created). SQLite hands dates and times back as text: converted below.
_PRIOR_SQL = (
    "SELECT t.kind, t.created_at, t.closed_at, w.fault, w.component, w.exchanged_on, "
    "(SELECT s.recorded_at FROM {solution} s WHERE s.kind = %s AND s.ticket_id = t.id "
    "ORDER BY s.recorded_at DESC LIMIT 1) "
    "FROM {ticket} t LEFT OUTER JOIN {decision} w ON t.id = w.ticket_id "
    "WHERE t.device_id IN (SELECT d.id FROM {device} d WHERE {match}) AND t.id <> %s "
    "ORDER BY t.created_at DESC LIMIT %s"
)


def _prior_sql(template: str, match: str) -> str:
    return template.format(solution=TicketSolution._meta.db_table, ticket=Ticket._meta.db_table,
                           decision=WarrantyDecision._meta.db_table, device=Device._meta.db_table, match=match)


_BY_IMEI, _BY_SERIAL = "d.imei = %s", "d.category = %s AND d.serial = %s"
_PRIOR_BY_IMEI, _PRIOR_BY_SERIAL = _prior_sql(_PRIOR_SQL, _BY_IMEI), _prior_sql(_PRIOR_SQL, _BY_SERIAL)

# PostgreSQL: the same rows, read per device through ticket_device_created (newest first, at most `limit` each)
# rather than every ticket of the item joined and sorted — an item with 1,700 tickets cost 6 ms of the server's
# time per create — and the days computed by the server in the desk's time zone, so the rows need no conversion.
_PRIOR_PG = (
    "SELECT t.kind, (t.created_at AT TIME ZONE %s)::date, (t.closed_at AT TIME ZONE %s)::date, w.fault, "
    "w.component, w.exchanged_on, (SELECT (s.recorded_at AT TIME ZONE %s)::date FROM {solution} s "
    "WHERE s.kind = %s AND s.ticket_id = t.id ORDER BY s.recorded_at DESC LIMIT 1) "
    "FROM {device} d CROSS JOIN LATERAL (SELECT t.id, t.kind, t.created_at, t.closed_at FROM {ticket} t "
    "WHERE t.device_id = d.id AND t.id <> %s ORDER BY t.created_at DESC LIMIT %s) t "
    "LEFT OUTER JOIN {decision} w ON t.id = w.ticket_id WHERE {match} ORDER BY t.created_at DESC LIMIT %s"
)

_PRIOR_PG_BY_IMEI, _PRIOR_PG_BY_SERIAL = _prior_sql(_PRIOR_PG, _BY_IMEI), _prior_sql(_PRIOR_PG, _BY_SERIAL)


def _as_datetime(value):
    if isinstance(value, str):  # SQLite: text in UTC
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):  # SQLite: a declared column comes back naive, in UTC
        value = timezone.make_aware(value, UTC)
    return value


def _as_date(value):
    return date.fromisoformat(value) if isinstance(value, str) else value


def device_prior_tickets(*, imei: str = "", serial: str = "", category: str = "",
                         exclude_ticket_id: int | None = None, limit: int = 100) -> list[PriorTicket]:
    """Earlier tickets about the same physical item (same IMEI, else same serial and category), in ONE
    query over the partial IMEI/serial indexes and ticket_device_created; newest first."""
    if imei:
        sql, params = _PRIOR_BY_IMEI, [imei]
    elif serial:
        sql, params = _PRIOR_BY_SERIAL, [category, serial]
    else:
        return []
    if connection.vendor == "postgresql":
        tz = timezone.get_current_timezone_name()
        pg_sql = _PRIOR_PG_BY_IMEI if imei else _PRIOR_PG_BY_SERIAL
        with connection.cursor() as cursor:
            cursor.execute(pg_sql, [tz, tz, tz, SolutionKind.EXCHANGE.value, exclude_ticket_id or 0, limit, *params,
                                    limit])
            return [PriorTicket(kind, created, closed, fault, component,
                                max((day for day in (marked_exchange, solution_day) if day), default=None))
                    for kind, created, closed, fault, component, marked_exchange, solution_day in cursor.fetchall()]
    # A ticket id is never 0 (serial keys start at 1): "exclude none" without a second statement shape.
    params = [SolutionKind.EXCHANGE.value, *params, exclude_ticket_id or 0, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    history = []
    tz = timezone.get_current_timezone()  # once: timezone.localdate per value looked it up 3 times a row (100 rows)
    for kind, created, closed, fault, component, marked_exchange, exchange_at in rows:
        created, closed, exchange_at = _as_datetime(created), _as_datetime(closed), _as_datetime(exchange_at)
        solution_day = exchange_at.astimezone(tz).date() if exchange_at else None
        marked_exchange = _as_date(marked_exchange)
        exchanged = max((day for day in (marked_exchange, solution_day) if day), default=None)
        history.append(PriorTicket(kind, created.astimezone(tz).date(), closed.astimezone(tz).date() if closed else None,
                                   fault, component, exchanged))
    return history
