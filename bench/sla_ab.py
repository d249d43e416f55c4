"""Same-minute A/B of the SLA sweep and notify on a database bench/sla_sweep.py has filled.

    DATABASE_URL=postgres://servicedesk:servicedesk@127.0.0.1:5432/sd_sweep \
        .venv/bin/python bench/sla_ab.py --pairs 3

Each run rewinds what the last sweep did (events, notices and e-mails emptied; the breached clocks running and
due again), VACUUMs and CHECKPOINTs (so every run pays the same full-page images), then times one sweep run
(sla_sweep_run, conf.SWEEP_BATCH) and, after another CHECKPOINT, the notification of its events. "old" is the
Python sweep (enforcement._sweep_rows: claim, decide in Python, INSERT, one UPDATE per outcome) and the notifier's
claim then read, "new" the statements of sla/sweep_sql.py; the order alternates pair by pair. Prints wall time, SQL time per statement and WAL
per phase, and the load average: on a shared box only pairs compare.
"""
import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import raw_connection, setup_django  # noqa: E402
from sla_sweep import StatementTimes  # noqa: E402

REWIND_SQL = """
TRUNCATE sla_emaildelivery, sla_notification, sla_slaevent;
UPDATE sla_slaclock SET state = 'running', breached_at = NULL, escalated_at = NULL, next_check_at = due_at
WHERE breached_at IS NOT NULL AND met_at IS NULL;
"""


def run(variant: str, cur) -> str:
    from sla import enforcement
    from sla.models import SlaEvent

    cur.execute(REWIND_SQL)
    cur.execute("VACUUM sla_slaclock")
    cur.execute("CHECKPOINT")

    original = enforcement.is_postgres
    if variant == "old":
        enforcement.is_postgres = lambda: False
    try:
        with StatementTimes(cur) as sweep_sql:
            started = time.monotonic()
            handled = enforcement.sla_sweep_run(budget_seconds=3600)
            sweep = time.monotonic() - started
        ids = list(SlaEvent.objects.filter(notified_at=None).values_list("pk", flat=True))
        cur.execute("CHECKPOINT")
        with StatementTimes(cur) as notify_sql:
            started = time.monotonic()
            notified = enforcement.sla_events_notify(event_ids=ids)
            notify = time.monotonic() - started
    finally:
        enforcement.is_postgres = original
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{time.strftime('%H:%M:%S', time.gmtime())} load {load} {variant}: "
            f"sweep {handled:,} clocks {sweep:.2f} s\n"
            f"{sweep_sql.summary()}\n  notify {notified:,} events {notify:.2f} s\n{notify_sql.summary()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--no-freeze", dest="freeze", action="store_false",
                        help="leave the collector as a process without servicedesk.celery's start-up hook has it")
    parser.add_argument("--variants", default="old,new", help="which to alternate (old,new; or new alone)")
    args = parser.parse_args()
    setup_django()
    from sla import tasks

    tasks.sla_events_notify_task.delay = lambda ids: None  # counted by the bench, not sent
    tasks.email_delivery_send_task.delay = lambda pk: None
    cur = raw_connection(autocommit=True).cursor()
    if args.freeze:
        from servicedesk.celery import freeze_startup_objects

        freeze_startup_objects()  # what a Celery pool process does when it starts
    for pair in range(args.pairs):
        variants = args.variants.split(",")
        for variant in (variants if pair % 2 == 0 else variants[::-1]):
            print(run(variant, cur), flush=True)


if __name__ == "__main__":
    main()
