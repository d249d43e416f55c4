"""Issue 13 §10: the role × URL matrix. Every route of the URLconf (pages and API, the admin by its index and
log-in), every HTTP method its view accepts, and for each principal the exact answer.

A route or a method the URLconf has and MATRIX lacks fails the test: a new route gets its row in the same
commit. Each request runs in a savepoint that is rolled back, so a principal that is allowed to change
something does not change what the next one sees; bodies are empty, so "allowed" is mostly a 400."""
import re
import tempfile

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .route_world import PRINCIPALS, build_world

TRIED = ("GET", "POST", "PUT", "PATCH", "DELETE")
# "Allowed": the permission check passed and the view answered on the merits of the (empty or invalid)
# request — a page or a result (200/201/204), field errors (400), a business rule (409), a precondition
# (412/428), the wrong media type (415), an Idempotency-Key conflict (422), or a redirect that is not to a
# log-in page (a page's "done, back to the ticket"). Refusals are exact, per principal, in MATRIX.
ALLOWED = frozenset({200, 201, 204, 400, 409, 412, 415, 422, 428})
LOGIN, ADMIN_LOGIN = "/accounts/login/", "/admin/login/"
PARAM = re.compile(r"<(?:\w+:)?(\w+)>")

# route name → method → answers in PRINCIPALS order ("anon reception engineer engineer2 manager key key2 admin"):
#   ok   allowed (ALLOWED above)     L  302 to the log-in page     A  302 to the admin's log-in page
#   401 / 403 / 404 / 405           the exact refusal
MATRIX: dict[str, dict[str, str]] = {
    # Public: probes, the log-in and language forms, the progress lookup, the API's description.
    "healthz": {"GET": "ok ok ok ok ok ok ok ok"},
    "readyz": {"GET": "ok ok ok ok ok ok ok ok"},
    "favicon": {"GET": "ok ok ok ok ok ok ok ok"},
    "login": {"GET": "ok ok ok ok ok ok ok ok", "POST": "ok ok ok ok ok ok ok ok", "PUT": "ok ok ok ok ok ok ok ok"},
    "logout": {"POST": "L L L L L L L L"},  # done: whoever it was is sent to the log-in page
    "progress:lookup": {"GET": "ok ok ok ok ok ok ok ok", "POST": "ok ok ok ok ok ok ok ok"},
    "schema": {"GET": "ok ok ok ok ok ok ok ok"},
    "api-docs": {"GET": "ok ok ok ok ok ok ok ok"},
    "admin:login": {"GET": "ok ok ok ok ok ok ok ok", "POST": "ok ok ok ok ok ok ok ok"},
    "admin:index": {"GET": "A A A A ok A A ok", "POST": "A A A A ok A A ok"},  # staff only
    # Django's set_language takes any method; our log-in wall covers it.
    "set_language": {m: "L ok ok ok ok L L ok" for m in ("GET", "POST", "PUT", "PATCH", "DELETE")},
    # Pages. An API key opens no page (it is not a session): the log-in page, as for anyone anonymous.
    "tickets:home": {"GET": "L ok ok ok ok L L ok"},
    "tickets:list": {"GET": "L ok ok ok ok L L ok"},
    "tickets:new": {"GET": "L ok 403 403 ok L L ok", "POST": "L ok 403 403 ok L L ok"},
    "tickets:mine": {"GET": "L 403 ok ok 403 L L ok"},
    "tickets:customer-lookup": {"GET": "L ok 403 403 ok L L ok"},
    "tickets:customer": {"GET": "L ok 403 403 ok L L ok"},  # the customer page: desk only (issue 14)
    "tickets:detail": {"GET": "L ok ok 404 ok L L ok"},
    "tickets:action": {"POST": "L ok ok 404 ok L L ok"},
    "tickets:edit": {"POST": "L ok 403 403 ok L L ok"},  # desk only (issue 14)
    "tickets:cancel": {"POST": "L ok 403 403 ok L L ok"},
    "tickets:reopen": {"POST": "L ok 403 403 ok L L ok"},
    "tickets:engineer-action": {"POST": "L 403 ok 404 ok L L ok"},
    "tickets:merge": {"GET": "L ok 403 403 ok L L ok", "POST": "L ok 403 403 ok L L ok"},  # desk only (issue 14)
    "tickets:panel": {"GET": "L ok 403 404 ok L L ok"},  # a collapsed panel's form (issue 16): here reassign, the desk's
    "tickets:bulk": {"POST": "L ok 403 403 ok L L ok"},
    "fieldservice:mine": {"GET": "L 403 ok ok 403 L L ok"},
    "fieldservice:create": {"GET": "L ok ok 404 ok L L ok", "POST": "L ok ok 404 ok L L ok"},
    "fieldservice:detail": {"GET": "L ok ok 404 ok L L ok"},
    "fieldservice:print": {"GET": "L ok ok 404 ok L L ok"},
    "fieldservice:step": {"POST": "L 403 ok 404 ok L L ok"},
    "attachments:upload": {"POST": "L ok ok 404 ok L L ok"},
    "attachments:download": {"GET": "L ok ok 404 ok L L ok"},
    "callbacks:desk": {"GET": "L ok 403 403 ok L L ok"},
    "callbacks:flagged": {"GET": "L 403 403 403 ok L L ok"},
    "callbacks:record": {"POST": "L ok 403 403 ok L L ok"},
    "callbacks:acknowledge": {"POST": "L 403 403 403 ok L L ok"},
    "callbacks:complaint-promise": {"POST": "L ok 403 403 ok L L ok"},
    "dashboard:page": {"GET": "L 403 403 403 ok L L ok"},
    "dashboard:export-csv": {"GET": "L 403 403 403 ok L L ok"},
    "dashboard:export-start": {"POST": "L 403 403 403 ok L L ok"},
    "dashboard:export-status": {"GET": "L 403 403 403 ok L L ok"},
    "dashboard:export-download": {"GET": "L 403 403 403 ok L L ok"},
    "refunds:paid": {"POST": "L ok 403 403 ok L L ok"},
    # Messages to the customer (issue 15): the desk composes and sends; whoever sees the ticket sees the status.
    "progress:message-preview": {"POST": "L ok 403 403 ok L L ok"},
    "progress:message-send": {"POST": "L ok 403 403 ok L L ok"},
    "progress:message-status": {"GET": "L ok ok 404 ok L L ok"},
    # Everyone's own bell: someone else's notification id marks nothing (sla/views.py), so "ok" for all.
    "sla:notifications": {"GET": "L ok ok ok ok L L ok"},
    "sla:bell": {"GET": "L ok ok ok ok L L ok"},  # each user's own bell, polled by every page (core/live.py)
    "sla:notifications-read-all": {"POST": "L ok ok ok ok L L ok"},
    "sla:notification-read": {"POST": "L ok ok ok ok L L ok"},
    "warranty:preview": {"POST": "L ok 403 403 ok L L ok"},
    "warranty:override": {"POST": "L 403 403 403 ok L L ok"},
    # API: no credential → 401; a role or a key's kind that may not → 403; another's object → 404.
    "api:ticket-list": {"GET": "401 ok ok ok ok ok ok ok", "POST": "401 ok 403 403 ok ok ok ok"},
    "api:ticket-detail": {"GET": "401 ok ok 404 ok ok 404 ok", "PATCH": "401 ok 403 403 ok ok 404 ok"},
    "api:ticket-timeline": {"GET": "401 ok ok 404 ok ok 404 ok"},
    "api:ticket-preprocess": {"POST": "401 ok 403 403 ok 403 403 ok"},
    "api:ticket-dispatch": {"POST": "401 ok 403 403 ok 403 403 ok"},
    "api:ticket-reassign": {"POST": "401 ok 403 403 ok 403 403 ok"},
    "api:ticket-note": {"POST": "401 ok ok 404 ok ok 404 ok"},
    "api:ticket-cancel": {"POST": "401 ok 403 403 ok ok 404 ok"},  # a partner cancels its own tickets only
    "api:ticket-reopen": {"POST": "401 ok 403 403 ok 403 403 ok"},  # desk only
    "api:ticket-reply": {"POST": "401 403 ok 404 ok 403 403 ok"},
    "api:ticket-solution": {"GET": "401 ok ok 404 ok 403 403 ok", "POST": "401 ok ok 404 ok 403 403 ok"},
    "api:ticket-wait": {"POST": "401 ok ok 404 ok 403 403 ok"},
    "api:ticket-resume": {"POST": "401 ok ok 404 ok 403 403 ok"},
    "api:ticket-hand-back": {"POST": "401 403 ok 404 ok 403 403 ok"},
    "api:ticket-merge": {"POST": "401 ok 403 403 ok ok 404 ok"},  # a partner merges its own tickets only
    "api:ticket-confirmation": {"POST": "401 403 403 403 403 ok 404 ok"},
    "api:ticket-callback": {"POST": "401 ok 403 403 ok 403 403 ok"},
    "api:ticket-attachment-list": {"GET": "401 ok ok 404 ok ok 404 ok", "POST": "401 ok ok 404 ok ok 404 ok"},
    "api:ticket-attachment-download": {"GET": "401 ok ok 404 ok ok 404 ok"},
    "api:ticket-work-orders": {"GET": "401 ok ok 404 ok 403 403 ok", "POST": "401 ok ok 404 ok 403 403 ok"},
    "api:warranty-evaluate": {"POST": "401 ok ok ok ok ok ok ok"},
    "api:callback-list": {"GET": "401 ok 403 403 ok 403 403 ok"},
    "api:callback-detail": {"GET": "401 ok 403 403 ok 403 403 ok"},
    "api:callback-attempts": {"GET": "401 ok 403 403 ok 403 403 ok", "POST": "401 ok 403 403 ok 403 403 ok"},
    "api:work-order-list": {"GET": "401 ok ok ok ok 403 403 ok"},
    "api:work-order-detail": {"GET": "401 ok ok 404 ok 403 403 ok"},
    "api:work-order-reschedule": {"POST": "401 ok ok 404 ok 403 403 ok"},
    "api:work-order-cancel": {"POST": "401 ok ok 404 ok 403 403 ok"},
    "api:work-order-depart": {"POST": "401 403 ok 404 ok 403 403 ok"},
    "api:work-order-arrive": {"POST": "401 403 ok 404 ok 403 403 ok"},
    "api:work-order-inspect": {"POST": "401 403 ok 404 ok 403 403 ok"},
    "api:work-order-parts": {"POST": "401 403 ok 404 ok 403 403 ok"},
    "api:work-order-part": {"DELETE": "401 403 ok 404 ok 403 403 ok"},
    "api:work-order-quote": {"POST": "401 403 ok 404 ok 403 403 ok"},
    "api:work-order-approve-fee": {"POST": "401 403 ok 404 ok 403 403 ok"},
    "api:work-order-complete": {"POST": "401 403 ok 404 ok 403 403 ok"},
    "api:work-order-payment": {"POST": "401 403 ok 404 ok 403 403 ok"},
    "api:work-order-confirm": {"POST": "401 403 ok 404 ok 403 403 ok"},
    "api:webhook-endpoint-list": {"GET": "401 403 403 403 403 ok ok ok", "POST": "401 403 403 403 403 ok ok ok"},
    "api:webhook-endpoint-detail": {"GET": "401 403 403 403 403 ok 404 ok", "PATCH": "401 403 403 403 403 ok 404 ok"},
    "api:webhook-endpoint-rotate-secret": {"POST": "401 403 403 403 403 ok 404 ok"},
    "api:webhook-delivery-list": {"GET": "401 403 403 403 403 ok ok ok"},
    "api:webhook-delivery-detail": {"GET": "401 403 403 403 403 ok 404 ok"},
    "api:webhook-delivery-redeliver": {"POST": "401 403 403 403 403 ok 404 ok"},
    "api:reports-dashboard": {"GET": "401 403 403 403 ok 403 403 ok"},
}


