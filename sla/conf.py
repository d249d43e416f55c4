"""SLA enforcement knobs, from the environment so a test can start a worker with short intervals."""
import os


def _number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


# Beat sends a sweep this often (servicedesk/beat.py); a breach is recorded ≤ this + one sweep later.
SWEEP_SECONDS = _number("SLA_SWEEP_SECONDS", 10.0)
# Clocks claimed per transaction; one sweep task keeps going while batches come back full. Each batch is one
# statement per step whatever its size (core.sql), so bigger batches cost fewer round trips, not more parsing.
SWEEP_BATCH = int(_number("SLA_SWEEP_BATCH", 2000))
SWEEP_BUDGET_SECONDS = _number("SLA_SWEEP_BUDGET_SECONDS", 50.0)
# Events still un-notified, e-mails still unsent after this long are enqueued again (broker outage).
RENOTIFY_AFTER_SECONDS = _number("SLA_RENOTIFY_AFTER_SECONDS", 120.0)
EMAIL_CLAIM_SECONDS = _number("SLA_EMAIL_CLAIM_SECONDS", 300.0)
EMAIL_MAX_ATTEMPTS = int(_number("SLA_EMAIL_MAX_ATTEMPTS", 10))
# Test hook only: sleep this long inside each sweep transaction, so a test can kill a worker mid-sweep.
SWEEP_TEST_PAUSE_SECONDS = _number("SLA_SWEEP_TEST_PAUSE_SECONDS", 0.0)
# One e-mail per person per sweep (the notifier runs once per sweep run), listing its notices — the default: a
# sweep that finds 60 late tickets sends the manager one e-mail, not 60. SLA_EMAIL_DIGEST=0: one per notice.
# settings.SLA_EMAIL_DIGEST, when set, wins (tests).
EMAIL_DIGEST = os.environ.get("SLA_EMAIL_DIGEST", "1").strip().lower() in ("1", "true", "yes", "on")
