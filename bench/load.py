"""Load drill: the production shape under 50 simulated users for 60 s, read against the box's limit.

    .venv/bin/pip install -e '.[bench]'          # locust, pinned in pyproject.toml
    .venv/bin/python bench/load.py               # ~3 min: database, migrate, collectstatic, 2 × 15 s, 60 s

What runs, each process started here and stopped by its PID at the end:
- a PostgreSQL database of its own (`--db`, dropped and re-created; the shared cluster of DATABASE_URL),
- a redis-server of its own on a free port (cache and broker),
- static files collected with the production storage into the run folder,
- gunicorn (`--workers`, as docker-compose.yml's web) on production settings with DEBUG=0 — the bench
  settings module (bench/settings.py) adds only the two limit views of bench/limit_urls.py,
- a Celery worker and a Celery beat (SLA sweeps, webhooks, notifications run during the load).

Then, in one run: the limit (50 users without think time on `/bench/bare/`, then `/bench/insert/`,
`--limit-seconds` each), then the load (`--users` users for `--seconds` with ~`--think` s between
actions: desk intake, list and detail pages, pre-process and dispatch; engineers' queue, reply and
solution; partner creates with Idempotency-Key and reads). Printed: per request kind its count,
errors, p50/p95 and both as multiples of the limit views' p50, the throughput against the limit,
the load average and a calibration loop. Exit status 1 when any request failed."""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def calibration_ms() -> float:
    """Best of 5 of a fixed pure-Python loop (as ../shared/peer's calib_ms): how fast the box was."""
    best = float("inf")
    for _ in range(5):
        started, acc = time.perf_counter(), 0
        for i in range(1_000_000):
            acc += i % 7
        best = min(best, (time.perf_counter() - started) * 1000)
    return round(best, 1)


