"""A prototype, not the application: would a HOT breach make the sweep ≤ 1 s? (bench/SLA.md, "HOT").

    psql … -d sd_sweep -f bench/sla_hot/setup.sql     # a copy of sla_slaclock laid out for HOT updates
    DATABASE_URL=postgres://…/sd_sweep .venv/bin/python bench/sla_hot/ab.py 3

On a database bench/sla_sweep.py has filled. Alternates the shipped statement (sla/sweep_sql.py) on sla_slaclock
with sweep.sql on the copy (hot_clock: no index names a column the sweep writes; hot_watch: what is due), each
after a rewind, VACUUM and CHECKPOINT, and prints wall time, WAL and how many of the clock updates were HOT.
"""
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import raw_connection, setup_django  # noqa: E402

BATCH = 2000
REWIND = {
    "shipped": ["TRUNCATE sla_emaildelivery, sla_notification, sla_slaevent",
                ("UPDATE sla_slaclock SET state = 'running', breached_at = NULL, escalated_at = NULL, "
                 "next_check_at = due_at WHERE breached_at IS NOT NULL AND met_at IS NULL"),
                "VACUUM sla_slaclock"],
    "hot": ["TRUNCATE hot_event",
            ("INSERT INTO hot_watch SELECT id, due_at FROM hot_clock WHERE breached_at IS NOT NULL AND met_at IS NULL "
             "ON CONFLICT (clock_id) DO UPDATE SET next_check_at = excluded.next_check_at"),
            ("UPDATE hot_clock SET state = 'running', breached_at = NULL, escalated_at = NULL "
             "WHERE breached_at IS NOT NULL AND met_at IS NULL"),
            "VACUUM hot_clock", "VACUUM hot_watch"],
}


def main() -> None:
    setup_django()
    from django.utils import timezone

    from sla.sweep_sql import SWEEP_SQL

    statements = {"shipped": (SWEEP_SQL, "sla_slaclock"),
                  "hot": (Path(__file__).with_name("sweep.sql").read_text(), "hot_clock")}
    admin, work = raw_connection(autocommit=True).cursor(), raw_connection()

    def updates(table: str) -> tuple[int, int]:
        admin.execute("SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = %s", [table])
        return admin.fetchone()

    def run(variant: str) -> None:
        for sql in REWIND[variant] + ["CHECKPOINT"]:
            admin.execute(sql)
        sql, table = statements[variant]
        admin.execute("SELECT pg_current_wal_insert_lsn()")
        lsn, before = admin.fetchone()[0], updates(table)
        cursor, now, total, started = work.cursor(), timezone.now(), 0, time.perf_counter()
        while True:
            cursor.execute(sql, {"now": now, "batch": BATCH})
            claimed = cursor.fetchone()[0]
            work.commit()
            total += claimed
            if claimed < BATCH:
                break
        wall = time.perf_counter() - started
        admin.execute("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), %s)", [lsn])
        wal = float(admin.fetchone()[0]) / 1e6
        for sql in ("SELECT pg_stat_force_next_flush()", "SELECT 1"):  # this session's counts, to the views
            cursor.execute(sql)
            work.commit()
        after = updates(table)
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"{time.strftime('%H:%M:%S', time.gmtime())} load {load} {variant}: {total:,} clocks {wall:.2f} s, "
              f"WAL {wal:.0f} MB, updates {after[0] - before[0]:,} of them HOT {after[1] - before[1]:,}", flush=True)

    for pair in range(int(sys.argv[1]) if len(sys.argv) > 1 else 3):
        for variant in (("shipped", "hot") if pair % 2 == 0 else ("hot", "shipped")):
            run(variant)


if __name__ == "__main__":
    main()
