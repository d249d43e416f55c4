"""Set-based SQL that stays one statement whatever the number of rows.

A statement with one `%s` per value (Django's `pk__in=[…]`, a multi-row VALUES list) grows with the batch:
psycopg re-parses the text every time (a new length is a new query) and PostgreSQL caps a statement at
65,535 parameters. On PostgreSQL these helpers bind one array per column instead (`= ANY(%s)`,
`unnest(%s::type[], …)`): the text is constant, the batch size unbounded. SQLite (command 1's embedded
default) keeps the placeholder lists, which it handles well at its sizes.
"""
from __future__ import annotations

import functools
import json
import threading
from collections.abc import Sequence
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


class _LoggedQuery:
    """What Django's query log (CaptureQueriesContext, DEBUG's connection.queries) reads of an execution:
    `cursor._query.query`, the statement as sent. A prepared one is sent as its name and typed parameters, so the
    text is made — with the parameters inlined, as Django's client-binding cursor logs them — only when read."""

    __slots__ = ("_connection", "_params", "_sql")

    def __init__(self, raw_connection, sql, params):
        self._connection, self._sql, self._params = raw_connection, sql, params

    @property
    def query(self) -> bytes:
        from psycopg import ClientCursor

        return ClientCursor(self._connection).mogrify(self._sql, self._params).encode()


@functools.cache
def _preparing_cursor_class():
    """Made on first use: psycopg is imported only on PostgreSQL."""
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparingCursor(ServerBindingCursor):
        def execute(self, query, params=None, *, prepare=None, binary=None):
            result = super().execute(query, params, prepare=True, binary=binary)
            self._query = _LoggedQuery(self.connection, query, params)  # psycopg leaves none for a prepared one
            return result

    return PreparingCursor


@contextmanager
def prepared_cursor():
    """A Django cursor (execute wrappers, query log, error translation as connection.cursor()'s) whose statements
    PostgreSQL prepares once per connection and then runs from its plan cache: server-side binding, prepare=True.

    For the few hand-written statements every ticket create runs (the session user, the caller and device, the
    ticket with its number and event, the decision with the clocks): planning each anew — Django's psycopg cursor
    binds on the client, and Django turns psycopg's automatic preparing off — was most of their server time
    (0.5–0.8 ms of planning against ~0.1 ms of running for a one-row read; issue 16). The statement must be valid
    with typed parameters ($1…): a parameter's type comes from its Python value or from an explicit cast.
    Elsewhere than PostgreSQL, or with settings.PREPARED_STATEMENTS off (a pooler in transaction mode):
    connection.cursor(). Not for statements whose text varies (each text is a plan kept by psycopg, at most
    `prepared_max` per connection)."""
    if not is_postgres() or not settings.PREPARED_STATEMENTS:
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django connects with psycopg's preparing off (prepare_threshold=None), which refuses even prepare=True.
        # A threshold no count reaches: only this cursor's explicit prepare=True prepares — Django's own
        # client-binding cursors never prepare whatever the threshold.
        raw.prepare_threshold = 2**31 - 1
    with connection.wrap_database_errors:
        cursor = connection._prepare_cursor(_preparing_cursor_class()(raw))
    with cursor:
        yield cursor


def array_literal(values: Sequence) -> str:
    """The text form of a PostgreSQL array ('{1,2,NULL}', '{"a b","c\\"d"}'), bound as one string.

    Django's psycopg cursor binds on the client: a Python list is quoted element by element (≈ 1.6 s for a
    sweep's 10,000-row arrays on a loaded box); this is one join. Numbers as they are; anything else as a
    quoted string (dates already adapted to ISO text), None as NULL."""
    def element(value) -> str:
        if value is None:
            return "NULL"
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
    return "{" + ",".join(map(element, values)) + "}"


def in_ids(column: str, ids: Sequence[int]) -> tuple[str, list]:
    """(`column = ANY(%s)` or `column IN (%s, …)`, params) for a WHERE clause."""
    if is_postgres():
        return f"{column} = ANY(%s::bigint[])", [array_literal(ids)]
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def pk_in(ids: Sequence[int]) -> Q:
    """Q(pk__in=ids), with the ids as one array on PostgreSQL: `Model.objects.filter(pk_in(ids))`."""
    if is_postgres():
        return Q(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [array_literal(ids)]))
    return Q(pk__in=list(ids))


