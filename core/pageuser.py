"""A cached page's reader and change token in one query (issue 16 §4: HTTP list page 1).

A page served from the cache (core/pagecache.py) used to cost two queries: the session's user with their groups
(core.auth.DeskBackend.get_user, ~1,000 Python calls through the ORM) and the change token (core/live.py). Both
are anchored on the same auth_user row, so for a GET of a page-cached view this middleware — after
AuthenticationMiddleware, before LoginRequiredMiddleware and the view's role check — reads the user's columns,
their group names and the page's token in the token's one precompiled statement, and hands the view both.

It does exactly what django.contrib.auth.get_user does for a desk session, or nothing: the session's backend must
be DeskBackend, the user must pass its user_can_authenticate (active, not a partner account) and the session's
password hash must match the user's current one. Any other case (no session, another backend, a hash to verify
against SECRET_KEY_FALLBACKS, a deleted user) is left to the usual lazy request.user, unchanged.
"""
from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model, load_backend
from django.utils.crypto import constant_time_compare

from .auth import DeskBackend
from .live import is_live_poll, live_values, user_columns
from .roles import user_roles_preload


class _Anchor:
    """The token query's anchor before the user is loaded: it needs only the id."""

    def __init__(self, pk):
        self.pk = pk


def _session_user_id(request):
    session = getattr(request, "session", None)
    if session is None or session.get(BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS:
        return None, None
    backend = load_backend(session[BACKEND_SESSION_KEY])
    if not isinstance(backend, DeskBackend):
        return None, None
    try:
        return get_user_model()._meta.pk.to_python(session.get(SESSION_KEY)), backend
    except Exception:  # noqa: BLE001 — no user in the session, or another key type: the usual path decides
        return None, None


class PageCacheUserMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        spec = getattr(view_func, "page_cache_spec", None)
        if (spec is None or not settings.PAGE_CACHE or request.method != "GET" or is_live_poll(request)
                or request.headers.get("HX-Request") == "true"):
            return None
        user_id, backend = _session_user_id(request)
        if user_id is None:
            return None
        sources, row = spec
        extra = row(request, *view_args, **view_kwargs) if row else None
        values = live_values(user=_Anchor(user_id), sources=sources, extra=extra, with_user=True)
        if not values:
            return None  # the user is gone: the usual path flushes the session
        names = user_columns()
        User = get_user_model()
        user = User.from_db(User._default_manager.db, names, values[:len(names)])
        groups = values[len(names)]
        user_roles_preload(user, json.loads(groups) if isinstance(groups, str) else (groups or []))
        session_hash = request.session.get(HASH_SESSION_KEY)
        if not backend.user_can_authenticate(user) or not (
                session_hash and constant_time_compare(session_hash, user.get_session_auth_hash())):
            return None
        user.backend = request.session[BACKEND_SESSION_KEY]
        request.user = user

        async def auser():
            return user

        request.auser = auser
        request.page_cache_token = (sources, extra, values[len(names) + 1:])
        return None
