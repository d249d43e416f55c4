"""Where does the time of the ticket list go? The desk's list page (`/tickets/`) and `GET /api/v1/tickets/`, in-process
as bench/list_latency.py runs them (test Client as bench_reception01, DEBUG off), timed and then under cProfile;
the same measure() as bench/profile_hot.py (median, CPU per request, queries, top functions).

    DATABASE_URL=postgres://servicedesk:servicedesk@127.0.0.1:5432/sd_real12k \
        .venv/bin/python bench/profile_list.py [--repeats 20] [--profile 50] [--top 35] [--sql] [--only page] [--fresh]

--fresh: every page drawn (core/pagecache.py off, as list_latency.py --fresh): without it a repeated list is
served from the page cache and the profile shows the cache, not the page.
"""
import sys
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import bench_users, setup_django  # noqa: E402
from profile_hot import load_average, measure, parse_args  # noqa: E402


def main():
    fresh = "--fresh" in sys.argv
    if fresh:  # profile_hot's parse_args (shared with profile_hot.py) does not know it
        sys.argv.remove("--fresh")
    args = parse_args()
    setup_django()
    if fresh:
        import core.pagecache

        core.pagecache._cacheable_request = lambda request: False
    from django.db import connection
    from django.test import Client

    from core.roles import Role

    reception = bench_users()[Role.RECEPTION][0]
    connection.ensure_connection()
    connection.queries_log = deque(maxlen=100_000)
    client = Client()
    client.force_login(reception)
    measures = [
        ("page", lambda: client.get("/tickets/"), 200),
        ("page_open", lambda: client.get("/tickets/?status=dispatched&status=replied"), 200),
        ("api", lambda: client.get("/api/v1/tickets/", HTTP_ACCEPT="application/json"), 200),
        ("rows_poll", lambda: client.get("/tickets/", HTTP_HX_REQUEST="true"), 200),
    ]
    only = {m for m in args.only.split(",") if m}
    print(f"profile_list: user {reception.username}, load average {load_average()}"
          f"{', pages drawn afresh' if fresh else ''}", flush=True)
    for name, fn, expected in measures:
        if not only or name in only:
            measure(name, fn, expected, args, connection)


if __name__ == "__main__":
    main()
