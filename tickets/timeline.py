"""The one timeline writer: every TicketEvent row and every move of a ticket's `updated_at`/`version`.

Why one writer: partners sync with `?updated_since=` and guard their PATCH with `If-Match: <version>`.
Both only work if *every* change that shows on the ticket's timeline also moves `updated_at` and
`version` — when each app wrote "an event + bump" by hand, refunds forgot the bump and a partner never
saw a refund being paid. tests/tickets/test_timeline.py fails when any other module writes TicketEvent
or the ticket's `updated_at`/`version` itself.

Contract
--------
`timeline_record(ticket=, actor=, action=, ...)` → the new TicketEvent, or None when `expect` failed.
- One conditional UPDATE of the ticket row: `updated_at = at`, `version = version + 1` and the caller's
  extra `values` (status, stamps, engineer, priority…), filtered by `pk` and the `expect` guard
  (e.g. `{"status": old, "version": 3}`). If no row matches, nothing is written and None is returned:
  the caller raises its own error (409 stale, 412 If-Match), so the wording stays with the caller.
- Then one INSERT of the event, `at` being the same instant as `updated_at` (a caller that stamps
  other columns passes its own `at` so they agree to the microsecond; nobody backdates).
- So each event moves `updated_at` and `version` exactly once, and the ETag changes with the timeline.
- The in-memory `ticket` is kept in step: `values` set on it, `updated_at = at`, and `version` =
  `expect["version"] + 1` when the version was guarded, else the instance's own version + 1 (right as
  long as the instance was current — pass the instance you hold, do not load a second copy of the
  ticket in the same flow, or its version guard goes stale).
- It runs inside the caller's transaction (`atomic(savepoint=False)`: no extra SAVEPOINT query when
  one is open, a transaction of its own when none is), so an effect that fails later rolls it back.

`timeline_open(actor=, at=, **columns)` → the new Ticket. The one creation path: it inserts the row
with `created_at = updated_at = status_changed_at = at` and version 1, and its first event
("register" → the initial status). Version 1 *is* the ticket as registered: no second bump.
`timeline_open(..., number_day=day, search_text=<text without the sequence>)` also draws the ticket's number
(tickets/numbering.py) and ends the search text with its sequence: on PostgreSQL the counter, the ticket and its
event are ONE statement (three round trips were a fifth of an API create's, issue 16); elsewhere three.
`timeline_new(actor=, at=, **columns)` → that ticket unsaved, for a caller to show it to others first (the
`creating` hooks) and then insert the same instance with `timeline_open(..., ticket=it)`.

`timeline_touch(ticket=, at=)`: a change partners must see that has no timeline entry of its own
(an attachment added): `updated_at` and `version` move once, no event.

Reads of TicketEvent (selectors, the dashboard rollup) are free to stay where they are.
"""
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from datetime import date

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from core.sql import instance_new, json_dumps, json_row, prepared_cursor

from .models import Ticket, TicketEvent
from .numbering import NUMBER_CTE_SQL, ticket_number_format, ticket_number_next_value

# Columns only this module may set: they are the sync cursor and the ETag.
_OWN_COLUMNS = frozenset({"updated_at", "version", "created_at"})


def _check_values(values: Mapping[str, Any]) -> None:
    clash = _OWN_COLUMNS & set(values)
    if clash:  # a caller bumping these itself would make them move twice (or backwards)
        raise TypeError(f"timeline writes {', '.join(sorted(clash))} itself")


def _bump(*, ticket: Ticket, at: datetime, values: Mapping[str, Any], expect: Mapping[str, Any] | None) -> bool:
    guard = {"pk": ticket.pk, **(expect or {})}
    if Ticket.objects.filter(**guard).update(updated_at=at, version=F("version") + 1, **values) != 1:
        return False
    for key, value in values.items():
        setattr(ticket, key, value)
    base = expect["version"] if expect and "version" in expect else ticket.version
    ticket.updated_at, ticket.version = at, base + 1
    return True


def timeline_record(
    *,
    ticket: Ticket,
    actor,
    action: str,
    at: datetime | None = None,
    note: str = "",
    data: Mapping[str, Any] | None = None,
    from_status: str = "",
    to_status: str = "",
    values: Mapping[str, Any] | None = None,
    expect: Mapping[str, Any] | None = None,
) -> TicketEvent | None:
    """Append `action` to the ticket's timeline and bump the ticket once (see the module docstring)."""
    values = dict(values or {})
    _check_values(values)
    at = at or timezone.now()
    with transaction.atomic(savepoint=False):
        if not _bump(ticket=ticket, at=at, values=values, expect=expect):
            return None
        return TicketEvent.objects.create(
            ticket=ticket, actor=actor, action=action, from_status=from_status, to_status=to_status, at=at,
            note=note, data=dict(data or {}),
        )


