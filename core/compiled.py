"""A queryset over "these ids" compiled once per process, run for every page's ids.

The API ticket list loads a page by ids in a few small queries (tickets with customer and device, engineers,
partners, 三包 decisions, SLA clocks). The ORM resolved the joins and assembled the same SQL text for each of
them on every request: ~2,400 Python calls for the tickets' statement alone, half of a page's queries' Python
(bench/README.md "API list CPU cut"). Here the queryset is built once around a placeholder for the ids, its
compiler kept, and each call runs the text with the ids and makes instances as Django's ModelIterable does
(from_db, the select_related populators, the fields' from_db_value converters): the same objects, none of the
compiling. Querysets with annotations or known related objects are refused (not needed, not handled).
"""
from collections import namedtuple
from collections.abc import Callable, Sequence
from datetime import timezone
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.query import get_related_populators

_IDS = "__compiled_ids__"


def _native_timestamps(cursor, connection) -> None:
    """timestamptz columns through psycopg's own loader (C in psycopg[binary]) on this cursor. Django registers a
    Python subclass of it that sets tzinfo to the connection's zone: four Python calls a value, ~550 values (~2,200
    calls) a list page. When that zone is UTC and so is the session's, psycopg's loader gives the same datetime,
    tzinfo datetime.timezone.utc included (psycopg._tz); otherwise Django's loader stays."""
    if connection.vendor != "postgresql" or connection.timezone is not timezone.utc:
        return
    raw = cursor.cursor
    if raw.connection.info.parameter_status("TimeZone") == "UTC":
        from psycopg.types.datetime import TimestamptzLoader  # optimised to the C class when registered

        raw.adapters.register_loader("timestamptz", TimestamptzLoader)


class _Compiled:
    __slots__ = ("converters", "init_list", "model", "populators", "span", "sql")


class IdsQuery:
    """`build(ids)` returns the queryset for `ids` (used as `…__in=ids`); `objects(ids)` is list(build(ids))."""

    def __init__(self, build: Callable[[Any], QuerySet]):
        self._build = build
        self._by_alias: dict[str, _Compiled] = {}

    def _compiled(self, alias: str) -> _Compiled:
        if (done := self._by_alias.get(alias)) is not None:
            return done
        queryset = self._build(RawSQL(_IDS, []))
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        if params or sql.count(_IDS) != 1 or "%" in sql.replace(_IDS, ""):
            raise LookupError(f"not a statement over ids alone: {sql}")  # a wiring bug, not a request's
        if compiler.annotation_col_map or queryset._known_related_objects:
            raise LookupError("annotations and known related objects are not handled")
        done = _Compiled()
        klass_info, select = compiler.klass_info, compiler.select
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        done.sql, done.model, done.span = sql, klass_info["model"], (first, last)
        done.init_list = [column[0].target.attname for column in select[first:last]]
        done.populators = get_related_populators(klass_info, select, alias)
        done.converters = compiler.get_converters([column[0] for column in select])
        self._by_alias[alias] = done
        return done

    def objects(self, ids: Sequence[int], using: str = "default") -> list:
        if not ids:
            return []
        done, connection = self._compiled(using), connections[using]
        with connection.cursor() as cursor:
            _native_timestamps(cursor, connection)
            cursor.execute(done.sql.replace(_IDS, ", ".join(["%s"] * len(ids)), 1), tuple(ids))
            rows = cursor.fetchall()
        if done.converters:
            rows = [_converted(row, done.converters, connection) for row in rows]
        first, last = done.span
        objects = []
        for row in rows:
            obj = done.model.from_db(using, done.init_list, row[first:last])
            for populator in done.populators:
                populator.populate(row, obj)
            objects.append(obj)
        return objects


def _converted(row, converters, connection) -> tuple:
    """SQLCompiler.apply_converters for one row, with the connection of this call (the compiler's is the thread
    that compiled it)."""
    row = list(row)
    for position, (functions, expression) in converters.items():
        value = row[position]
        for function in functions:
            value = function(value, expression, connection)
        row[position] = value
    return tuple(row)


class IdsValues:
    """values_list(*fields, named=True) of `build(ids)`, compiled once: rows as named tuples (the same class
    for every call). Fields with converters on the database (SQLite's dates) go the ORM's way every time."""

    def __init__(self, build: Callable[[Any], QuerySet], fields: Sequence[str]):
        self._build, self._fields = build, tuple(fields)
        self.Row = namedtuple("Row", self._fields)
        self._sql: dict[str, str] = {}

    def rows(self, ids: Sequence[int], using: str = "default") -> list:
        if not ids:
            return []
        if (sql := self._sql.get(using)) is None:
            compiler = self._build(RawSQL(_IDS, [])).values_list(*self._fields).query.get_compiler(using=using)
            sql, params = compiler.as_sql()
            if params or sql.count(_IDS) != 1 or "%" in sql.replace(_IDS, ""):
                raise LookupError(f"not a statement over ids alone: {sql}")
            if compiler.get_converters([column[0] for column in compiler.select]):
                sql = ""
            self._sql[using] = sql
        if not sql:
            return [self.Row._make(row) for row in self._build(list(ids)).values_list(*self._fields)]
        with connections[using].cursor() as cursor:
            _native_timestamps(cursor, connections[using])
            cursor.execute(sql.replace(_IDS, ", ".join(["%s"] * len(ids)), 1), tuple(ids))
            return list(map(self.Row._make, cursor.fetchall()))
