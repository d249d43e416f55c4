"""Pure rules of webhook delivery: the signature and the retry schedule. No models, no clock."""
import hashlib
import hmac
import json
from datetime import datetime, timedelta
from typing import Any, Final

FIRST_DELAY: Final = timedelta(seconds=30)
MAX_DELAY: Final = timedelta(hours=1)
RETRY_WINDOW: Final = timedelta(hours=24)


def body_encode(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent and signed. Receivers must verify these raw bytes, not a re-encoding."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`v1=` + hex HMAC-SHA256(secret, f"{timestamp}.{body}")."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256)
    return f"v1={mac.hexdigest()}"


def signature_header(secrets: list[str], timestamp: int, body: bytes) -> str:
    """`v1=<new>` or, while a rotated secret overlaps, `v1=<new>,v1=<old>`: a receiver accepts if any matches."""
    return ",".join(signature(secret, timestamp, body) for secret in secrets)


def backoff_delay(step: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min … doubling, capped at 1 hour."""
    if step >= 7:  # 30 s · 2**7 = 64 min: past the cap already, and no huge powers
        return MAX_DELAY
    return min(FIRST_DELAY * (2**step), MAX_DELAY)


def next_attempt_after_failure(*, now: datetime, step: int, retry_until: datetime) -> datetime | None:
    """When to try again after the `step`-th failure of this run, or None: give up.

    We keep trying while the failure happened before `retry_until` (created + 24 h), so the last try
    may land a little after it: "at least 24 hours" of retrying, never less."""
    if now >= retry_until:
        return None
    return now + backoff_delay(step)
