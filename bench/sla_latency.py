"""From due instant to recorded breach, with a real Celery worker and beat: p50 / p99 over N clocks.

    DATABASE_URL=postgres://servicedesk:servicedesk@127.0.0.1:5432/sd_sla \
    REDIS_URL=redis://127.0.0.1:6379/7 .venv/bin/python bench/sla_latency.py --clocks 200

Writes N running clocks whose due instants are spread over the next --spread seconds, starts
`celery worker` and `celery beat` (production settings; the sweep interval is beat's, 10 s unless
--sweep-seconds says otherwise), waits until every one is breached and prints the delay between each
clock's due instant (SlaEvent.at) and the moment a sweep recorded it (SlaEvent.detected_at). Runs
against whatever else the database holds (bench/sla_sweep.py's million clocks keep coming due).
The broker's Redis db is flushed first (--no-flush to keep it). Goal: p99 < 30 s.
"""
import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, setup_django  # noqa: E402

PREFIX = "SD-LAT-"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clocks", type=int, default=200)
    parser.add_argument("--spread", type=float, default=60.0, help="seconds over which the due instants fall")
    parser.add_argument("--sweep-seconds", type=float, default=None, help="beat interval (default: servicedesk/beat.py)")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--no-flush", action="store_true")
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        sys.exit("bench: set REDIS_URL (the worker and beat need a broker)")
    setup_django()
    import redis
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from servicedesk.beat import BEAT_SCHEDULE
    from sla.models import EmailDelivery, Notification, SlaClock, SlaEvent, SlaPolicy, SlaTarget, WorkingCalendar
    from tickets.models import Customer, Ticket

    interval = args.sweep_seconds or BEAT_SCHEDULE["sla-sweep"]["schedule"]
    user, _ = get_user_model().objects.get_or_create(username="bench_sla", defaults={"email": "sla@example.com"})
    policy, _ = SlaPolicy.objects.get_or_create(code="bench-latency", version=1, defaults={
        "name": "bench latency", "is_active": False, "effective_from": timezone.now()})
    target, _ = SlaTarget.objects.get_or_create(policy=policy, step="first_reply", defaults={
        "minutes": 30, "start_event": "dispatched", "stop_event": "replied",
        "calendar": WorkingCalendar.objects.get(always_open=True), "breach_to": []})
    target.breach_users.add(user)
    customer = Customer.objects.get_or_create(phone="+8613000000001", defaults={"name": "bench"})[0]

    with transaction.atomic():  # the previous run's rows, children first (no cascades in the schema)
        old = Ticket.objects.filter(number__startswith=PREFIX)
        EmailDelivery.objects.filter(notification__ticket__in=old).delete()
        Notification.objects.filter(ticket__in=old).delete()
        SlaEvent.objects.filter(clock__ticket__in=old).delete()
        SlaClock.objects.filter(ticket__in=old).delete()
        old.delete()

    def clocks_due(first_due, n: int, spread: float, offset: int = 0) -> list[int]:
        now = timezone.now()
        with transaction.atomic():
            tickets = Ticket.objects.bulk_create(
                Ticket(number=f"{PREFIX}{offset + i:05d}", customer=customer, kind="repair", channel="phone",
                       status="dispatched", fault_description="bench", created_by=user, created_at=now,
                       updated_at=now, status_changed_at=now)
                for i in range(n))
            rows = SlaClock.objects.bulk_create(
                SlaClock(ticket=t, policy=policy, target=target, step="first_reply", state="running",
                         started_at=now - timedelta(minutes=30), basis_at=now - timedelta(minutes=30),
                         warn_at=now - timedelta(minutes=5), warned_at=now - timedelta(minutes=5),
                         due_at=(due := first_due + timedelta(seconds=spread * i / n)), next_check_at=due)
                for i, t in enumerate(tickets))
        return [c.pk for c in rows]

    if not args.no_flush:
        redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    tmp = Path(tempfile.mkdtemp(prefix="sla_latency_"))
    env = {**os.environ, "SERVICEDESK_VAR_DIR": str(tmp), "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
           "SLA_SWEEP_SECONDS": str(interval)}
    celery = [sys.executable, "-m", "celery", "-A", "servicedesk"]
    logs = {name: open(tmp / f"{name}.log", "wb") for name in ("worker", "beat")}  # noqa: SIM115
    procs = [
        subprocess.Popen([*celery, "worker", "--loglevel=WARNING", f"--concurrency={args.concurrency}",
                          "--without-gossip", "--without-mingle"], cwd=ROOT, env=env, stdout=logs["worker"],
                         stderr=subprocess.STDOUT, start_new_session=True),
        subprocess.Popen([*celery, "beat", "--loglevel=WARNING", f"--schedule={tmp / 'beat-schedule'}"], cwd=ROOT,
                         env=env, stdout=logs["beat"], stderr=subprocess.STDOUT, start_new_session=True),
    ]
    try:
        # A canary due now: once its breach is recorded, worker and beat are up and sweeping.
        canary = clocks_due(timezone.now(), 1, 0, offset=99_999)
        deadline = time.monotonic() + 120
        while not SlaEvent.objects.filter(clock_id__in=canary).exists():
            if time.monotonic() > deadline:
                sys.exit(f"worker/beat did not start sweeping within 120 s; see {tmp}")
            time.sleep(0.5)
        ids = clocks_due(timezone.now() + timedelta(seconds=5), args.clocks, args.spread)
        print(f"{args.clocks} clocks due between +5 s and +{5 + args.spread:.0f} s; sweep every {interval:g} s; "
              f"worker concurrency {args.concurrency}; logs in {tmp}")
        deadline = time.monotonic() + 5 + args.spread + 3 * interval + 60
        while time.monotonic() < deadline:
            done = SlaEvent.objects.filter(clock_id__in=ids, kind="breach").count()
            if done == args.clocks:
                break
            time.sleep(1)
    finally:
        for proc in procs:
            os.kill(proc.pid, signal.SIGTERM)  # the main process: a warm shutdown finishes running tasks
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
    delays = [(e.detected_at - e.at).total_seconds()
              for e in SlaEvent.objects.filter(clock_id__in=ids, kind="breach")]
    if len(delays) < args.clocks:
        sys.exit(f"only {len(delays)} of {args.clocks} breaches recorded; see {tmp}")
    print(f"due → recorded breach over {len(delays)} clocks: p50 {statistics.median(delays):.1f} s, "
          f"p95 {percentile(delays, 95):.1f} s, p99 {percentile(delays, 99):.1f} s, max {max(delays):.1f} s "
          f"(goal: p99 < 30 s)")
    notified = SlaEvent.objects.filter(clock_id__in=ids, kind="breach", notified_at__isnull=False)
    lags = [(e.notified_at - e.detected_at).total_seconds() for e in notified]
    if lags:
        print(f"recorded → notified: p50 {statistics.median(lags):.2f} s, max {max(lags):.2f} s "
              f"({len(lags)} notified before the worker stopped)")


if __name__ == "__main__":
    main()
