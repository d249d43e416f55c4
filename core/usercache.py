"""The session user's row remembered per process for 30 s under a shared Redis generation token (issue 16).

Every session request read its user and their groups from PostgreSQL (core.auth.DeskBackend.get_user): one
round trip of ~0.4 ms, a twelfth of an API create. The token comes in the session's own Redis read (core.cache
shared_token: one MGET brings the session and the tokens), so a remembered user costs no round trip at all.

What keeps it right — the same rule as the partners' verified keys (partners/authentication.py):
- every write that can change who a session is or may do — a user saved (but for a log-in's last_login),
  deleted, put in or out of a group, a group saved or deleted — publishes a new token at once and again when the
  writer's transaction commits, so a process that read the old row between the two cannot keep it under the new
  token; every process then reads the row again on its next request;
- the rows are kept, not the user objects: each request builds its own User (no state shared between requests);
- Redis away: nothing is remembered, every request reads the database (as before this cache);
- a write that sends no signal (QuerySet.update on users; none in the application) is seen within 30 s.
Django's own checks still run on every request with the remembered row: is_active (user_can_authenticate) and
the session's password hash (a changed password logs the old sessions out).
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.db import transaction

from .cache import generation_publish, generation_read

USER_CACHE_SECONDS = 30.0
USER_CACHE_MAX = 1000  # users remembered per process; past it the memory starts afresh
GENERATION_KEY = "core:session-users:generation"

_rows: dict[object, tuple[str, float, list[tuple]]] = {}  # user id → (generation, expires, rows)
_lock = threading.Lock()


def session_user_rows(user_id, read: Callable[[object], list[tuple]]) -> list[tuple]:
    """`read(user_id)`'s rows (the user's columns with one group name each), remembered under the token."""
    generation = generation_read(GENERATION_KEY, "session users")
    if generation is not None:
        known = _rows.get(user_id)
        if known is not None and known[0] == generation and time.monotonic() < known[1]:
            return known[2]
    rows = read(user_id)
    if generation is not None and rows:
        with _lock:
            if len(_rows) >= USER_CACHE_MAX:
                _rows.clear()
            _rows[user_id] = (generation, time.monotonic() + USER_CACHE_SECONDS, rows)
    return rows


def session_users_invalidate(**_kwargs) -> None:
    """Forget every remembered user here and make every other process read its users again."""
    with _lock:
        _rows.clear()
    generation_publish(GENERATION_KEY, "session users")


def session_users_invalidate_on_commit(**_kwargs) -> None:
    session_users_invalidate()
    transaction.on_commit(session_users_invalidate)


def account_writes_watch(callback: Callable[..., None], uid: str) -> None:
    """Call `callback` on every write that can change who an account is or what it may do: a user saved (but for a
    log-in's last_login), deleted, put in or out of a group; a group saved or deleted. Signals, not service calls:
    the admin, the shell and every service write these rows, and one forgotten writer would keep a deactivated
    account signed in. Also the partner keys' (partners/apps.py)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed, post_delete, post_save

    def user_saved(update_fields=None, **_kwargs):
        if update_fields is None or set(update_fields) - {"last_login"}:  # a log-in changes no right
            callback()

    user_model = get_user_model()
    post_save.connect(user_saved, sender=user_model, weak=False, dispatch_uid=f"{uid}.save.user")
    post_delete.connect(callback, sender=user_model, dispatch_uid=f"{uid}.del.user")
    m2m_changed.connect(callback, sender=user_model.groups.through, dispatch_uid=f"{uid}.groups")
    post_save.connect(callback, sender=Group, dispatch_uid=f"{uid}.save.group")
    post_delete.connect(callback, sender=Group, dispatch_uid=f"{uid}.del.group")


def watch_session_user_writes() -> None:
    account_writes_watch(session_users_invalidate_on_commit, "session_users")