def _walk(resolver, prefix="", namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":  # the admin's own pages: its index and log-in stand for them
                yield from (("admin:index", "admin/", None), ("admin:login", "admin/login/", None))
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern), entry.callback


ROUTES = {name: (route, callback) for name, route, callback in _walk(get_resolver())}


def accepted_methods(callback) -> tuple[str, ...]:
    """The methods a view answers: a class's handlers (DRF and Django views), else the list of a
    require_http_methods / require_GET / require_POST decorator, else all of TRIED."""
    if callback is None:
        return ("GET", "POST")  # the admin's index and log-in form
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is not None:
        return tuple(m for m in TRIED if m.lower() in view_class.http_method_names and hasattr(view_class, m.lower()))
    func = callback
    while func is not None:
        code, cells = getattr(func, "__code__", None), getattr(func, "__closure__", None) or ()
        if code is not None and "request_method_list" in code.co_freevars:
            allowed = cells[code.co_freevars.index("request_method_list")].cell_contents
            return tuple(m for m in TRIED if m in allowed)
        func = getattr(func, "__wrapped__", None)
    return TRIED


def _path(name: str, route: str, world: dict) -> str:
    if name.startswith("admin:"):
        return "/" + route
    kwargs = {param: world["kwargs"][param] for param in PARAM.findall(route)}
    if "pk" in kwargs:
        assert name in PK_OF, f"{name}: say in PK_OF which object its <pk> names"
        kwargs["pk"] = world["pks"][PK_OF[name]]
    if "number" in kwargs and (name.startswith("api:work-order-") or name in WORK_ORDER_PAGES):
        kwargs["number"] = world["work_order"].number
    if name == "tickets:engineer-action":
        kwargs["action"] = "reply"
    if name == "tickets:panel":
        kwargs["action"] = "reassign"
    return reverse(name, kwargs=kwargs)


