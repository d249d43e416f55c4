"""The SLA dashboard at 1,000,000 tickets: fill the tables it reads, build the rollups, time the page,
and export 100,000 tickets to Excel measuring peak memory.

    export DATABASE_URL=postgres://servicedesk:servicedesk@127.0.0.1:5432/sd_dash_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/fill_tickets.py --tickets 1000000 --reset     # tickets, timeline (COPY)
    .venv/bin/python bench/dashboard.py fill       # SLA clocks (5 per ticket) + rated callbacks, in SQL
    .venv/bin/python bench/dashboard.py rollup     # the last 35 days' rollups (what the beat task keeps)
    .venv/bin/python bench/dashboard.py page --requests 40   # warm p50/p95; "cold": first view after a rebuild
    .venv/bin/python bench/dashboard.py export --rows 100000             # run in its own process: peak RSS

`fill` derives each ticket's clocks from its SOP stamps with the default policy's targets (met or
breached by the stamps; still open → running, warned or breached against "now"; left open on a
closed ticket → cancelled) and a rated callback for every called-back ticket, all as INSERT … SELECT.
ON CONFLICT DO NOTHING: another bench may be creating tickets (and their clocks, through the services)
in the same database while this runs; those rows are kept.
"""
import argparse
import resource
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import bench_users, raw_connection, setup_django  # noqa: E402

STEPS = {  # step: (start stamp, stop stamp)
    "preprocess": ("created_at", "preprocessed_at"),
    "dispatch": ("preprocessed_at", "dispatched_at"),
    "first_reply": ("dispatched_at", "COALESCE(replied_at, solved_at)"),
    "solution": ("created_at", "solved_at"),
    "callback": ("solved_at", "called_back_at"),
}

CLOCK_SQL = """
INSERT INTO sla_slaclock (ticket_id, policy_id, target_id, step, round, state, started_at, basis_at,
    basis_spent_seconds, due_at, warn_at, escalate_at, met_at, warned_at, breached_at, escalated_at, cancelled_at,
    paused_seconds, paused_since, pause_reason, next_check_at)
SELECT id, %(policy)s, %(target)s, %(step)s, 1,
    CASE WHEN stop IS NOT NULL THEN CASE WHEN stop > due THEN 'breached' ELSE 'met' END
         WHEN status IN ('closed', 'cancelled') THEN 'cancelled'
         WHEN now() > due THEN 'breached' ELSE 'running' END,
    start, start, 0, due, start + (due - start) * 0.8, due + interval '30 minutes', stop,
    CASE WHEN stop IS NULL AND status NOT IN ('closed', 'cancelled') AND now() > start + (due - start) * 0.8
         THEN start + (due - start) * 0.8 END,
    CASE WHEN (stop IS NOT NULL AND stop > due) OR (stop IS NULL AND status NOT IN ('closed', 'cancelled')
         AND now() > due) THEN due END,
    NULL,
    CASE WHEN stop IS NULL AND status IN ('closed', 'cancelled') THEN status_changed_at END,
    0, NULL, '', NULL
FROM (SELECT id, status, status_changed_at, {start} AS start, {stop} AS stop,
             {start} + %(minutes)s * interval '1 minute' AS due
      FROM tickets_ticket WHERE {start} IS NOT NULL) t
ON CONFLICT DO NOTHING
"""

CALLBACK_SQL = """
INSERT INTO callbacks_callback (kind, ticket_id, customer_id, device_id, policy_id, state, due_at, first_due_at,
    attempts, last_attempt_at, outcome, fixed, score_attitude, score_quality, score_price, comments,
    completed_at, completed_by_id, manager_flagged, created_at)
SELECT 'solution', id, customer_id, device_id, %(policy)s, 'done', solved_at + interval '20 minutes',
    solved_at + interval '20 minutes', 1, called_back_at, 'fixed', true, 3 + (id %% 3), 2 + (id %% 4),
    1 + (id %% 5), '', called_back_at, created_by_id, false, solved_at
FROM tickets_ticket WHERE called_back_at IS NOT NULL AND solved_at IS NOT NULL
ON CONFLICT DO NOTHING
"""


