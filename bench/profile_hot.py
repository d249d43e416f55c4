"""Where does the time of the two hot requests go? API create and the ticket page, in-process, measured the
way ../shared/peer/django-helpdesk/bench.py measures the peer (test Client, force_login, DEBUG off, 2 warm-up
requests, median of 20 timed ones, then one more under CaptureQueriesContext for the query count), then the
same requests under cProfile.

    DATABASE_URL=postgres://servicedesk:servicedesk@127.0.0.1:5432/sd_bench \
        .venv/bin/python bench/profile_hot.py [--repeats 20] [--profile 50] [--top 35] [--sql] [--only create]

The database is any migrated one (bench/fill_tickets.py's is fine: 12,000 tickets or more). The ticket page is
timed on a typical open ticket registered through the service (so it has its 三包 decision, SLA clocks and a
timeline: pre-processed, dispatched, replied, one note), created once and reused (`bench-hot` in its fault text).
Prints `project api_create median_ms=… queries=…` and `project ticket_detail …` like the peer's lines, the load
average, then per request the top functions by cumulative time (with --profile N > 0).
"""
import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from collections import deque
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import bench_users, setup_django  # noqa: E402

MARK = "bench-hot typical ticket"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeats", type=int, default=20)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--profile", type=int, default=50, help="requests run under cProfile per measure (0: none)")
    p.add_argument("--top", type=int, default=35, help="functions listed per profile")
    p.add_argument("--sort", default="cumulative", help="pstats sort key (cumulative, tottime)")
    p.add_argument("--sql", action="store_true", help="print the SQL of the counted request")
    p.add_argument("--only", default="", help="comma list: api_create,ticket_detail")
    p.add_argument("--number", default="", help="time this ticket's page instead of the typical one")
    return p.parse_args()


def create_body(localdate, n: int = 0) -> str:
    """A new caller each time (as bench/peer_compare.py sends): customer and device are inserted, not found."""
    from stdnum import luhn

    imei = f"86{n % 10**12:012d}"
    imei += luhn.calc_check_digit(imei)
    return json.dumps({
        "customer": {"name": "张三", "phone": f"+86159{n % 10**8:08d}" if n else "13800138000"},
        "device": {"category": "phone", "brand": "华为", "model": "Mate 60",
                   "imei": imei if n else "490154203237518", "purchase_date": str(localdate - timedelta(days=20)),
                   "invoice_date": str(localdate - timedelta(days=20))},
        "kind": "repair", "channel": "phone", "fault_description": "开机黑屏，bench profile",
    })


def typical_ticket(reception, engineer):
    """An open ticket as the desk sees it mid-way: 三包 decided, clocks running, four steps on its timeline."""
    from tickets import services
    from tickets.engineering.services import ticket_reply
    from tickets.models import Ticket

    ticket = Ticket.objects.filter(fault_description=MARK).order_by("-pk").first()
    if ticket is not None:
        return ticket
    from django.utils import timezone

    body = json.loads(create_body(timezone.localdate()))
    for key in ("purchase_date", "invoice_date"):
        body["device"][key] = timezone.localdate() - timedelta(days=20)
    body["customer"]["phone"] = "+8613800138000"
    ticket = services.ticket_create(created_by=reception, customer=body["customer"], device=body["device"],
                                    kind="repair", channel="phone", fault_description=MARK)
    ticket = services.ticket_preprocess(ticket=ticket, actor=reception, note="已核实三包")
    ticket = services.ticket_dispatch(ticket=ticket, actor=reception, engineer=engineer, note="")
    ticket = ticket_reply(ticket=ticket, actor=engineer, difficulty="主板故障", next_step="预约上门检测")
    services.ticket_add_note(ticket=ticket, actor=reception, note="客户来电催促进度")
    return ticket


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def measure(name, fn, expected, args, connection):
    from django.test.utils import CaptureQueriesContext

    for _ in range(args.warmup):
        r = fn()
        if r.status_code != expected:
            raise SystemExit(f"{name}: HTTP {r.status_code}, expected {expected}: {r.content[:500]!r}")
    times, cpu = [], []
    for _ in range(args.repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        r = fn()
        times.append((time.perf_counter() - t0) * 1000.0)
        cpu.append((time.process_time() - c0) * 1000.0)
        assert r.status_code == expected, f"{name}: HTTP {r.status_code}"
    with CaptureQueriesContext(connection) as ctx:
        fn()
    times.sort()
    print(f"project {name} median_ms={statistics.median(times):.1f} queries={len(ctx.captured_queries)} "
          f"p90_ms={times[int(round(0.9 * (len(times) - 1)))]:.1f} min_ms={times[0]:.1f} runs={len(times)} "
          f"cpu_ms={statistics.median(cpu):.1f} "
          f"load={load_average()}", flush=True)
    if args.sql:
        for q in ctx.captured_queries:
            print(f"    {q['time']}s  {q['sql'][:300]}")
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(args.profile):
            fn()
        prof.disable()
        out = io.StringIO()
        stats = pstats.Stats(prof, stream=out)
        stats.sort_stats(args.sort).print_stats(args.top)
        # Python calls per request: unlike time, it does not move with the box's load.
        print(f"--- {name}: {args.profile} requests under cProfile, sorted by {args.sort}; "
              f"{stats.total_calls // args.profile:,} Python calls per request ---")
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:20000])


def main():
    args = parse_args()
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from core.roles import Role

    users = bench_users()
    reception, engineer = users[Role.RECEPTION][0], users[Role.ENGINEER][0]
    from tickets.models import Ticket

    ticket = Ticket.objects.get(number=args.number) if args.number else typical_ticket(reception, engineer)
    connection.ensure_connection()
    connection.queries_log = deque(maxlen=100_000)

    client = Client()
    client.force_login(reception)
    serial = iter(range(time.time_ns() // 1000 % 10**7, 10**9))
    measures = [
        ("ticket_detail", lambda: client.get(reverse("tickets:detail", args=[ticket.number])), 200),
        ("api_create", lambda: client.post(reverse("api:ticket-list"),
                                           data=create_body(timezone.localdate(), next(serial)),
                                           content_type="application/json", HTTP_ACCEPT="application/json"), 201),
    ]
    only = {m for m in args.only.split(",") if m}
    print(f"profile_hot: ticket {ticket.number}, user {reception.username}, DEBUG={os.environ.get('DEBUG')}, "
          f"load average {load_average()}", flush=True)
    for name, fn, expected in measures:
        if not only or name in only:
            measure(name, fn, expected, args, connection)


if __name__ == "__main__":
    main()
