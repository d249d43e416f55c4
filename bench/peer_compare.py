"""The requests django-helpdesk's bench times (../shared/peer/django-helpdesk/bench.py), done the same way on
this project: in-process `django.test.Client`, DEBUG off, `force_login`, 2 warm-ups, 20 timed, median, then
one request under CaptureQueriesContext for the query count.

    DATABASE_URL=postgres://servicedesk:servicedesk@127.0.0.1:5432/sd_real12k \
        .venv/bin/python bench/peer_compare.py

Prints `project <name> median_ms=… queries=… p90_ms=… min_ms=… max_ms=… runs=… status=…` lines that line up
with the peer's `peer <name> …`. The data is the realistic fill (bench/run_all makes it: 12,000 tickets,
about a fifth open in every open status, every ticket with its SLA clocks and its 三包 decision).

Mapping: `api_create` POST /api/v1/tickets/ as reception (session, as the peer's staff user; a new caller
with a phone and its 三包 facts each time); `api_list` GET /api/v1/tickets/ (25 rows); `dashboard` the
manager's /dashboard/; `ticket_list_page` /tickets/ — server-rendered with its 25 rows, so it compares with
the peer's list page + list JSON together; `ticket_detail` the page of an open ticket in the middle of the id
range, as reception.
"""
import argparse
import os
import platform
import statistics
import sys
import time
from collections import deque
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import bench_users, setup_django  # noqa: E402


def calibrate_ms() -> float:
    """The peer's calibration loop, verbatim in effect (best of 5 of a fixed pure-Python loop)."""
    best = None
    for _ in range(5):
        began = time.perf_counter()
        acc = 0
        for i in range(1_000_000):
            acc += i % 7
        took = (time.perf_counter() - began) * 1000.0
        best = took if best is None else min(best, took)
    return round(best, 1)


def create_body(n: int) -> str:
    """A new caller's phone repair with its 三包 facts: what a partner or the desk sends."""
    import json

    from stdnum import luhn

    imei = f"86{n % 10**12:012d}"
    return json.dumps({"customer": {"name": "基准客户", "phone": f"+86159{n % 10**8:08d}"},
                       "device": {"category": "phone", "brand": "华为", "model": "Mate 60",
                                  "imei": imei + luhn.calc_check_digit(imei),
                                  "purchase_date": "2026-01-05", "invoice_date": "2026-01-05"},
                       "kind": "repair", "channel": "phone", "fault_description": "基准测试：屏幕闪烁"},
                      ensure_ascii=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    setup_django()
    import django
    from django.db import connection
    from django.test import Client
    from django.test import override_settings
    from django.test.utils import CaptureQueriesContext

    from tickets.choices import OPEN_STATUSES
    from tickets.models import Ticket

    users = bench_users()
    desk, manager = users["reception"][0], users["manager"][0]
    count = Ticket.objects.count()
    info = {"django": django.get_version(), "db_vendor": connection.vendor, "tickets": count,
            "open": Ticket.objects.filter(status__in=sorted(OPEN_STATUSES)).count(), "repeats": args.repeats,
            "python": platform.python_version(), "cpus": os.cpu_count(), "date": date.today().isoformat(),
            "load": " ".join(f"{x:.2f}" for x in os.getloadavg()), "calib_ms": calibrate_ms()}
    ids = list(Ticket.objects.filter(status__in=sorted(OPEN_STATUSES)).order_by("id").values_list("number", flat=True))
    detail = ids[len(ids) // 2]
    connection.ensure_connection()
    connection.queries_limit = 10_000_000
    connection.queries_log = deque(maxlen=connection.queries_limit)

    reception, boss = Client(), Client()
    reception.force_login(desk)
    boss.force_login(manager)
    serial = iter(range(time.time_ns() // 1000 % 10**7, 10**9))

    def fresh(call):
        def uncached():
            with override_settings(PAGE_CACHE=False):
                return call()
        return uncached

    def api_create():
        return reception.post("/api/v1/tickets/", create_body(next(serial)), content_type="application/json",
                              HTTP_ACCEPT="application/json")

    measures = [
        ("dashboard", lambda: boss.get("/dashboard/"), 200),
        ("ticket_list_page", lambda: reception.get("/tickets/"), 200),
        ("ticket_detail", lambda: reception.get(f"/tickets/{detail}/"), 200),
        ("api_list", lambda: reception.get("/api/v1/tickets/", HTTP_ACCEPT="application/json"), 200),
        # The two pages again with the page cache off (core/pagecache.py): what a first view, or a view after a
        # change, costs. Printed beside the cached figures, not compared with the peer.
        ("ticket_list_page_fresh", fresh(lambda: reception.get("/tickets/")), 200),
        ("ticket_detail_fresh", fresh(lambda: reception.get(f"/tickets/{detail}/")), 200),
        ("api_create", api_create, 201),  # last, as the peer: the reads all see the same tickets
    ]
    only = {m for m in args.only.split(",") if m}
    print("project-info " + " ".join(f"{k}={str(v).replace(' ', '/')}" for k, v in info.items()), flush=True)
    for name, call, expected in measures:
        if only and name not in only:
            continue
        for _ in range(args.warmup):
            response = call()
            if response.status_code != expected:
                sys.exit(f"{name}: HTTP {response.status_code}, expected {expected}: {response.content[:400]!r}")
        times = []
        for _ in range(args.repeats):
            began = time.perf_counter()
            response = call()
            times.append((time.perf_counter() - began) * 1000.0)
            assert response.status_code == expected, f"{name}: HTTP {response.status_code}"
        with CaptureQueriesContext(connection) as captured:
            response = call()
        times.sort()
        print(f"project {name} median_ms={statistics.median(times):.1f} queries={len(captured)} "
              f"p90_ms={times[min(len(times) - 1, round(0.9 * (len(times) - 1)))]:.1f} min_ms={times[0]:.1f} "
              f"max_ms={times[-1]:.1f} runs={len(times)} status={response.status_code} db=postgres", flush=True)


if __name__ == "__main__":
    main()
