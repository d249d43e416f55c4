"""The session user's row is remembered per process (core/usercache.py), never past a write that changes who the
session is or what it may do: a session request reads no user row, deactivation, a new password, a removed role
and another process's change are seen on the next request."""
import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from rest_framework.test import APIClient

from core import usercache
from core.roles import Role

TICKETS = "/api/v1/tickets/"
DOWN = {"default": {"BACKEND": "core.cache.ReusedClientRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
pytestmark = pytest.mark.django_db


@pytest.fixture
def session_api(reception):
    """The desk's own API calls: a session, as the pages' scripts send them (not DRF's force_authenticate)."""
    client = APIClient()
    client.force_login(reception)
    return client


def _user_reads(client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(TICKETS).status_code
    return status, sum('FROM "auth_user"' in q["sql"] for q in ctx.captured_queries)


def test_a_session_user_read_once_is_not_read_again(session_api):
    assert _user_reads(session_api) == (200, 1)
    assert _user_reads(session_api) == (200, 0)


def test_a_deactivated_user_is_signed_out_on_the_next_request(reception, session_api):
    assert _user_reads(session_api)[0] == 200
    reception.is_active = False
    reception.save()
    assert session_api.get(TICKETS).status_code == 401  # signed out: no user on the session any more


def test_a_new_password_ends_the_old_sessions(reception, reception_client):
    assert reception_client.get("/tickets/").status_code == 200
    reception.set_password("a-new-password-2026")
    reception.save()
    assert reception_client.get("/tickets/").status_code == 302  # to the log-in page


def test_a_removed_role_is_refused_at_once(reception, session_api):
    assert session_api.get(TICKETS).status_code == 200
    reception.groups.remove(Group.objects.get(name=Role.RECEPTION))
    assert session_api.get(TICKETS).status_code == 403


def test_a_change_by_another_process_is_seen_on_the_next_request(reception, session_api):
    """Another process deactivated the user: the row changed and the shared token moved; this memory did not."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache

    assert session_api.get(TICKETS).status_code == 200
    get_user_model().objects.filter(pk=reception.pk).update(is_active=False)  # no signal here
    cache.set(usercache.GENERATION_KEY, "bumped by another process", timeout=None)
    assert session_api.get(TICKETS).status_code == 401


def test_a_row_read_before_the_writer_committed_is_not_kept(reception, session_api,
                                                           django_capture_on_commit_callbacks):
    """A process reading between the writer's first token and its commit saw the old row: the token moves again
    on commit, so that row is not used."""
    with django_capture_on_commit_callbacks(execute=True):
        reception.is_active = False
        reception.save()  # token moved now
        usercache.session_user_rows(reception.pk, lambda pk: [("old row, active",)])  # read "before the commit"
    assert session_api.get(TICKETS).status_code == 401


def test_without_the_shared_cache_every_request_reads_the_user(session_api):
    with override_settings(CACHES=DOWN):
        assert _user_reads(session_api) == (200, 1)
        assert _user_reads(session_api) == (200, 1)  # nothing remembered: a change could not be announced
