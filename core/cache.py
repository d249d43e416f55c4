"""The Redis cache, cheaper per call, and configuration tokens read once per request.

Django's Redis client builds a new `redis.Redis` for every cache call (`get_client`); its constructor fills a
case-insensitive table of ~160 response callbacks, so a request making six cache calls spent ~2,000 Python
calls on set-up alone (issue 16, bench/profile_hot.py). A `redis.Redis` over a connection pool is thread-safe
(each command borrows a connection from the pool), so one per pool is kept instead.

Per-process caches of policy data (SLA snapshot, 三包 policies) ask Redis for a shared token to see whether
another process changed the configuration. Within one request the answer is read once: the request then works
on one consistent configuration, and create no longer asks the same question five times. Outside a request
(Celery, shell, tests calling services) every call still reads Redis. Within a request, the first token asked
for brings the others this process has used with it (one MGET), so a request pays one round trip for all."""
import logging
import threading
import uuid

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.core.signals import request_finished, request_started


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class ReusedClientRedisCache(RedisCache):
    """settings.CACHES backend: Django's RedisCache with one client per connection pool."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient


logger = logging.getLogger(__name__)
_local = threading.local()
_known: set[str] = set()  # the token keys asked for in this process


def shared_token(key: str, new: str) -> str | None:
    """The token stored under `key` (stored as `new` when none is); read from Redis once per request.

    Raises what the cache raises (Redis away): the callers fall back on their own maximum age."""
    memo = getattr(_local, "tokens", None)
    if memo is not None and key in memo:
        return memo[key]
    if memo is not None:
        # The first token a request needs brings every token this process has needed so far, in one round
        # trip (an API create reads three: partner keys, 三包 policies, SLA snapshot).
        _known.add(key)
        memo.update(cache.get_many([name for name in _known if name not in memo]))
        if key in memo:
            return memo[key]
    token = cache.get(key)
    if token is None:
        token = new if cache.add(key, new, timeout=None) else cache.get(key)
    if memo is not None:
        memo[key] = token
    return token


def get_with_tokens(key: str):
    """cache.get(key), and within a request the tokens this process has needed so far come in the same MGET (the
    session's read brings them: a session request then pays one Redis round trip for its session and its tokens,
    not two). Raises what the cache raises."""
    memo = getattr(_local, "tokens", None)
    wanted = [name for name in _known if name not in memo] if memo is not None else []
    if not wanted:
        return cache.get(key)
    found = cache.get_many([key, *wanted])
    memo.update({name: found[name] for name in wanted if name in found})
    return found.get(key)


def shared_token_forget(key: str) -> None:
    """This request changed the configuration: the next read asks Redis again."""
    memo = getattr(_local, "tokens", None)
    if memo is not None:
        memo.pop(key, None)


def _request_started(**_kwargs) -> None:
    _local.tokens = {}


def _request_finished(**_kwargs) -> None:
    _local.tokens = None


request_started.connect(_request_started, dispatch_uid="core.cache.request_started")
request_finished.connect(_request_finished, dispatch_uid="core.cache.request_finished")


# ---- generation tokens: what a per-process memory of database rows is valid under ----

def generation_read(key: str, what: str) -> str | None:
    """The shared generation token under `key` (partner keys, session users); None when Redis is away — then the
    caller remembers nothing and reads the database every time, since no change could be announced to it."""
    try:
        return shared_token(key, uuid.uuid4().hex)
    except Exception:  # Redis away
        logger.warning("%s: shared cache unreachable, reading every one from the database", what, exc_info=True)
        return None


def generation_publish(key: str, what: str) -> None:
    """A new token under `key`: every process reads its rows again on its next request (this one included)."""
    shared_token_forget(key)
    try:
        cache.set(key, uuid.uuid4().hex, timeout=None)
    except Exception:  # Redis away: other processes read no token either, so they remember nothing
        logger.warning("%s: could not publish a new generation", what, exc_info=True)
