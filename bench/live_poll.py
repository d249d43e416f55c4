"""What 200 open pages cost while nothing changes: conditional polls (core/live.py) through the test client.

    DATABASE_URL=postgres://servicedesk:servicedesk@127.0.0.1:5432/sd_bench REDIS_URL=redis://127.0.0.1:6379/5 \
        .venv/bin/python bench/live_poll.py --requests 200

For each live region — the desk's list rows, the bell, an engineer's queue, the manager's dashboard — it sends
`--requests` polls with the ETag the page was rendered with (what live.js sends), and prints the median and
p95 wall time, the CPU time of this process (the web worker's share: the database's is separate and listed as
the wall − CPU gap), the SQL queries per poll and the status (304 expected). Then one changed poll (200) of
the list for comparison, and the implied load: a desk page polls its rows and its bell every
LIVE_POLL_SECONDS, so 200 desk pages cost 200 × (rows + bell) CPU per interval, as a share of one core.
Production settings (DEBUG=0); no network or gunicorn in the figure.
"""
import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import bench_users, setup_django  # noqa: E402

POLL = {"HTTP_HX_REQUEST": "true", "HTTP_X_LIVE_POLL": "1"}


def region_etag(html: str, region_id: str) -> str:
    match = re.search(rf'id="{region_id}"[^>]*data-live-etag="([^"]*)"', html)
    if not match:
        sys.exit(f"bench: no live region #{region_id} on the page")
    return match.group(1).replace("&quot;", '"')


def measure(client, url: str, etag: str, n: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    walls, cpus, statuses, queries = [], [], set(), 0
    for i in range(n):
        with CaptureQueriesContext(connection) as captured:
            w0, c0 = time.perf_counter(), time.process_time()
            response = client.get(url, HTTP_IF_NONE_MATCH=etag, **POLL)
            walls.append((time.perf_counter() - w0) * 1000)
            cpus.append((time.process_time() - c0) * 1000)
        statuses.add(response.status_code)
        queries = max(queries, len(captured)) if i else len(captured)
    walls.sort()
    return {"p50": statistics.median(walls), "p95": walls[int(len(walls) * 0.95) - 1],
            "cpu": statistics.median(cpus), "queries": queries, "status": sorted(statuses)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    users = bench_users()
    clients = {}
    for role in ("reception", "engineer", "manager"):
        clients[role] = Client()
        clients[role].force_login(users[role][0])
    list_url, mine_url, dash_url = reverse("tickets:list"), reverse("tickets:mine"), reverse("dashboard:page")
    bell_url = reverse("sla:bell")
    rows_etag = region_etag(clients["reception"].get(list_url).content.decode(), "ticket-rows")
    bell_etag = clients["reception"].get(bell_url, **POLL)["ETag"]
    queue_etag = region_etag(clients["engineer"].get(mine_url).content.decode(), "my-queue")
    dash_etag = region_etag(clients["manager"].get(dash_url).content.decode(), "dash-live")

    results = {
        "desk list rows (304)": measure(clients["reception"], list_url, rows_etag, args.requests),
        "bell (304)": measure(clients["reception"], bell_url, bell_etag, args.requests),
        "engineer queue (304)": measure(clients["engineer"], mine_url, queue_etag, args.requests),
        "dashboard (304)": measure(clients["manager"], dash_url, dash_etag, args.requests),
        "desk list rows, changed (200)": measure(clients["reception"], list_url, '"stale"', min(args.requests, 50)),
    }
    interval = settings.LIVE_POLL_SECONDS
    print(f"polls: {args.requests} each · LIVE_POLL_SECONDS={interval} · sessions: {settings.SESSION_ENGINE} · "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"{'region':32} {'p50 ms':>7} {'p95 ms':>7} {'cpu ms':>7} {'queries':>7}  status")
    for name, r in results.items():
        print(f"{name:32} {r['p50']:7.2f} {r['p95']:7.2f} {r['cpu']:7.2f} {r['queries']:7d}  {r['status']}")
    per_page = results["desk list rows (304)"]["cpu"] + results["bell (304)"]["cpu"]
    share = args.pages * per_page / 1000 / interval
    print(f"{args.pages} desk pages idle: {args.pages * 2 / interval:.0f} polls/s, "
          f"{share * 100:.1f} % of one core in the web process (CPU p50 of rows + bell per page per interval)")


if __name__ == "__main__":
    main()
