"""Live pages (issue 15 §4): fragments poll, and an unchanged fragment costs a 304 and one small query.

A live region (`static/js/live.js`) asks again every LIVE_POLL_SECONDS with `If-None-Match: <the ETag it was
rendered with>`. The view, wrapped in `live_poll(scope, *sources)`, first computes the page's change token —
ONE query: each source's scalars (a MAX or a COUNT over an index) as subqueries of the user's own row — and
answers 304 with no body when it matches; otherwise the view renders as usual and the new ETag goes with it.

Why polling and a database token (ARCHITECTURE.md "Live pages"):
- gunicorn runs sync workers: a server-sent-events stream would hold a worker per open page (200 pages, 200
  workers); a conditional poll holds one for a few milliseconds.
- The token is read from the tables the page shows, so no writer has to remember to bump a counter (the
  timeline writer, the sweep, the notice upsert and the admin all move `updated_at`, an id or a count by
  themselves), and it needs no Redis: while Redis is away the polls answer exactly as before.

Sources are registered by the app that owns the tables, from its AppConfig.ready() (core imports no app):
`live_source_register("tickets", lambda user: {"updated": scalar(Ticket.objects.all(), "MAX", "updated_at")})`.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from functools import wraps

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    BigIntegerField,
    DateTimeField,
    F,
    Field,
    Func,
    QuerySet,
    Subquery,
    TextField,
)
from django.db.models.expressions import RawSQL
from django.http import HttpResponseNotModified
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags

POLL_HEADER = "X-Live-Poll"  # sent by live.js on its polls only: a page load never answers 304
_SOURCES: dict[str, Callable[[object], Mapping[str, Subquery]]] = {}


def poll_seconds() -> int:
    return int(getattr(settings, "LIVE_POLL_SECONDS", 8))


def scalar(qs: QuerySet, function: str, field: str) -> Subquery:
    """`SELECT <function>(field) FROM … WHERE …` as a scalar subquery (no GROUP BY: a plain Func, not an
    aggregate). MAX over an indexed column and COUNT over a partial index are index-only reads."""
    output: Field = BigIntegerField() if function == "COUNT" or field == "id" else DateTimeField()
    return Subquery(qs.order_by().annotate(v=Func(F(field), function=function, output_field=output)).values("v")[:1])


def live_source_register(name: str, parts: Callable[[object], Mapping[str, Subquery]]) -> None:
    """`parts(user)` → {alias: scalar subquery}; `OuterRef("pk")` in them is the user's id."""
    _SOURCES[name] = parts


# The token query's SQL by (database vendor, sources): building it with the ORM cost ~4,000 Python calls a request,
# more than the rest of a cached list page (issue 16, core/pagecache.py). Its only parameter that depends on the
# user is the user's id, the last one (the one WHERE clause; the sources' constants come first): a source's parts
# depend on the user only through OuterRef("pk"), as every registered one does (tests/core/test_live.py checks
# the compiled statement answers what the ORM does).
_COMPILED: dict[tuple, tuple[str, list]] = {}
_WIDTHS: dict[str, int] = {}  # how many scalars each source puts in a token, in its parts' order


def _compiled(user, sources: tuple[str, ...], with_user: bool = False) -> tuple[str, list] | None:
    key = (connection.vendor, sources, with_user)
    if key not in _COMPILED:
        annotations = {}
        for name in sources:
            parts = _SOURCES[name](user)
            _WIDTHS[name] = len(parts)
            annotations.update({f"{name}__{alias}": sub for alias, sub in parts.items()})
        if not annotations:
            _COMPILED[key] = None
        else:
            columns = [*user_columns(), "live_roles"] if with_user else []
            extra = {"live_roles": _roles_sql()} if with_user else {}
            qs = get_user_model().objects.filter(pk=user.pk).annotate(**extra, **annotations).values_list(
                *columns, *annotations)[:1]
            sql, params = qs.query.sql_with_params()
            if not params or params[-1] != user.pk:  # not the shape assumed above: a wiring bug
                raise LookupError(f"live sources {sources}: the user's id is not the last parameter")
            _COMPILED[key] = (sql, list(params[:-1]))
    return _COMPILED[key]


