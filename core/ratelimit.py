"""The one rate limiter: a fixed window per key that opens with the key's first hit, counted atomically.

    allowed, retry_after = hit("progress:ip:203.0.113.7", limit=10, window=600)

- With a Redis cache (REDIS_URL): one MULTI round trip — `SET key 0 EX window NX`, `INCR key`,
  `PTTL key` — so parallel web workers on any host share one exact count, and the refusal says how long
  the window still runs. A separate small client with short socket timeouts is used (Django's cache
  API has no atomic "create-or-increment and tell me the TTL"; its client is private), keyed through
  `cache.make_key` so KEY_PREFIX and VERSION still apply.
- Otherwise (the embedded default: the file cache; also locmem or the database cache): the cache's
  `incr` is a read then a write (60 parallel hits overshot a limit of 10 by 2–5), so read-modify-write
  runs under an exclusive `flock` on a lock file, shared by every process and thread of this machine —
  which is as far as a file or locmem cache is shared anyway.

When the counter cannot be reached (Redis down, disk full) the limiter FAILS OPEN: the request is let
through, a warning is logged (at most once a minute per process) and `degraded()` tells a health check
since when. Refusing every caller because our own cache is down would turn a cache outage into a full
outage; the limits protect against abuse, not against loss of data.

`client_ip(request)` is the caller's address for per-client keys (the progress page, log-ins)."""
from __future__ import annotations

import fcntl
import logging
import math
import os
import tempfile
import threading
import time
import zlib
from contextlib import contextmanager
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache

log = logging.getLogger("servicedesk.ratelimit")

# A Redis that does not answer must not hold a request for the OS's TCP timeout.
REDIS_TIMEOUT_SECONDS = 0.5
LOCK_STRIPES = 16  # lock files: unrelated keys rarely wait for each other
WARN_EVERY_SECONDS = 60.0

_clients: dict[str, object] = {}
_clients_lock = threading.Lock()
_degraded = {"since": None, "warned_at": 0.0}
_degraded_lock = threading.Lock()


def hit(key: str, limit: int, window: int) -> tuple[bool, int]:
    """Counts one hit on `key`. Returns (allowed, retry_after): allowed while at most `limit` hits fell in
    the current window; retry_after is the whole seconds until the window ends (≥ 1) when refused, else 0.
    The window opens with the first hit and lasts `window` seconds."""
    cache = caches[DEFAULT_CACHE_ALIAS]
    try:
        if isinstance(cache, RedisCache):
            count, ttl = _hit_redis(cache, key, window)
        else:
            count, ttl = _hit_locked(cache, key, window)
    except Exception as exc:  # noqa: BLE001 — any failure of the counter's store: fail open (module docstring)
        _mark_degraded(exc, key)
        return True, 0
    _mark_healthy()
    if count <= limit:
        return True, 0
    return False, max(1, math.ceil(ttl))


def reset(key: str) -> None:
    """Forget `key`'s window (an administrator lifting a limit; tests)."""
    cache = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(cache, RedisCache):
        _redis_client(cache).delete(cache.make_key(_name(key)))
    else:
        with _file_lock(cache, key):
            cache.delete(_name(key))


def degraded() -> datetime | None:
    """Since when this process's limiter has been failing open (None while the counter answers)."""
    since = _degraded["since"]
    return None if since is None else datetime.fromtimestamp(since, tz=UTC)


def client_ip(request) -> str:
    """The caller's address. REMOTE_ADDR, unless settings.TRUSTED_PROXY_HOPS says how many proxies of ours
    stand in front (nginx → gunicorn: 1): then the X-Forwarded-For entry that many from the right, the one
    our own proxy wrote. Entries further left are the client's to invent, so they are never read."""
    hops = settings.TRUSTED_PROXY_HOPS
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


# --- Redis ------------------------------------------------------------------------------------------------

def _name(key: str) -> str:
    return f"ratelimit:{key}"


def _redis_client(cache: RedisCache):
    import redis

    location = settings.CACHES[DEFAULT_CACHE_ALIAS]["LOCATION"]
    url = (location.split(",") if isinstance(location, str) else list(location))[0]  # the first server is the primary
    with _clients_lock:
        client = _clients.get(url)
        if client is None:
            client = _clients[url] = redis.Redis.from_url(
                url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS)
    return client


def _hit_redis(cache: RedisCache, key: str, window: int) -> tuple[int, float]:
    name = cache.make_key(_name(key))
    pipe = _redis_client(cache).pipeline(transaction=True)
    pipe.set(name, 0, ex=window, nx=True)  # opens the window: the TTL is set once, by the first hit
    pipe.incr(name)  # INCR keeps the TTL
    pipe.pttl(name)
    _created, count, pttl = pipe.execute()
    return int(count), (pttl / 1000 if pttl and pttl > 0 else window)


# --- the embedded default -----------------------------------------------------------------------------------

def _lock_dir(cache) -> str:
    if isinstance(cache, FileBasedCache):  # next to the cache files: the same disk every process shares
        return str(settings.CACHES[DEFAULT_CACHE_ALIAS]["LOCATION"])
    return tempfile.gettempdir()


@contextmanager
def _file_lock(cache, key: str):
    directory = _lock_dir(cache)
    os.makedirs(directory, exist_ok=True)
    stripe = zlib.crc32(key.encode()) % LOCK_STRIPES
    # A separate open() per call: flock excludes other open file descriptions, threads of this process too.
    with open(os.path.join(directory, f"ratelimit-{stripe}.lock"), "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _hit_locked(cache, key: str, window: int) -> tuple[int, float]:
    name = _name(key)
    with _file_lock(cache, key):
        now = time.time()
        entry = cache.get(name)
        if isinstance(entry, tuple) and len(entry) == 2 and entry[1] > now:
            count, ends = entry[0] + 1, entry[1]
        else:
            count, ends = 1, now + window
        cache.set(name, (count, ends), timeout=math.ceil(ends - now) + 1)
    return count, ends - now


# --- failing open -------------------------------------------------------------------------------------------

def _mark_degraded(exc: BaseException, key: str) -> None:
    now = time.time()
    with _degraded_lock:
        first = _degraded["since"] is None
        if first:
            _degraded["since"] = now
        warn = first or now - _degraded["warned_at"] >= WARN_EVERY_SECONDS
        if warn:
            _degraded["warned_at"] = now
    if warn:
        log.warning("rate limiter unavailable (%s: %s): requests are let through unlimited (key %s)",
                    type(exc).__name__, exc, key.split(":", 1)[0])


def _mark_healthy() -> None:
    if _degraded["since"] is None:
        return
    with _degraded_lock:
        since, _degraded["since"] = _degraded["since"], None
    if since is not None:
        log.warning("rate limiter available again after %.0f s", time.time() - since)
