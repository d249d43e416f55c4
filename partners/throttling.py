"""Per-key rate limit for partner API keys, counted by the one limiter (core/ratelimit.py): exact across
web workers, and failing open (logged, `core.ratelimit.degraded()`) when the counter is unreachable."""
from rest_framework.throttling import BaseThrottle

from core.ratelimit import hit

WINDOW_SECONDS = 60


class ApiKeyRateThrottle(BaseThrottle):
    """Requests authenticated with a partner key are limited to the key's `rate_limit_per_minute`.

    Over the limit DRF answers 429 with `Retry-After` (seconds until the window ends)."""

    def __init__(self):
        self._wait: int | None = None

    def allow_request(self, request, view) -> bool:
        key = request.auth
        if getattr(key, "rate_limit_per_minute", None) is None:
            return True  # only partner API keys (request.auth) carry a limit; staff are not limited here
        # The prefix (random per key) rather than the id: ids repeat across test databases, prefixes do not.
        allowed, retry_after = hit(f"apikey:{key.prefix}", key.rate_limit_per_minute, WINDOW_SECONDS)
        if not allowed:
            self._wait = retry_after
        return allowed

    def wait(self) -> int | None:
        return self._wait