def fill() -> None:
    from callbacks.models import CallbackPolicy
    from sla.defaults import sla_defaults_ensure
    from sla.models import SlaPolicy

    sla_defaults_ensure()  # fill_tickets --reset truncates with CASCADE, which empties the policy tables too

    policy = SlaPolicy.objects.get(code="default", version=1)
    targets = {t.step: t for t in policy.targets.all()}
    cb_policy = CallbackPolicy.objects.order_by("effective_from").first()
    with raw_connection(autocommit=True) as conn, conn.cursor() as cur:
        cur.execute("TRUNCATE sla_slaclock, sla_clockpause, sla_slaevent, sla_notification, callbacks_callback, "
                    "callbacks_callbackattempt CASCADE")
        for step, (start, stop) in STEPS.items():
            began = time.monotonic()
            cur.execute(CLOCK_SQL.format(start=start, stop=stop),
                        {"policy": policy.pk, "target": targets[step].pk, "step": step,
                         "minutes": targets[step].minutes})
            print(f"clocks {step:12} {cur.rowcount:>9,} rows {time.monotonic() - began:6.1f} s", flush=True)
        began = time.monotonic()
        cur.execute(CALLBACK_SQL, {"policy": cb_policy.pk})
        print(f"callbacks             {cur.rowcount:>9,} rows {time.monotonic() - began:6.1f} s", flush=True)
        cur.execute("VACUUM (ANALYZE) sla_slaclock")
        cur.execute("VACUUM (ANALYZE) callbacks_callback")
        cur.execute("ANALYZE tickets_ticketevent")


def rollup(days: int) -> None:
    from django.utils import timezone

    from dashboard.rollup import rollup_build_day

    now, today = timezone.now(), timezone.localdate()
    took = []
    for n in range(days - 1, -1, -1):
        row = rollup_build_day(day=today - timedelta(days=n), now=now)
        took.append(row.seconds)
    print(f"rollup: {days} days built, per day p50 {statistics.median(took):.2f} s, max {max(took):.2f} s, "
          f"today {took[-1]:.2f} s (the every-minute refresh)")


def page(requests: int, warmup: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from dashboard.rollup import hist_version_bump

    manager = bench_users()["manager"][0]
    client = Client()
    client.force_login(manager)
    scenarios = {"last 30 days": "", "kind=repair": "?kind=repair", "engineer": f"?engineer={_an_engineer()}",
                 "week trend, 90 days": "?trend=week&date_from=" + str(_days_ago(89))}
    print(f"{'scenario':22} {'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8} {'sql p50':>8} {'queries':>8} {'cold ms':>8}"
          f"  (load {_load()})")
    sql_ms = []

    def timed(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_ms[-1] += (time.perf_counter() - began) * 1000

    for name, query in scenarios.items():
        for _ in range(warmup):
            assert client.get("/dashboard/" + query).status_code == 200
        times, cpu, sql_ms[:] = [], [], []
        with connection.execute_wrapper(timed):
            for _ in range(requests):
                sql_ms.append(0.0)
                began, began_cpu = time.perf_counter(), time.process_time()
                response = client.get("/dashboard/" + query)
                times.append((time.perf_counter() - began) * 1000)
                cpu.append((time.process_time() - began_cpu) * 1000)
                assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get("/dashboard/" + query)
        n_queries = len(queries)  # now: the next request's request_started signal empties the log
        cold = []  # the first view after a past day's rollup is rebuilt (the cached past-days sums are re-read)
        for _ in range(5):
            hist_version_bump()
            began = time.perf_counter()
            client.get("/dashboard/" + query)
            cold.append((time.perf_counter() - began) * 1000)
        times.sort()
        print(f"{name:22} {statistics.median(times):8.1f} {times[int(len(times) * 0.95) - 1]:8.1f} "
              f"{statistics.median(cpu):8.1f} {statistics.median(sql_ms):8.1f} {n_queries:8d} "
              f"{statistics.median(cold):8.1f}", flush=True)


def export(rows: int) -> None:
    from dashboard.exports import tickets_qs
    from dashboard.filters import Filters
    from dashboard.models import ExportJob
    from dashboard.services import export_job_run

    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    days = 30
    while tickets_qs(Filters(date_from=_days_ago(days), date_to=_days_ago(0))).count() < rows and days < 366:
        days += 5
    f = Filters(date_from=_days_ago(days), date_to=_days_ago(0))
    job = ExportJob.objects.create(requested_by=bench_users()["manager"][0], kind="tickets", format="xlsx",
                                   filters=f.as_dict())
    began = time.monotonic()
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = job.file.size / 1024 / 1024
    print(f"excel export: {job.rows:,} rows ({days} days) in {time.monotonic() - began:.1f} s, file {size:.1f} MB, "
          f"peak RSS {peak:.0f} MB (after Django set-up {base:.0f} MB)")


def _days_ago(n: int):
    from django.utils import timezone

    return timezone.localdate() - timedelta(days=n)


def _an_engineer() -> int:
    return bench_users()["engineer"][0].pk


def _load() -> str:
    import os

    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["fill", "rollup", "page", "export"])
    parser.add_argument("--days", type=int, default=35)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    setup_django()
    {"fill": fill, "rollup": lambda: rollup(args.days), "page": lambda: page(args.requests, args.warmup),
     "export": lambda: export(args.rows)}[args.command]()


if __name__ == "__main__":
    main()