# Which of the world's objects a route's `<pk>` names.
PK_OF = {
    "api:callback-detail": "callback", "api:callback-attempts": "callback", "callbacks:record": "callback",
    "callbacks:acknowledge": "callback", "api:webhook-endpoint-detail": "endpoint",
    "api:webhook-endpoint-rotate-secret": "endpoint", "api:ticket-attachment-download": "attachment",
    "attachments:download": "attachment", "refunds:paid": "refund", "dashboard:export-status": "export",
    "dashboard:export-download": "export", "sla:notification-read": "notification",
    "tickets:customer": "customer",
}
# Who asks with the methods a view does not take (it must answer 405): the admin passes every role check,
# but the log-in page sends a signed-in user away before it looks at the method.
METHOD_ASKER = {"login": "anon"}
WORK_ORDER_PAGES = {"fieldservice:detail", "fieldservice:print", "fieldservice:step"}


def _client(principal: str, world: dict) -> Client:
    client = Client()
    if principal in world["sessions"]:  # a fresh client each time: a log-out must not stick
        client.cookies[settings.SESSION_COOKIE_NAME] = world["sessions"][principal]
    elif principal in world["keys"]:
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {world['keys'][principal]}"
    return client


def _request(client: Client, method: str, path: str):
    if method == "GET":
        return client.get(path)
    if path.startswith("/api/"):
        return client.generic(method, path, b"{}", content_type="application/json")
    return client.generic(method, path, b"", content_type="application/x-www-form-urlencoded")


