"""A fixed-window counter per client in the shared cache (Redis in production, a file cache
otherwise), so the limit holds across web workers."""
from django.core.cache import cache


def limit_exceeded(*, key: str, limit: int, window_seconds: int) -> bool:
    """Counts this hit; True once more than `limit` hits fell in the window that began with the first."""
    cache.add(key, 0, timeout=window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        count = 1
    return count > limit


def client_ip(request) -> str:
    # REMOTE_ADDR, not X-Forwarded-For: a client can write that header. Behind a proxy, the proxy
    # must set REMOTE_ADDR (e.g. gunicorn --forwarded-allow-ips with a trusted proxy).
    return request.META.get("REMOTE_ADDR", "") or "unknown"
