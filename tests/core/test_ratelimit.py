"""The one rate limiter (core/ratelimit.py): exact under concurrency on Redis and on the embedded default,
a window that opens with the first hit, and failing open — logged and flagged — when its store is down."""
import threading
import uuid

import pytest
import time_machine
from django.core.cache import caches

from core import ratelimit

CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused at once


def _key() -> str:
    return f"test:{uuid.uuid4().hex}"  # Redis is shared with other suites: never reuse a key


def _race(key: str, *, threads: int = 60, limit: int = 10, window: int = 60) -> list[bool]:
    """`threads` hits released at the same instant; returns who was let through."""
    start, results, lock = threading.Barrier(threads), [], threading.Lock()

    def one():
        start.wait()
        allowed, _retry = ratelimit.hit(key, limit, window)
        with lock:
            results.append(allowed)

    workers = [threading.Thread(target=one) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    assert len(results) == threads
    return results


@pytest.fixture
def file_cache(settings, tmp_path):
    """The embedded default's cache (servicedesk/settings.py without REDIS_URL)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                   "LOCATION": str(tmp_path / "cache")}}
    return caches["default"]


def test_the_test_settings_use_redis():
    from django.core.cache.backends.redis import RedisCache

    assert isinstance(caches["default"], RedisCache)  # the next test races on Redis, not a fallback


def test_sixty_concurrent_hits_on_redis_let_exactly_ten_through():
    assert _race(_key()).count(True) == 10


def test_sixty_concurrent_hits_on_the_file_cache_let_exactly_ten_through(file_cache):
    assert _race(_key()).count(True) == 10


def test_sixty_concurrent_hits_on_locmem_let_exactly_ten_through(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert _race(_key()).count(True) == 10


@pytest.mark.parametrize("backend", ["redis", "file"])
def test_the_window_opens_with_the_first_hit_and_says_how_long_it_still_runs(backend, request):
    if backend == "file":
        request.getfixturevalue("file_cache")
    key = _key()
    with time_machine.travel(1_800_000_000.0, tick=False) as clock:
        assert [ratelimit.hit(key, 2, 600) for _ in range(2)] == [(True, 0), (True, 0)]
        clock.shift(200)
        allowed, retry_after = ratelimit.hit(key, 2, 600)
        assert not allowed
        if backend == "file":  # Redis keeps its own clock: there the TTL runs in real time (next test)
            assert retry_after == 400
        else:
            assert 595 <= retry_after <= 600
    ratelimit.reset(key)
    assert ratelimit.hit(key, 2, 600) == (True, 0)


def test_on_redis_the_window_ends_and_the_key_is_counted_afresh():
    key = _key()
    assert ratelimit.hit(key, 1, 1) == (True, 0)
    allowed, retry_after = ratelimit.hit(key, 1, 1)
    assert (allowed, retry_after) == (False, 1)
    import time

    time.sleep(1.1)  # Redis expires the key by its own clock
    assert ratelimit.hit(key, 1, 1) == (True, 0)


def test_keys_are_counted_apart():
    first, second = _key(), _key()
    assert ratelimit.hit(first, 1, 60)[0] and not ratelimit.hit(first, 1, 60)[0]
    assert ratelimit.hit(second, 1, 60)[0]


def test_redis_down_fails_open_with_a_warning_and_a_health_flag(settings, caplog):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": CLOSED_PORT_REDIS}}
    assert ratelimit.degraded() is None
    key = _key()
    with caplog.at_level("WARNING", logger="servicedesk.ratelimit"):
        results = [ratelimit.hit(key, 1, 60) for _ in range(5)]
    assert results == [(True, 0)] * 5  # over the limit, yet let through: the limiter fails open
    assert ratelimit.degraded() is not None
    warnings = [r for r in caplog.records if "rate limiter unavailable" in r.getMessage()]
    assert len(warnings) == 1  # not one line per request

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": settings.REDIS_URL}}
    assert ratelimit.hit(_key(), 1, 60) == (True, 0)
    assert ratelimit.degraded() is None  # back: the flag clears with the first counted hit
