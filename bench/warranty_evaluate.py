"""How fast is POST /api/v1/warranty/evaluate/, and how many SQL queries does it run?

    DATABASE_URL=postgres://servicedesk:servicedesk@127.0.0.1:5432/sd_bench \
        .venv/bin/python bench/warranty_evaluate.py [--requests 500]

In-process with Django's test client, production settings (DEBUG=0), a staff token (as a partner
system or a script would call it). Prints p50/p95 wall and CPU per request and the SQL of one warm
request and of one with a cold policy cache (after a policy change every process reloads once).
"""
import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import bench_users, setup_django  # noqa: E402

FAULTS = ["performance"] * 6 + ["appearance", "misuse", "water", "none"]
CASES = [("phone", ["main_unit", "battery", "charger", "earphones"], False),
         ("appliance", ["main_unit", "compressor"], False), ("computer", ["main_unit", "hard_disk"], False),
         ("furniture", ["main_unit"], False), ("other", ["main_unit"], True)]


def bodies(count: int, seed: int = 20260301) -> list[dict]:
    rng, today = random.Random(seed), date.today()
    result = []
    for _ in range(count):
        category, components, online = rng.choice(CASES)
        bought = today - timedelta(days=rng.choice([0, 3, 7, 8, 15, 16, 40, 200, 366, 800]))
        result.append({"category": category, "component": rng.choice(components), "purchase_date": str(bought),
                       "fault": rng.choice(FAULTS), "has_invoice": rng.random() < 0.85,
                       "has_warranty_card": rng.random() < 0.8, "prior_repairs_same_fault": rng.choice([0, 0, 1, 2]),
                       "repair_days": rng.choice([0, 0, 5, 31]), "sold_online": online})
    return result


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token

    from core.roles import Role
    from warranty.selectors import policy_cache_invalidate

    assert not settings.DEBUG, "measure with DEBUG=0"
    reception = bench_users()[Role.RECEPTION][0]
    token, _ = Token.objects.get_or_create(user=reception)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    url = "/api/v1/warranty/evaluate/"

    def post(body):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 200, (body, response.status_code, response.content[:300])
        return response

    mix = bodies(200)
    for body in mix[:50]:
        post(body)  # warm-up
    wall, cpu = [], []
    for i in range(args.requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        post(mix[i % len(mix)])
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    with CaptureQueriesContext(connection) as warm:
        post(mix[0])
    policy_cache_invalidate()
    with CaptureQueriesContext(connection) as cold:
        post(mix[0])

    print(f"POST {url}: {args.requests} requests, DEBUG={settings.DEBUG}, load average "
          "%.2f %.2f %.2f" % os.getloadavg())
    print(f"  wall p50 {statistics.median(wall):.2f} ms  p95 {percentile(wall, 95):.2f} ms   "
          f"cpu p50 {statistics.median(cpu):.2f} ms")
    for name, captured in (("warm", warm), ("cold policy cache", cold)):
        print(f"  {name}: {len(captured)} SQL queries")
        for query in captured.captured_queries:
            print(f"    {query['sql'][:110]}")


if __name__ == "__main__":
    main()
