"""Change stamps: what the cached pages show beside the tickets themselves (core/pagecache.py).

The page cache's key holds the tickets' change token, the ticket's own version, SLA events and the bell (their
writers move those by themselves, core/live.py). Other data shows on the same pages without moving any of them:
an engineer renamed, deactivated or put in the engineers' group (the filter, bulk and dispatch selects, every
name on the page), a message template edited (the customer-message form), an attachment deleted in the admin, a
customer's name corrected, a policy edited. Each such model is *watched*: its post_save / post_delete (and, for
a many-to-many, m2m_changed) bump the counter row of its kind, in the writer's transaction; the key holds the
sum of all counters, read as one more scalar of the token query (no query of its own).

Why signals here, when the code base otherwise calls services: this is cache invalidation, not a business rule.
The admin, `manage.py shell`, a data migration and every service all write these rows, and a page shown stale
because one writer forgot to bump is exactly the bug to prevent; a signal fires for all of them. Only a
QuerySet.update()/bulk_create() bypasses signals — `tests/core/test_change_stamps.py` pins the writers in use.

Apps declare what they own from AppConfig.ready(): `change_stamp_watch(MessageTemplate)`. `skip_created=True`
for rows whose creation always comes with a new or touched ticket (a customer, a device): creating them is
already in the tickets' token, so the create path pays no extra query.
"""
from __future__ import annotations

from django.db import connection
from django.db.models import BigIntegerField
from django.db.models.expressions import RawSQL
from django.db.models.signals import m2m_changed, post_delete, post_save

_UPSERT = ("INSERT INTO core_changestamp (name, n) VALUES (%s, 1) "
           "ON CONFLICT (name) DO UPDATE SET n = core_changestamp.n + 1")  # PostgreSQL and SQLite ≥ 3.24


def change_stamp_bump(name: str) -> None:
    """One more change of kind `name`, in the caller's transaction (a rolled-back write bumps nothing)."""
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [name])


def change_stamp_watch(*models, skip_created: bool = False, saves: bool = True,
                       ignore_fields: frozenset[str] = frozenset()) -> None:
    """Bump each model's kind on every save and delete. `ignore_fields`: a save of only these columns shows
    nowhere (a user's last_login at each log-in). `saves=False`: deletes only — rows whose every write goes
    through the timeline writer (the ticket's version moves) or the admin (its log row is stamped), but whose
    deletion by the admin's "delete selected" is logged without a signal (LogEntry.objects.bulk_create)."""
    for model in models:
        _watch(model, skip_created=skip_created, saves=saves, ignore_fields=ignore_fields)


def _watch(model, *, skip_created: bool, saves: bool, ignore_fields: frozenset[str]) -> None:
    name = model._meta.label_lower

    def saved(sender, instance, created, update_fields=None, raw=False, **kwargs):
        if raw or (created and skip_created) or (update_fields and set(update_fields) <= ignore_fields):
            return  # raw: a fixture load, whose tables the test or migration sets up as a whole
        change_stamp_bump(name)

    def deleted(sender, instance, **kwargs):
        change_stamp_bump(name)

    if saves:
        post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"change_stamp_saved:{name}")
    post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"change_stamp_deleted:{name}")


def change_stamp_watch_m2m(through, name: str) -> None:
    """Bump `name` when rows are added to or removed from a many-to-many (a user's groups: who is an engineer)."""
    def changed(sender, action, **kwargs):
        if action in ("post_add", "post_remove", "post_clear"):
            change_stamp_bump(name)

    m2m_changed.connect(changed, sender=through, weak=False, dispatch_uid=f"change_stamp_m2m:{name}")


def stamps_parts(user) -> dict:
    """The live source "stamps" (core/live.py): the sum of every counter, one scalar (an empty table: 0)."""
    return {"sum": RawSQL("(SELECT COALESCE(SUM(n), 0) FROM core_changestamp)", [], output_field=BigIntegerField())}


def watch_auth_models() -> None:
    """Users and groups: every page names people, the nav shows the reader's roles, the selects list engineers."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model()
    change_stamp_watch(user, ignore_fields=frozenset({"last_login"}))
    change_stamp_watch(Group)
    change_stamp_watch_m2m(user.groups.through, "auth.user_groups")
    # Any other admin edit (a callback, a work order, a refund edited by hand, bypassing the timeline writer):
    # the admin logs each one, in the same transaction, so its log row is the catch-all stamp.
    change_stamp_watch(LogEntry)
