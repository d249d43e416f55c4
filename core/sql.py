"""Set-based SQL that stays one statement whatever the number of rows.

A statement with one `%s` per value (Django's `pk__in=[…]`, a multi-row VALUES list) grows with the batch:
psycopg re-parses the text every time (a new length is a new query) and PostgreSQL caps a statement at
65,535 parameters. On PostgreSQL these helpers bind one array per column instead (`= ANY(%s)`,
`unnest(%s::type[], …)`): the text is constant, the batch size unbounded. SQLite (command 1's embedded
default) keeps the placeholder lists, which it handles well at its sizes.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


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
    model = type(objs[0])
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    columns = ", ".join(quote(f.column) for f in fields)
    sql = (f"INSERT INTO {table} ({columns}) SELECT {columns} FROM jsonb_populate_recordset(NULL::{table}, %s) "
           f"RETURNING {pk}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [json_dumps([json_row(obj, fields) for obj in objs])])
        ids = [row[0] for row in cursor.fetchall()]
    for obj, pk_value in zip(objs, ids, strict=True):
        obj.pk, obj._state.adding, obj._state.db = pk_value, False, connection.alias


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
