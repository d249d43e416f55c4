"""The progress page's limit: one key per client address, counted by core/ratelimit.py."""
from django.conf import settings

# The log-in lockout (core.auth.login_client_ip) counts by the same address: one caller, one address.
from core.ratelimit import client_ip, hit

__all__ = ["client_ip", "progress_lookup_allowed"]


def progress_lookup_allowed(request) -> tuple[bool, int]:
    """(allowed, retry_after) for one more lookup from this client (settings.PROGRESS_RATE_LIMIT)."""
    limit, window = settings.PROGRESS_RATE_LIMIT
    return hit(f"progress:ip:{client_ip(request)}", limit, window)
