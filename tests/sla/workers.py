"""Real Celery worker and beat processes against the test database and a Redis db of their own.

The Redis db is SLA_TEST_REDIS_URL, else REDIS_URL's server with db 15 (never the db the rest of the
suite uses for its cache); it is flushed when the processes start."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import redis
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def sla_test_broker_url() -> str | None:
    if url := os.environ.get("SLA_TEST_REDIS_URL"):
        return url
    if not (base := os.environ.get("REDIS_URL")):
        return None
    # Mirrored from the cache's db (0 → 15, 3 → 12 …): two test runs on one machine with their own REDIS_URL db
    # get their own broker too; on a shared one their workers took each other's notify messages.
    parts = urlsplit(base)
    db = parts.path.strip("/")
    return urlunsplit((parts.scheme, parts.netloc, f"/{15 - int(db) if db.isdigit() and int(db) < 16 else 15}",
                       "", ""))


def sla_test_database_url() -> str:
    db = connection.settings_dict  # NAME is the test database once pytest-django set it up
    user, password = quote(db["USER"] or "", safe=""), quote(db["PASSWORD"] or "", safe="")
    return f"postgres://{user}:{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Processes:
    """Start worker/beat subprocesses in their own process groups; stop (or kill) them by group."""

    def __init__(self, tmp: Path, **env: str):
        self.tmp, self.running, self.logs = tmp, {}, {}
        self.env = {**os.environ, "DATABASE_URL": sla_test_database_url(), "REDIS_URL": sla_test_broker_url(),
                    "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
                    "SERVICEDESK_VAR_DIR": str(tmp / "var"), "PYTHONUNBUFFERED": "1",
                    "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                    "EMAIL_FILE_PATH": str(tmp / "mail"), **env}
        redis.Redis.from_url(self.env["REDIS_URL"]).flushdb()

    def start(self, name: str, *args: str, **env: str) -> None:
        log = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 — closed in stop()
        command = [sys.executable, "-m", "celery", "-A", "servicedesk", *args]
        self.running[name] = subprocess.Popen(command, cwd=ROOT, env={**self.env, **env}, stdout=log,
                                              stderr=subprocess.STDOUT, start_new_session=True)
        self.logs[name] = log

    def worker(self, name: str, *, concurrency: int = 2, **env: str) -> None:
        self.start(name, "worker", "--loglevel=INFO", f"--concurrency={concurrency}", "--pool=prefork",
                   f"--hostname={name}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat", **env)

    def beat(self, name: str = "beat", **env: str) -> None:
        self.start(name, "beat", "--loglevel=INFO", f"--schedule={self.tmp / 'beat-schedule'}", **env)

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        process = self.running.pop(name)
        try:
            # SIGTERM to the main process is a warm shutdown; SIGKILL goes to the pool children too.
            os.killpg(process.pid, sig) if sig == signal.SIGKILL else os.kill(process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)
        self.logs.pop(name).close()

    def stop_all(self) -> None:
        for name in list(self.running):
            self.stop(name)

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str, processes: Processes) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    logs = "\n".join(f"--- {n} ---\n{processes.log(n)[-3000:]}" for n in processes.logs)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{logs}")


def mails_written(folder: Path) -> list[str]:
    """Messages the file e-mail backend wrote (one 'Subject:' header each)."""
    if not folder.exists():
        return []
    return [line for path in folder.iterdir() for line in path.read_text(errors="replace").splitlines()
            if line.startswith("Subject: ")]