def rows_source(columns: Sequence[tuple[str, str]], rows: Sequence[Sequence]) -> tuple[str, list]:
    """A row source for INSERT … SELECT: `columns` are (name, PostgreSQL array type) pairs, e.g.
    ("clock_id", "bigint"). PostgreSQL: `SELECT * FROM unnest(%s::bigint[], …) AS r(clock_id, …)` with one array
    per column; elsewhere a VALUES list. Values must already be adapted (connection.ops.adapt_*).
    Ends in `WHERE true`: SQLite needs it to tell an upsert's ON CONFLICT from a join's ON."""
    names = ", ".join(name for name, _type in columns)
    if is_postgres():
        arrays = ", ".join(f"%s::{sql_type}[]" for _name, sql_type in columns)
        return f"SELECT * FROM unnest({arrays}) AS r({names}) WHERE true", [array_literal(column) for column in zip(*rows)] or \
            ["{}" for _ in columns]
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    return f"SELECT * FROM (VALUES {', '.join([row] * len(rows))}) WHERE true", [value for r in rows for value in r]


def row_insert(obj) -> None:
    """INSERT one new model instance … RETURNING its pk, with the values Model.save() would write (each field's
    pre_save and get_db_prep_save) but without the ORM's insert compiler: ~1,000 Python calls a row, a tenth of
    an API create for its device and its 三包 decision (issue 16). Sends no signals: only for rows no receiver
    needs to see created (core/stamps.py watches devices with skip_created, decisions' deletes only).
    On PostgreSQL a model of plain fields goes as one JSON parameter (rows_insert_json)."""
    model = type(obj)
    fields, plain = _INSERT_FIELDS.get(model) or (None, False)
    if fields is None:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        plain = json_plain(fields)
        _INSERT_FIELDS[model] = fields, plain
    if plain and is_postgres():
        rows_insert_json([obj], fields)
        return
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    quote = connection.ops.quote_name
    marks = ", ".join("NULL" if value is None else "%s" for value in values)  # a literal: nothing to adapt
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({marks}) RETURNING {quote(model._meta.pk.column)}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for value in values if value is not None])
        obj.pk = cursor.fetchone()[0]
    obj._state.adding, obj._state.db = False, connection.alias


_INSERT_FIELDS: dict[type, tuple[list, bool]] = {}  # model → (its columns but the pk, json_plain)

# Field types whose value PostgreSQL reads the same from JSON as from a bound parameter (text, numbers, booleans,
# ISO dates and times, a JSON document for a jsonb column) and whose pre_save only reads the attribute.
_JSON_PLAIN_TYPES = frozenset({
    "CharField", "TextField", "SlugField", "EmailField", "BooleanField", "IntegerField", "BigIntegerField",
    "SmallIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField", "PositiveBigIntegerField",
    "FloatField", "DecimalField", "DateField", "DateTimeField", "JSONField", "ForeignKey", "OneToOneField"})


def json_plain(fields: Sequence) -> bool:
    """Every field can go through rows_insert_json: a plain type, no auto_now(_add), no encoder of its own."""
    return all(f.get_internal_type() in _JSON_PLAIN_TYPES and not getattr(f, "auto_now", False)
               and not getattr(f, "auto_now_add", False) and getattr(f, "encoder", None) is None for f in fields)


def _json_value(value):
    if isinstance(value, datetime) and value.tzinfo is None:
        raise TypeError("rows_insert_json: a naive datetime (the ORM would read it in the current time zone)")
    if isinstance(value, datetime | date | time):
        return value.isoformat()  # read back by the column's type: the same instant, microseconds kept
    if isinstance(value, Decimal):
        return str(value)  # exact; the numeric column rounds it to its scale as the ORM's quantize does
    raise TypeError(f"rows_insert_json: no JSON form for {type(value).__name__}")


def json_row(obj, fields: Sequence) -> dict:
    """The row of `obj` as jsonb_populate_record reads it: column → value, None left out (NULL)."""
    return {f.column: value for f in fields if (value := getattr(obj, f.attname)) is not None}


def json_dumps(rows) -> str:
    return json.dumps(rows, default=_json_value)


def rows_insert_json(objs: Sequence, fields: Sequence) -> None:
    """PostgreSQL only: INSERT new instances of one model in one statement whose only parameter is the rows as one
    JSON array (`jsonb_populate_recordset` reads each key as its column's type), RETURNING their pks in order, as
    bulk_create's UNNEST relies on too. The statement's text and its one parameter are the same for any number of
    rows and values: psycopg re-parses a statement of more than 50 parameters on every call (~1,500 calls for a
    new ticket's five SLA clocks, issue 16), and dumps each parameter in Python. `fields` must be json_plain:
    the values are the instances' attributes as they are; no pre_save, no signals."""
    pending = getattr(_batch, "pending", None)
    if pending is not None:  # inside inserts_batched: sent with the others before anything else reaches the server
        pending.append((objs, fields))
        return
    _insert_now(objs, fields)


