"""Verified API keys are remembered per process (partners/authentication.py), never past a change that shuts
them out: the cost of a partner's request drops, revocation stays immediate."""
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partners import authentication
from partners.models import PartnerApiKey

LIST = "/api/v1/tickets/"
DOWN = {"default": {"BACKEND": "core.cache.ReusedClientRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}


def _key_reads(client) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(LIST).status_code
    return status, [q["sql"] for q in ctx.captured_queries
                    if "partners_partnerapikey" in q["sql"] or "auth_group" in q["sql"]]


def test_a_key_verified_once_is_not_read_again(api_a):
    status, first = _key_reads(api_a)
    assert status == 200 and first  # the key, its partner and account; the account's roles
    status, again = _key_reads(api_a)
    assert status == 200 and again == []


def test_a_key_edited_after_use_answers_with_its_new_scopes_at_once(key_a, api_a):
    key, _raw = key_a
    assert api_a.get(LIST).status_code == 200
    key.scopes = ["tickets:create"]
    key.save()
    assert api_a.get(LIST).status_code == 403


def test_a_revocation_by_another_process_is_seen_on_the_next_request(key_a, api_a):
    """Another process revoked it: the row changed and the shared token moved; this process's memory did not."""
    from django.core.cache import cache

    assert api_a.get(LIST).status_code == 200
    PartnerApiKey.objects.filter(pk=key_a[0].pk).update(revoked_at=timezone.now())  # no signal here
    cache.set(authentication.GENERATION_KEY, "bumped by another process", timeout=None)
    assert api_a.get(LIST).status_code == 401


def test_without_the_shared_cache_every_request_reads_the_database(key_a, api_a):
    with override_settings(CACHES=DOWN):
        assert _key_reads(api_a)[0] == 200
        status, again = _key_reads(api_a)
        assert status == 200 and again  # nothing remembered: a revocation could not be announced
        PartnerApiKey.objects.filter(pk=key_a[0].pk).update(revoked_at=timezone.now())
        assert api_a.get(LIST).status_code == 401