def answer(response) -> str:
    code = response.status_code
    if code in (301, 302, 303):
        location = response["Location"]
        if location.startswith(LOGIN):
            return "L"
        if location.startswith(ADMIN_LOGIN):
            return "A"
        return "ok"
    return "ok" if code in ALLOWED else str(code)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at its end; each test's own
    transaction (pytest-django's `db`) is a savepoint inside it."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="matrix-media-"),
                                                          AXES_ENABLED=False):
        with transaction.atomic():
            built = build_world()
            built["sessions"] = {}
            for name, user in built["users"].items():  # logged in once: force_login costs a few queries
                client = Client()
                client.force_login(user)
                built["sessions"][name] = client.cookies[settings.SESSION_COOKIE_NAME].value
            yield built
            transaction.set_rollback(True)


def test_every_route_has_an_entry():
    missing = sorted(name for name in ROUTES if name not in MATRIX)
    assert not missing, f"new route without an entry in MATRIX: {missing}"
    stale = sorted(name for name in MATRIX if name not in ROUTES)
    assert not stale, f"MATRIX names routes the URLconf no longer has: {stale}"


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_answers_each_principal(name, world, db):
    route, callback = ROUTES[name]
    methods = accepted_methods(callback)
    expected = MATRIX.get(name, {})
    path = _path(name, route, world)
    observed, refused_methods = {}, {}
    for method in methods:
        row = []
        for principal in PRINCIPALS:
            with transaction.atomic():
                row.append(answer(_request(_client(principal, world), method, path)))
                transaction.set_rollback(True)
        observed[method] = " ".join(row)
    for method in TRIED:
        if method not in methods and not name.startswith("admin:"):
            with transaction.atomic():
                asker = _client(METHOD_ASKER.get(name, "admin"), world)
                refused_methods[method] = _request(asker, method, path).status_code
                transaction.set_rollback(True)
    shown = "".join(f"\n    {m!r}: {r!r}," for m, r in observed.items())
    assert expected == observed, f"{name} {path} (columns: {' '.join(PRINCIPALS)}):{shown}"
    assert set(refused_methods.values()) <= {405}, f"{name}: methods it does not accept must be 405: {refused_methods}"