def _insert_now(objs: Sequence, fields: Sequence) -> None:
    with prepared_cursor() as cursor:
        cursor.execute(_json_insert_sql(type(objs[0]), fields), [json_dumps([json_row(obj, fields) for obj in objs])])
        _set_pks(objs, [row[0] for row in cursor.fetchall()])


def _json_insert_sql(model, fields: Sequence) -> str:
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    columns = ", ".join(quote(f.column) for f in fields)
    return (f"INSERT INTO {table} ({columns}) SELECT {columns} FROM jsonb_populate_recordset(NULL::{table}, %s) "
            f"RETURNING {pk}")


def _set_pks(objs: Sequence, ids: Sequence) -> None:
    for obj, pk_value in zip(objs, ids, strict=True):
        obj.pk, obj._state.adding, obj._state.db = pk_value, False, connection.alias


# ---- several tables' new rows in one statement ----

_batch = threading.local()  # .pending: [(objs, fields)] while inserts_batched is open on this thread


@contextmanager
def inserts_batched():
    """rows_insert_json's rows (and row_insert's, for plain models) queued and sent as ONE statement when the block
    ends: a ticket's 三包 decision and its SLA clocks are written by two apps' hooks, one round trip each otherwise
    (issue 16). Nothing can read around the queue: any other statement run inside the block sends the queued rows
    first (an execute wrapper), so a read sees them as if inserted at once. The instances get their pks when the
    rows are sent — not before: code inside the block must not need a queued row's pk. PostgreSQL only (elsewhere
    the block changes nothing); an exception in the block drops the queue with the transaction it belongs to."""
    if not is_postgres() or getattr(_batch, "pending", None) is not None:
        yield
        return
    _batch.pending = []
    try:
        with connection.execute_wrapper(_send_queued_first):
            yield
            rows_flush()
    finally:
        _batch.pending = None


def _send_queued_first(execute, sql, params, many, context):
    if _batch.pending:
        rows_flush()
    return execute(sql, params, many, context)


def rows_flush() -> None:
    """Send inserts_batched's queue now: one INSERT as rows_insert_json's, or a CTE per table's rows with every
    table's new pks returned in one row, each as an array in insertion order (as RETURNING gives them)."""
    pending = getattr(_batch, "pending", None)
    if not pending:
        return
    queued, pending[:] = list(pending), []
    if len(queued) == 1:
        _insert_now(*queued[0])
        return
    ctes = ", ".join(f"i{n} AS ({_json_insert_sql(type(objs[0]), fields)})" for n, (objs, fields) in enumerate(queued))
    pk_arrays = ", ".join(f"ARRAY(SELECT * FROM i{n})" for n in range(len(queued)))
    with prepared_cursor() as cursor:
        cursor.execute(f"WITH {ctes} SELECT {pk_arrays}",
                       [json_dumps([json_row(o, fields) for o in objs]) for objs, fields in queued])
        arrays = cursor.fetchone()
    for (objs, _fields), ids in zip(queued, arrays, strict=True):
        _set_pks(objs, ids)


_NEW_ROWS: dict[type, tuple] = {}  # model → (attname → position, default row, fields with a callable default)


def instance_new(model, related: dict | None = None, /, **values):
    """model(**values) through Model.__init__'s positional path (a fetched row's): its keyword path asks every field
    not given for its default, ~5 Python calls a field (a ticket has 30, a clock 22; issue 16). `values` by attname
    (customer_id, not customer); `related`: field name → an instance to hold as the related object (its pk is the
    attname's value), as `model(customer=obj)` would."""
    spec = _NEW_ROWS.get(model)
    if spec is None:
        fields = model._meta.concrete_fields
        spec = _NEW_ROWS[model] = ({f.attname: i for i, f in enumerate(fields)},
                                   tuple(f.get_default() for f in fields),
                                   [(i, f) for i, f in enumerate(fields) if f.has_default() and callable(f.default)])
    order, defaults, callables = spec
    row = list(defaults)
    for i, field in callables:  # a mutable default (dict, list) must not be shared between instances
        row[i] = field.get_default()
    for name, value in values.items():
        if name not in order:
            raise TypeError(f"{model.__name__}() got an unexpected column '{name}'")
        row[order[name]] = value
    obj = model(*row)
    for name, other in (related or {}).items():
        setattr(obj, name, other)
    return obj