class Run:
    def __init__(self, args):
        self.args, self.folder = args, Path(tempfile.mkdtemp(prefix="sd-load-"))
        self.processes: dict[str, subprocess.Popen] = {}
        base = urlsplit(os.environ.get("DATABASE_URL") or "postgres://servicedesk:servicedesk@127.0.0.1:5432/x")
        self.admin_url = urlunsplit((base.scheme, base.netloc, "/postgres", "", ""))
        self.redis_port, self.port = free_port(), free_port()
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DEBUG": "0",
                    "DATABASE_URL": urlunsplit((base.scheme, base.netloc, f"/{args.db}", "", "")),
                    "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
                    "SECRET_KEY": os.environ.get("SECRET_KEY") or "load-drill-only-" + "x" * 40,
                    "ALLOWED_HOSTS": "127.0.0.1,localhost",
                    # Plain HTTP on the loopback (production sits behind TLS): no redirect, cookies without Secure.
                    "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0",
                    "STATIC_ROOT": str(self.folder / "static"), "SERVICEDESK_VAR_DIR": str(self.folder / "var"),
                    "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                    "EMAIL_FILE_PATH": str(self.folder / "mail"), "PYTHONUNBUFFERED": "1",
                    "LOAD_ACCOUNTS": str(self.folder / "accounts.json"),
                    "LOAD_THINK_SECONDS": str(args.think),
                    "LOAD_ENGINEER_USERS": str(round(args.users * 2 / 6))}

    def log(self, text: str) -> None:
        print(f"[load] {text}", file=sys.stderr, flush=True)

    def sql(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(statement)

    def step(self, *command: str) -> None:
        subprocess.run(command, cwd=ROOT, env=self.env, check=True)

    def start(self, name: str, *command: str) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "ab")  # noqa: SIM115 — the child keeps it
        process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.processes[name] = process
        return process

    def stop_all(self) -> None:
        for name, process in reversed(list(self.processes.items())):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)  # its own session: the pool children too
                    process.wait(timeout=10)
        self.processes.clear()

    def wait_http(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer {path} within {timeout} s: see {self.folder}/gunicorn.log")

    def locust(self, name: str, users: int, seconds: int, *classes: str) -> list[Kind]:
        prefix = self.folder / name
        with open(self.folder / f"{name}.locust.log", "ab") as log:
            subprocess.run([PY, "-m", "locust", "-f", str(ROOT / "bench" / "load_locustfile.py"), "--headless",
                            "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--stop-timeout", "5",
                            "--host", f"http://127.0.0.1:{self.port}", "--json-file", str(prefix),
                            "--only-summary", "--loglevel", "WARNING", *classes],
                           cwd=ROOT, env=self.env, check=False, stdout=log, stderr=subprocess.STDOUT)
        entries = json.loads(Path(f"{prefix}.json").read_text())
        return [Kind.of(entry, seconds) for entry in entries]

    def prepare(self) -> None:
        args = self.args
        self.log(f"run folder {self.folder}")
        self.sql(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
        self.sql(f'CREATE DATABASE "{args.db}"')
        self.start("redis", "redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no")
        self.log("migrate, collectstatic (production storage), seed accounts")
        self.step(PY, "manage.py", "migrate", "--noinput", "-v", "0")
        self.step(PY, "manage.py", "collectstatic", "--noinput", "-v", "0")
        self.step(PY, "bench/load_seed.py", self.env["LOAD_ACCOUNTS"])
        gunicorn = str(Path(PY).with_name("gunicorn"))
        self.start("gunicorn", gunicorn, "servicedesk.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
                   "--workers", str(args.workers), "--log-level", "warning")
        self.start("worker", PY, "-m", "celery", "-A", "servicedesk", "worker", "--loglevel=WARNING",
                   "--concurrency=2", "--without-gossip", "--without-mingle")
        self.start("beat", PY, "-m", "celery", "-A", "servicedesk", "beat", "--loglevel=WARNING",
                   f"--schedule={self.folder / 'beat-schedule'}")
        self.wait_http("/healthz")
        self.wait_http("/bench/insert/")

    def database_counts(self) -> dict[str, int]:
        import psycopg

        with psycopg.connect(self.env["DATABASE_URL"]) as conn:
            rows = conn.execute("SELECT status, count(*) FROM tickets_ticket GROUP BY status").fetchall()
        return dict(rows)


@dataclass
class Kind:
    """One request kind's figures, from locust's final stats (response times bucketed to ~2 digits)."""

    name: str
    count: int
    errors: int
    times: dict[int, int]
    seconds: float

    @classmethod
    def of(cls, entry: dict, seconds: float) -> Kind:
        return cls(entry["name"], entry["num_requests"], entry["num_failures"],
                   {int(ms): n for ms, n in entry["response_times"].items()}, seconds)

    @classmethod
    def total(cls, kinds: list[Kind]) -> Kind:
        times: dict[int, int] = {}
        for kind in kinds:
            for ms, n in kind.times.items():
                times[ms] = times.get(ms, 0) + n
        return cls("all", sum(k.count for k in kinds), sum(k.errors for k in kinds), times, kinds[0].seconds)

    def percentile(self, share: float) -> float:
        """The smallest bucketed time that at least `share` of the requests took no longer than."""
        seen, wanted = 0, share * sum(self.times.values())
        for ms in sorted(self.times):
            seen += self.times[ms]
            if seen >= wanted:
                return float(ms)
        return float("nan")

    @property
    def rps(self) -> float:
        return self.count / self.seconds


def report(limit: list[Kind], load: list[Kind], args, loads: tuple, calib: tuple, counts: dict) -> int:
    bare, insert = (next(k for k in limit if k.name == name) for name in ("limit: bare JSON", "limit: one INSERT"))
    bare_p50, insert_p50 = bare.percentile(0.5), insert.percentile(0.5)
    print(f"\nLoad drill: {args.users} users, {args.seconds} s, think ~{args.think} s; gunicorn --workers "
          f"{args.workers} (DEBUG=0), PostgreSQL, Redis, a worker (2) and beat on the same box")
    print(f"load average before {loads[0]}, after {loads[1]}; calibration loop {calib[0]} ms before, "
          f"{calib[1]} ms after (lower is faster)\n")
    print(f"{'limit: ' + str(args.users) + ' users, no think time':<36}{'count':>7}{'errors':>7}{'req/s':>8}"
          f"{'p50 ms':>8}{'p95 ms':>8}")
    for kind in (bare, insert):
        print(f"{kind.name:<36}{kind.count:>7}{kind.errors:>7}{kind.rps:>8.0f}{kind.percentile(0.5):>8.0f}"
              f"{kind.percentile(0.95):>8.0f}")
    print(f"\n{'request kind':<36}{'count':>7}{'errors':>7}{'p50 ms':>8}{'p95 ms':>8}"
          f"{'p50/bare':>10}{'p50/insert':>11}{'p95/insert':>11}")
    for kind in [*sorted(load, key=lambda k: k.name), Kind.total(load)]:
        p50, p95 = kind.percentile(0.5), kind.percentile(0.95)
        print(f"{kind.name:<36}{kind.count:>7}{kind.errors:>7}{p50:>8.0f}{p95:>8.0f}"
              f"{p50 / bare_p50:>10.1f}{p50 / insert_p50:>11.1f}{p95 / insert_p50:>11.1f}")
    total = Kind.total(load)
    print(f"\nthroughput {total.rps:.1f} req/s = {total.rps / insert.rps:.1%} of the one-INSERT limit "
          f"({insert.rps:.0f} req/s), {total.rps / bare.rps:.1%} of the bare limit ({bare.rps:.0f} req/s)")
    print(f"tickets in the database afterwards, by status: {json.dumps(counts, sort_keys=True)}")
    print(f"errors: {total.errors + bare.errors + insert.errors}")
    return 1 if total.errors + bare.errors + insert.errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--limit-seconds", type=int, default=15)
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between a user's actions")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (docker-compose.yml: 3)")
    parser.add_argument("--db", default="sd_load")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    run = Run(args)
    try:
        run.prepare()
        calib_before, load_before = calibration_ms(), os.getloadavg()
        run.log(f"limit: {args.users} users on /bench/bare/, then /bench/insert/, {args.limit_seconds} s each")
        limit = (run.locust("limit-bare", args.users, args.limit_seconds, "LimitBare")
                 + run.locust("limit-insert", args.users, args.limit_seconds, "LimitInsert"))
        run.log(f"load: {args.users} users for {args.seconds} s")
        load = run.locust("load", args.users, args.seconds, "Desk", "Engineer", "Partner")
        load_after, calib_after = os.getloadavg(), calibration_ms()
        counts = run.database_counts()
    finally:
        run.stop_all()
        if not args.keep:
            run.sql(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
    loads = tuple(" ".join(f"{x:.2f}" for x in avg) for avg in (load_before, load_after))
    status = report(limit, load, args, loads, (calib_before, calib_after), counts)
    run.log(f"logs and locust CSVs kept in {run.folder}")
    return status


if __name__ == "__main__":
    sys.exit(main())
