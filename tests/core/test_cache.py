"""core/cache.py: one Redis client per pool (not one per call), configuration tokens read once per request."""
import pytest
from django.core.cache import cache, caches
from django.core.signals import request_finished, request_started
from django.test import override_settings

from core.cache import ReusedClientRedisCache, shared_token, shared_token_forget

KEY = "test:core-cache:token"
# The request signals these tests send also run Django's close_old_connections, which asks an open database
# connection its state: once an earlier test in this worker opened one, that is a database access.
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean():
    cache.delete(KEY)
    yield
    request_finished.send(sender=None)
    cache.delete(KEY)


def test_the_configured_cache_reuses_one_client_per_pool_and_still_works():
    backend = caches["default"]
    assert isinstance(backend, ReusedClientRedisCache)
    backend.set("test:core-cache:v", {"a": 1})
    assert backend.get("test:core-cache:v") == {"a": 1}
    assert backend._cache.get_client(write=False) is backend._cache.get_client(write=False)
    backend.delete("test:core-cache:v")
    assert backend.get("test:core-cache:v") is None


def test_outside_a_request_every_read_asks_the_cache():
    assert shared_token(KEY, "first") == "first"
    cache.set(KEY, "changed elsewhere")
    assert shared_token(KEY, "unused") == "changed elsewhere"


def test_inside_a_request_the_token_is_read_once_then_again_in_the_next_request():
    request_started.send(sender=None)
    assert shared_token(KEY, "first") == "first"
    cache.set(KEY, "changed by another process")
    assert shared_token(KEY, "unused") == "first"  # one consistent configuration for the whole request
    request_finished.send(sender=None)
    request_started.send(sender=None)
    assert shared_token(KEY, "unused") == "changed by another process"


def test_a_change_made_in_this_request_is_seen_in_this_request():
    request_started.send(sender=None)
    assert shared_token(KEY, "first") == "first"
    cache.set(KEY, "bumped here")
    shared_token_forget(KEY)
    assert shared_token(KEY, "unused") == "bumped here"


def test_redis_away_raises_to_the_caller_and_remembers_nothing():
    from redis.exceptions import ConnectionError as RedisConnectionError

    down = {"default": {"BACKEND": "core.cache.ReusedClientRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    request_started.send(sender=None)
    with override_settings(CACHES=down), pytest.raises(RedisConnectionError):
        shared_token(KEY, "first")
    assert shared_token(KEY, "first") == "first"  # back: read, not a remembered failure
