"""One SLA sweep over a big table: N open tickets with running clocks, 1 % of them due.

    DATABASE_URL=postgres://servicedesk:servicedesk@127.0.0.1:5432/sd_sla \
        .venv/bin/python bench/sla_sweep.py --tickets 1000000 --reset

Fills (COPY) N minimal open tickets, each with three clocks — one running (next_check_at set: 1 % in
the past, the rest spread over the next day), one met and one pending (next_check_at NULL, outside
the partial index) — then times:
- the sweep that handles every due clock (sla.enforcement.sla_sweep_run: batches of SLA_SWEEP_BATCH, each one
  statement, sla/sweep_sql.py; the broker knock is counted, not sent, so the figure is the database's),
- notifying the events it recorded (claim, in-app notification, e-mail outbox row),
- an idle sweep (nothing due), p50 over repeated runs,
and prints EXPLAIN (ANALYZE, BUFFERS) of the claim query, idle and busy: it must be an index scan on
sla_clock_next_check that reads a handful of pages, not the table.
"""
import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import copy_layout, raw_connection, setup_django  # noqa: E402
from _ddl import capture_ddl, drop_ddl, restore_ddl  # noqa: E402

TICKET_COLS = ["id", "number", "customer_id", "kind", "channel", "priority", "status", "fault_description",
               "created_by_id", "created_at", "updated_at", "status_changed_at", "version", "next_due_at"]
CLOCK_COLS = ["id", "ticket_id", "policy_id", "target_id", "step", "round", "state", "started_at", "basis_at",
              "basis_spent_seconds", "due_at", "warn_at", "escalate_at", "met_at", "warned_at", "breached_at",
              "escalated_at", "cancelled_at", "paused_seconds", "paused_since", "pause_reason", "next_check_at"]
NULL = "\\N"
# --reset empties the SLA runtime tables of this database (use a bench database): deleting millions
# of rows row by row through their foreign keys takes far longer than the bench itself.
RESET_SQL = "TRUNCATE sla_emaildelivery, sla_notification, sla_slaevent, sla_clockpause, sla_slaclock"