def user_columns() -> list[str]:
    return [field.attname for field in get_user_model()._meta.concrete_fields]


def _roles_sql() -> RawSQL:
    """The user's group names as one JSON array (a JSON text on SQLite): the session's user and their roles come
    with the token (core/pageuser.py). JSON, not a joined string: no group name can forge another by a comma."""
    agg = "json_agg(g.name)" if connection.vendor == "postgresql" else "json_group_array(g.name)"
    return RawSQL(f'(SELECT {agg} FROM auth_user_groups ug INNER JOIN auth_group g ON g.id = ug.group_id '
                  f'WHERE ug.user_id = "auth_user"."id")', [], output_field=TextField())


def live_values(*, user, sources: tuple[str, ...], extra: tuple[str, list] | None = None,
                with_user: bool = False) -> tuple:
    """Every scalar of the named sources, in one query anchored on the user's row. `extra`: one more scalar
    subquery (sql, params) of the page's own, e.g. its ticket's version (core/pagecache.py), as the last value —
    in the same statement, so a page keyed on it costs no query more. `with_user`: the row starts with the user's
    columns (user_columns()) and their group names (core/pageuser.py loads the session's user with it); `user`
    then needs only its pk."""
    compiled = _compiled(user, sources, with_user)
    if compiled is None:
        return ()
    sql, params = compiled
    params = [*params, user.pk]
    if extra is not None:
        sql, params = f"SELECT live.*, ({extra[0]}) FROM ({sql}) live", [*extra[1], *params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return tuple(row or ())


def loaded_values(request, sources: tuple[str, ...]) -> tuple | None:
    """The scalars of `sources`, in order, out of the change token this request already read with its user
    (core/pageuser.py: a page-cached view's token holds more sources), or None when it read none of them."""
    loaded = getattr(request, "page_cache_token", None)
    if loaded is None:
        return None
    read, _extra, values = loaded
    starts, start = {}, 0
    for name in read:
        if name not in _WIDTHS:
            return None
        starts[name], start = start, start + _WIDTHS[name]
    if any(name not in starts for name in sources):
        return None
    return tuple(value for name in sources for value in values[starts[name]:starts[name] + _WIDTHS[name]])


def live_etag(request, *, scope: str, sources: tuple[str, ...]) -> str:
    """The page's ETag: what it shows (scope, path with its filters, user, language) and the data token — out of
    the token a page-cached view's request read with its user when it holds these sources: one query less."""
    values = loaded_values(request, sources)
    if values is None:
        values = live_values(user=request.user, sources=sources)
    key = "|".join([scope, str(request.user.pk), translation.get_language() or "", request.get_full_path(),
                    *(value.isoformat() if hasattr(value, "isoformat") else str(value) for value in values)])
    return '"live-' + hashlib.blake2b(key.encode(), digest_size=12).hexdigest() + '"'


def is_live_poll(request) -> bool:
    return request.headers.get(POLL_HEADER) == "1"


def live_poll(scope: str, *sources: str):
    """Decorate a GET view: `request.live_etag` for the template (the region's data-live-etag), and on a poll
    whose If-None-Match still matches, a 304 without running the view."""
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method != "GET" or not request.user.is_authenticated:
                return view(request, *args, **kwargs)
            if missing := [name for name in sources if name not in _SOURCES]:
                raise LookupError(f"live sources not registered: {', '.join(missing)}")  # a wiring bug
            etag = live_etag(request, scope=scope, sources=sources)
            request.live_etag = etag
            poll = is_live_poll(request)
            if poll and etag in parse_etags(request.headers.get("If-None-Match", "")):
                response = HttpResponseNotModified()
            else:
                response = view(request, *args, **kwargs)
            if poll and response.status_code in (200, 304):
                # X-Live marks an answer from a live view: a poll redirected to the log-in page (session over)
                # has none, and live.js stops instead of swapping the log-in form into the list.
                response["ETag"], response["X-Live"] = etag, "1"
                patch_vary_headers(response, (POLL_HEADER, "Cookie", "Accept-Language"))
            return response

        return wrapped

    return decorator
