"""The production shape as processes: the build script, a fresh PostgreSQL database, gunicorn with DEBUG=0, a
Celery worker and a Celery beat on a Redis db of their own. Every process starts in its own process group
and is stopped by its PID (then its group, if it lingers) — never by name."""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis

ROOT = Path(__file__).resolve().parents[2]
DATABASE = os.environ.get("SMOKE_DATABASE_NAME", "servicedesk_smoke")
REDIS_DB = os.environ.get("SMOKE_REDIS_DB", "12")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def smoke_urls() -> tuple[str, str] | None:
    """(DATABASE_URL, REDIS_URL) for the smoke: the suite's servers, the smoke's own database and Redis db."""
    database, broker = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not database.startswith(("postgres://", "postgresql://")) or not broker.startswith("redis://"):
        return None
    db, rd = urlsplit(database), urlsplit(broker)
    return (urlunsplit((db.scheme, db.netloc, f"/{DATABASE}", "", "")),
            urlunsplit((rd.scheme, rd.netloc, f"/{REDIS_DB}", "", "")))


def production_env(tmp: Path, database_url: str, redis_url: str) -> dict[str, str]:
    """What an operator sets (docker-compose.yml), relaxed only where plain http on localhost needs it."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PYTEST_", "DJANGO_ALLOW_ASYNC")) and key != "CELERY_TASK_ALWAYS_EAGER"}
    return {**env, "DJANGO_SETTINGS_MODULE": "servicedesk.settings", "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": database_url, "REDIS_URL": redis_url,
            "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0",
            "STATIC_ROOT": str(tmp / "static"), "MEDIA_ROOT": str(tmp / "media"),
            "SERVICEDESK_VAR_DIR": str(tmp / "var"), "PYTHON": sys.executable, "PYTHONUNBUFFERED": "1",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(tmp / "mail")}


def recreate_database(database_url: str) -> None:
    parts = urlsplit(database_url)
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')


def flush_redis(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    client.close()


class Stack:
    def __init__(self, tmp: Path, env: dict[str, str]):
        self.tmp, self.env = tmp, env
        self.running: dict[str, subprocess.Popen] = {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.worker_node = f"smoke-worker@{socket.gethostname()}"

    # --- one-off commands -------------------------------------------------------------------------------
    def spawn(self, name: str, *command: str, **env: str) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 — the child holds it; closed with the process
        process = subprocess.Popen(command, cwd=ROOT, env={**self.env, **env}, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        log.close()
        self.running[name] = process
        return process

    def finish(self, name: str, *, timeout: float) -> str:
        """Wait for a spawned command; its log when it succeeded, AssertionError with the log otherwise."""
        process = self.running[name]
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop(name)
            raise AssertionError(f"{name} took over {timeout} s\n{self.log(name)[-3000:]}") from None
        self.running.pop(name)
        assert code == 0, f"{name} exited {code}\n{self.log(name)[-3000:]}"
        return self.log(name)

    # --- long-running processes -------------------------------------------------------------------------
    def gunicorn(self) -> None:
        self.spawn("gunicorn", sys.executable, "-m", "gunicorn", "servicedesk.wsgi:application",
                   "--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--timeout", "60",
                   "--access-logfile", "-")

    def worker(self) -> None:
        self.spawn("worker", sys.executable, "-m", "celery", "-A", "servicedesk", "worker", "--loglevel=INFO",
                   "--concurrency=2", f"--hostname={self.worker_node}")

    def beat(self) -> None:
        self.spawn("beat", sys.executable, "-m", "celery", "-A", "servicedesk", "beat", "--loglevel=INFO",
                   f"--schedule={self.beat_schedule}")

    @property
    def beat_schedule(self) -> Path:
        return self.tmp / "celerybeat-schedule"

    def stop(self, name: str) -> None:
        process = self.running.pop(name)
        if process.poll() is None:
            try:
                os.kill(process.pid, signal.SIGTERM)  # warm shutdown: gunicorn and Celery stop their children
                process.wait(timeout=20)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        try:  # a child the main process left behind (its own group: nobody else's process)
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def stop_all(self) -> None:
        for process in self.running.values():  # all at once: their warm shutdowns overlap
            if process.poll() is None:
                try:
                    os.kill(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for name in list(self.running):
            self.stop(name)

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def logs(self) -> str:
        return "\n".join(f"--- {p.stem} ---\n{p.read_text(errors='replace')[-2500:]}"
                         for p in sorted(self.tmp.glob("*.log")))

    SERVICES = ("gunicorn", "worker", "beat")

    def alive(self) -> None:
        """The servers are still up (one-off commands may have finished meanwhile)."""
        for name, process in self.running.items():
            if name not in self.SERVICES:
                continue
            assert process.poll() is None, f"{name} exited {process.returncode}\n{self.log(name)[-3000:]}"

    # --- HTTP ------------------------------------------------------------------------------------------
    def request(self, method: str, path: str, *, body: dict | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method, headers={
            **({"Content-Type": "application/json"} if data else {}), **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str, stack: Stack,
               every: float = 0.5) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stack.alive()
        try:
            if condition():
                return
        except OSError:  # not listening yet
            pass
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{stack.logs()}")
