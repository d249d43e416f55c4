"""Per-key rate limit: a fixed one-minute window counted in the Django cache (Redis when REDIS_URL is set).

`cache.add` + `cache.incr` are atomic in Redis, so parallel web workers share one exact count."""
import math
import time

from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

WINDOW_SECONDS = 60


class ApiKeyRateThrottle(BaseThrottle):
    """Requests authenticated with a partner key are limited to the key's `rate_limit_per_minute`.

    Over the limit DRF answers 429 with `Retry-After` (seconds until the window ends)."""

    def __init__(self):
        self._wait: float | None = None

    def allow_request(self, request, view) -> bool:
        key = request.auth
        if getattr(key, "rate_limit_per_minute", None) is None:
            return True  # only partner API keys (request.auth) carry a limit; staff are not limited here
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        # The prefix (random per key) rather than the id: ids repeat across test databases, prefixes do not.
        cache_key = f"apikey-rate:{key.prefix}:{window}"
        cache.add(cache_key, 0, timeout=WINDOW_SECONDS + 5)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr: start the window again
            cache.set(cache_key, 1, timeout=WINDOW_SECONDS + 5)
            count = 1
        if count <= key.rate_limit_per_minute:
            return True
        self._wait = (window + 1) * WINDOW_SECONDS - now
        return False

    def wait(self) -> float | None:
        return None if self._wait is None else max(1, math.ceil(self._wait))