def ts(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S+00")


def fill(args, cur, ids: dict) -> None:
    from sla.models import SlaClock
    from tickets.models import Ticket

    tables = [Ticket._meta.db_table, SlaClock._meta.db_table]
    cur.execute(f"SELECT id FROM {tables[0]} WHERE number LIKE 'SD-BENCH-%' ORDER BY id")
    existing = [row[0] for row in cur.fetchall()][:args.tickets]
    cur.execute(f"SELECT coalesce(max(id), 0) FROM {tables[0]}")
    first = cur.fetchone()[0] + 1
    missing = args.tickets - len(existing)
    # Indexes and foreign keys are dropped for the load and rebuilt after it (faster than row by row);
    # the tickets' only when tickets are added.
    ddl = capture_ddl(cur, tables if missing else tables[1:])
    drop_ddl(cur, ddl)
    now = datetime.now(UTC)
    ticket_cols, ticket_tail = copy_layout(cur, tables[0], TICKET_COLS)
    clock_cols, clock_tail = copy_layout(cur, tables[1], CLOCK_COLS)
    cur.execute(f"SELECT coalesce(max(id), 0) FROM {tables[1]}")
    clock_id = cur.fetchone()[0]
    due_every = round(1 / args.due_ratio)
    started = time.monotonic()
    with cur.copy(f"COPY {tables[0]} ({', '.join(ticket_cols)}) FROM STDIN") as tickets:
        for n in range(missing):
            created = now - timedelta(minutes=20 + n % 600)
            tickets.write(f"{first + n}\tSD-BENCH-{first + n:08d}\t{ids['customer']}\trepair\tphone\tnormal\t"
                          f"dispatched\tbench\t{ids['user']}\t{ts(created)}\t{ts(created)}\t{ts(created)}\t1\t"
                          f"{NULL}{ticket_tail}\n")
    ticket_ids = existing + list(range(first, first + missing))
    print(f"  {missing:,} tickets added to {len(existing):,} in {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    with cur.copy(f"COPY {tables[1]} ({', '.join(clock_cols)}) FROM STDIN") as clocks:
        for n, ticket in enumerate(ticket_ids):
            begun = now - timedelta(minutes=20 + n % 600)
            # running: due 1 % in the past (already warned), the rest over the day after the next hour
            # (so nothing else comes due while the bench runs)
            due = now - timedelta(seconds=1 + n % 300) if n % due_every == 0 else now + timedelta(
                seconds=3600 + (n * 7919) % 86400)
            warn = due - timedelta(minutes=6)
            warned = ts(warn) if warn <= now else NULL
            check = due if warn <= now else warn
            for step, state, row in (
                    ("preprocess", "met", (ts(begun), ts(begun), "0", ts(begun + timedelta(minutes=30)), NULL, NULL,
                                           ts(begun + timedelta(minutes=5)), NULL, NULL, NULL, NULL, "0", NULL, "",
                                           NULL)),
                    ("first_reply", "running", (ts(begun), ts(begun), "0", ts(due), ts(warn), NULL, NULL, warned,
                                                NULL, NULL, NULL, "0", NULL, "", ts(check))),
                    ("callback", "pending", (NULL, NULL, "0", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "0",
                                             NULL, "", NULL))):
                clock_id += 1
                clocks.write("\t".join((str(clock_id), str(ticket), str(ids["policy"]), str(ids[step]), step, "1",
                                        state, *row)) + clock_tail + "\n")
    print(f"  {3 * args.tickets:,} clocks in {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    for table in tables:  # rows came with explicit ids: move the sequences past them
        cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    restore_ddl(cur, ddl)
    cur.execute(f"ANALYZE {tables[0]}; ANALYZE {tables[1]}")
    print(f"  indexes and foreign keys rebuilt, ANALYZE in {time.monotonic() - started:.1f} s")


def explain(cur, sql: str) -> str:
    cur.execute("BEGIN")
    cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
    plan = "\n".join("    " + row[0] for row in cur.fetchall())
    cur.execute("ROLLBACK")
    return plan


def claim_sql(now: datetime) -> str:
    """The sweep's claim (the first part of its one statement, sla/sweep_sql.py), the time inlined: EXPLAIN of
    the claim alone, so the bench does not move 500 clocks on (and leave their dead rows) before timing."""
    from sla.sweep_sql import CLAIM_SQL

    return CLAIM_SQL % {"now": f"'{now.isoformat()}'::timestamptz", "batch": 500}


class StatementTimes:
    """Time spent in each statement (by its first words) and in COMMIT, from the Django side: the PostgreSQL
    share of a phase, beside its wall time and the WAL it wrote."""

    def __init__(self, cur):
        from django.db.backends.base.base import BaseDatabaseWrapper

        self.cur, self.times, self.wrapper_class = cur, {}, BaseDatabaseWrapper

    def _add(self, key: str, started: float) -> None:
        count, seconds = self.times.get(key, (0, 0.0))
        self.times[key] = (count + 1, seconds + time.perf_counter() - started)

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self._add(" ".join(sql.split()[:3]).replace('"', ""), started)

    def __enter__(self):
        from django.db import connection

        self.cur.execute("SELECT pg_current_wal_insert_lsn()")
        self.lsn = self.cur.fetchone()[0]
        commit, times = self.wrapper_class._commit, self

        def timed_commit(wrapper):
            started = time.perf_counter()
            try:
                return commit(wrapper)
            finally:
                times._add("COMMIT", started)
        self.original, self.wrapper_class._commit = commit, timed_commit
        self.hook = connection.execute_wrapper(self)
        self.hook.__enter__()
        return self

    def __exit__(self, *exc):
        self.hook.__exit__(*exc)
        self.wrapper_class._commit = self.original
        self.cur.execute("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), %s)", [self.lsn])
        self.wal_mb = float(self.cur.fetchone()[0]) / 1e6

    def summary(self) -> str:
        total = sum(seconds for _count, seconds in self.times.values())
        parts = ", ".join(f"{key} {seconds:.2f} s ×{count}" for key, (count, seconds) in
                          sorted(self.times.items(), key=lambda item: -item[1][1])[:5])
        return f"  SQL {total:.2f} s ({parts}); WAL {self.wal_mb:.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--due-ratio", type=float, default=0.01)
    parser.add_argument("--reset", action="store_true",
                        help="empty the SLA tables, then fill (bench tickets are reused or added)")
    parser.add_argument("--idle-runs", type=int, default=50)
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command

    if args.reset:  # a bench database made by an older checkout: measure the schema this code ships with
        call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from servicedesk.celery import freeze_startup_objects
    from sla import tasks
    from sla.enforcement import sla_events_notify, sla_sweep, sla_sweep_run
    from sla.models import Notification, SlaEvent, SlaPolicy, SlaTarget, WorkingCalendar
    from tickets.models import Customer

    knocked = []
    tasks.sla_events_notify_task.delay = lambda ids: knocked.append(len(ids))  # count, do not send
    tasks.email_delivery_send_task.delay = lambda pk: None

    user, _ = get_user_model().objects.get_or_create(username="bench_sla", defaults={"email": "sla@example.com"})
    policy, _ = SlaPolicy.objects.get_or_create(code="bench-sla", version=1, defaults={
        "name": "bench", "is_active": False, "effective_from": timezone.now()})  # never matches new tickets
    calendar = WorkingCalendar.objects.get(always_open=True)
    ids = {"policy": policy.pk, "user": user.pk}
    for step, (start, stop) in {"preprocess": ("registered", "preprocessed"), "first_reply": ("dispatched", "replied"),
                                "callback": ("solved", "called_back")}.items():
        target, _ = SlaTarget.objects.get_or_create(policy=policy, step=step, defaults={
            "minutes": 30, "start_event": start, "stop_event": stop, "calendar": calendar, "breach_to": []})
        target.breach_users.add(user)
        ids[step] = target.pk

    admin = raw_connection(autocommit=True)
    cur = admin.cursor()
    if args.reset:
        print(f"Filling {args.tickets:,} open tickets ({args.due_ratio:.0%} due) …")
        cur.execute(RESET_SQL)
        ids["customer"] = Customer.objects.get_or_create(phone="+8613000000000", defaults={"name": "bench"})[0].pk
        fill(args, cur, ids)
    cur.execute("SELECT count(*), count(next_check_at), count(*) FILTER (WHERE next_check_at <= now()) "
                "FROM sla_slaclock")
    total, watched, due = cur.fetchone()
    cur.execute("SELECT pg_size_pretty(pg_relation_size('sla_slaclock')), "
                "pg_size_pretty(pg_relation_size('sla_clock_next_check'))")
    table_size, index_size = cur.fetchone()
    print(f"sla_slaclock: {total:,} rows ({table_size}), {watched:,} watched by the partial index "
          f"({index_size}), {due:,} due now")

    now = timezone.now()
    print("\nEXPLAIN of the claim with clocks due (LIMIT 500):")
    print(explain(cur, claim_sql(now)))
    # What a Celery pool process does when it starts (servicedesk/celery.py): build the URL resolver (the first
    # reverse() of a process, 0.2-0.5 s here: start-up, not notifying) and freeze start-up objects for the collector.
    freeze_startup_objects()
    with StatementTimes(cur) as sweep_sql:
        started = time.monotonic()
        handled = sla_sweep_run(budget_seconds=3600)  # conf.SWEEP_BATCH, as a worker runs it
        sweep_seconds = time.monotonic() - started
    events = SlaEvent.objects.filter(detected_at__gte=now - timedelta(seconds=1)).count()
    print(f"\nsweep: {handled:,} due clocks handled, {events:,} events recorded, {len(knocked)} notify knocks "
          f"in {sweep_seconds:.2f} s ({handled / sweep_seconds:,.0f} clocks/s)")
    print(sweep_sql.summary())

    event_ids = list(SlaEvent.objects.filter(notified_at=None).values_list("pk", flat=True))
    before = Notification.objects.count()
    with StatementTimes(cur) as notify_sql:
        started = time.monotonic()
        notified = sla_events_notify(event_ids=event_ids)
        notify_seconds = time.monotonic() - started
    print(f"notify: {notified:,} events → {Notification.objects.count() - before:,} notifications "
          f"in {notify_seconds:.2f} s")
    print(notify_sql.summary())

    mark = timezone.now()
    while sla_sweep(now=mark, batch=500):  # whatever came due while the sweep ran: nothing due at `mark`
        pass

    def idle(label: str) -> None:
        runs = []
        for _ in range(args.idle_runs):
            started = time.perf_counter()
            assert sla_sweep(now=mark, batch=500) == 0
            runs.append((time.perf_counter() - started) * 1000)
        print(f"idle sweep (nothing due), {label}: p50 {statistics.median(runs):.2f} ms, "
              f"max {max(runs):.2f} ms over {args.idle_runs} runs")
        print(explain(cur, claim_sql(mark)))

    # Right after the sweep the index still points at the old row versions of the clocks it moved on
    # (next_check_at is indexed, so no HOT update); (auto)vacuum removes them.
    idle("right after the sweep")
    started = time.monotonic()
    cur.execute("VACUUM (ANALYZE) sla_slaclock")
    print(f"\nVACUUM (ANALYZE) sla_slaclock: {time.monotonic() - started:.1f} s")
    idle("after vacuum")
    connection.close()


if __name__ == "__main__":
    main()
