"""A fixed-window counter per client in the shared cache (Redis in production, a file cache
otherwise), so the limit holds across web workers."""
from django.conf import settings
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
    """The caller's address. REMOTE_ADDR, unless settings.TRUSTED_PROXY_HOPS says how many proxies of ours
    stand in front (nginx → gunicorn: 1): then the X-Forwarded-For entry that many from the right, the one
    our own proxy wrote. Entries further left are the client's to invent, so they are never read."""
    hops = settings.TRUSTED_PROXY_HOPS
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "") or "unknown"
