"""The pure parts: the retry schedule and the signature. No database."""
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from webhooks.rules import RETRY_WINDOW, backoff_delay, body_encode, next_attempt_after_failure, signature

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
s, m, h = (lambda n: timedelta(seconds=n)), (lambda n: timedelta(minutes=n)), (lambda n: timedelta(hours=n))


@pytest.mark.parametrize(("step", "delay"), [
    (0, s(30)), (1, m(1)), (2, m(2)), (3, m(4)), (4, m(8)), (5, m(16)), (6, m(32)),
    pytest.param(7, h(1), id="first-capped"), (8, h(1)), pytest.param(500, h(1), id="no-huge-powers"),
])
def test_backoff_doubles_from_30_seconds_and_caps_at_an_hour(step, delay):
    assert backoff_delay(step) == delay


@pytest.mark.parametrize(("failed_at", "expected"), [
    pytest.param(T0, T0 + s(30), id="first-failure"),
    pytest.param(T0 + RETRY_WINDOW - s(1), T0 + RETRY_WINDOW - s(1) + h(1), id="last-second-still-retries"),
    pytest.param(T0 + RETRY_WINDOW, None, id="window-over-gives-up"),
])
def test_retry_window_boundaries(failed_at, expected):
    step = 0 if expected == T0 + s(30) else 9
    assert next_attempt_after_failure(now=failed_at, step=step, retry_until=T0 + RETRY_WINDOW) == expected


def test_schedule_retries_for_at_least_24_hours_then_stops():
    at, step, tries = T0, 0, [T0]
    while (nxt := next_attempt_after_failure(now=at, step=step, retry_until=T0 + RETRY_WINDOW)) is not None:
        at, step = nxt, step + 1
        tries.append(at)
    assert tries[-1] >= T0 + RETRY_WINDOW
    assert tries[1:5] == [T0 + s(30), T0 + s(90), T0 + s(210), T0 + s(450)]
    assert max(b - a for a, b in zip(tries, tries[1:])) == h(1)
    assert 25 <= len(tries) <= 35


def test_signature_is_hmac_sha256_over_timestamp_dot_body():
    body = body_encode({"b": 1, "a": "中文"})
    assert body == '{"a":"中文","b":1}'.encode()
    expected = hmac.new(b"whsec_test", b"1767225600." + body, hashlib.sha256).hexdigest()
    assert signature("whsec_test", 1767225600, body) == f"v1={expected}"
    assert signature("whsec_other", 1767225600, body) != f"v1={expected}"