def timeline_touch(*, ticket: Ticket, at: datetime | None = None) -> None:
    """The ticket changed in a way partners must see but the timeline does not list (an attachment)."""
    with transaction.atomic(savepoint=False):
        if not _bump(ticket=ticket, at=at or timezone.now(), values={}, expect=None):
            raise Ticket.DoesNotExist(f"ticket {ticket.pk} is gone")


_RELATIONS = frozenset(f.name for f in Ticket._meta.concrete_fields if f.is_relation)  # given as instances


def timeline_new(*, actor, at: datetime, **columns: Any) -> Ticket:
    """The unsaved ticket timeline_open inserts (created by `actor`, created = updated = status changed `at`,
    version 1): ticket_create shows it to the `creating` hooks, then opens this same instance."""
    _check_values(columns)
    related, values = {"created_by": actor}, {"created_at": at, "updated_at": at, "status_changed_at": at, "version": 1}
    for name, value in columns.items():
        (related if name in _RELATIONS else values)[name] = value
    return instance_new(Ticket, related, **values)  # Ticket(**…) without its keyword path (core.sql)


def timeline_open(*, actor, at: datetime | None = None, action: str = "register", number_day: date | None = None,
                  ticket: Ticket | None = None, **columns: Any) -> Ticket:
    """Insert a new ticket (created_by=actor) and its first event; version 1 is the ticket as registered.
    With `number_day`, the ticket's number is drawn for that day and its sequence ends `search_text`.
    `ticket`: timeline_new's instance for the same actor and instant, instead of `columns`."""
    at = at or timezone.now()
    if ticket is None:
        ticket = timeline_new(actor=actor, at=at, **columns)
    elif columns:
        raise TypeError("timeline_open: the columns of a given ticket are already on it")
    if number_day is not None and connection.vendor == "postgresql":
        return _open_numbered(ticket, actor=actor, at=at, action=action, day=number_day)
    if number_day is not None:
        value = ticket_number_next_value(day=number_day)
        ticket.number = ticket_number_format(number_day, value)
        ticket.search_text = f"{ticket.search_text}{value:04d}"
    with transaction.atomic(savepoint=False):
        ticket.save(force_insert=True)  # what Ticket.objects.create does with the same instance
        TicketEvent.objects.create(ticket=ticket, actor=actor, action=action, to_status=ticket.status, at=at)
    return ticket


_TICKET_FIELDS = [f for f in Ticket._meta.concrete_fields if not f.primary_key]
_EVENT_FIELDS = [f for f in TicketEvent._meta.concrete_fields if not f.primary_key and f.name != "ticket"]


def _columns(fields) -> str:
    return ", ".join(connection.ops.quote_name(f.column) for f in fields)


def _open_sql() -> str:
    """Counter, ticket and event in one statement: data-modifying CTEs run once each, in one transaction; the
    number and the search text's end are the counter's new value, formatted as ticket_number_format does. The
    ticket and its event come as one JSON parameter each (core.sql.json_row: every column of both is a plain one,
    pinned by tests/tickets/test_timeline.py): ~45 parameters dumped one by one were ~400 Python calls a create."""
    table, event_table = (connection.ops.quote_name(model._meta.db_table) for model in (Ticket, TicketEvent))
    ticket_values = ", ".join(
        f"r.{name} || (SELECT seq FROM s)" if f.name in ("number", "search_text") else f"r.{name}"
        for f in _TICKET_FIELDS for name in [connection.ops.quote_name(f.column)])
    event_values = ", ".join(f"e.{connection.ops.quote_name(f.column)}" for f in _EVENT_FIELDS)
    return (
        f"WITH {NUMBER_CTE_SQL}, "
        "s AS (SELECT CASE WHEN value < 10000 THEN lpad(value::text, 4, '0') ELSE value::text END AS seq FROM n), "
        f"t AS (INSERT INTO {table} ({_columns(_TICKET_FIELDS)}) SELECT {ticket_values} "
        f"FROM jsonb_populate_record(NULL::{table}, %s) r RETURNING id, number, search_text), "
        f"e AS (INSERT INTO {event_table} (ticket_id, {_columns(_EVENT_FIELDS)}) SELECT (SELECT id FROM t), "
        f"{event_values} FROM jsonb_populate_record(NULL::{event_table}, %s) e) "
        "SELECT id, number, search_text FROM t"
    )


_OPEN_SQL = _open_sql()


def _open_numbered(ticket: Ticket, *, actor, at: datetime, action: str, day: date) -> Ticket:
    ticket.number = ticket_number_format(day, 0)[:-4]
    event = instance_new(TicketEvent, {"actor": actor}, action=action, to_status=ticket.status, at=at)
    rows = json_dumps(json_row(ticket, _TICKET_FIELDS)), json_dumps(json_row(event, _EVENT_FIELDS))
    with transaction.atomic(savepoint=False), prepared_cursor() as cursor:
        cursor.execute(_OPEN_SQL, [day, *rows])
        ticket.pk, ticket.number, ticket.search_text = cursor.fetchone()
    ticket._state.adding, ticket._state.db = False, connection.alias
    return ticket
