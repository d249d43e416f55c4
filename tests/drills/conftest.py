"""Fault drills: real worker and beat processes (tests/sla/workers.py), a Redis server of the drill's own
on a free port (so stopping it hurts nobody else), a slow webhook receiver, and a hard deadline.

Every drill is bounded: its waits add up to well under 90 s, and a SIGALRM guard fails it at
DRILL_DEADLINE_SECONDS whatever hangs. Processes are stopped by PID in fixture teardown."""
from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import redis
from django.db import connection

from tests.sla.workers import Processes, wait_for

DRILL_DEADLINE_SECONDS = 120  # a hard stop above the ~90 s each drill is sized for

needs_real_services = pytest.mark.skipif(
    connection.vendor != "postgresql" or not shutil.which("redis-server"),
    reason="needs PostgreSQL and a redis-server binary")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A private redis-server without persistence: a stop loses every queued and unacked message, the
    harshest outage the broker can have."""

    def __init__(self, folder: Path):
        self.folder, self.port, self.process = folder, free_port(), None
        folder.mkdir(parents=True, exist_ok=True)

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder), "--logfile", str(self.folder / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise AssertionError(f"redis-server did not answer on port {self.port}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def processes(tmp_path, redis_server):
    """Worker/beat launcher bound to the private Redis (broker and cache), sweeping every second."""
    # SLA_EMAIL_DIGEST=0: one e-mail per notice, so a drill can count that none was lost or doubled.
    running = Processes(tmp_path, REDIS_URL=redis_server.url(0), SLA_SWEEP_SECONDS="1",
                        SLA_RENOTIFY_AFTER_SECONDS="3", WEBHOOKS_ALLOW_PRIVATE_NETWORKS="1", SLA_EMAIL_DIGEST="0")
    yield running
    running.stop_all()


@pytest.fixture(autouse=True)
def drill_deadline():
    def expired(signum, frame):
        raise TimeoutError(f"drill still running after {DRILL_DEADLINE_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, DRILL_DEADLINE_SECONDS)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


class Receiver:
    """A partner's webhook URL on 127.0.0.1 that counts every request by delivery id the moment it arrives
    (before answering, so a sender killed while waiting still counts as sent), then answers 200 after
    `delay` seconds. `arrived(n)` is set when the n-th request has arrived."""

    def __init__(self, delay: float):
        self.delay, self.lock, self.counts = delay, threading.Lock(), Counter()
        self.nth: dict[int, threading.Event] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.counts[self.headers["X-ServiceDesk-Delivery"]] += 1
                    total = receiver.total
                    if total in receiver.nth:
                        receiver.nth[total].set()
                time.sleep(receiver.delay)
                try:
                    self.send_response(200)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sender died while we were answering: it was counted already

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def arrived(self, n: int) -> threading.Event:
        with self.lock:
            event = self.nth.setdefault(n, threading.Event())
            if self.total >= n:
                event.set()
            return event

    def snapshot(self) -> Counter:
        with self.lock:
            return Counter(self.counts)


@pytest.fixture
def receiver():
    hook = Receiver(delay=0.4)
    hook.thread.start()
    yield hook
    hook.server.shutdown()
    hook.server.server_close()


def wait_until_sweeping(processes: Processes, worker: str = "worker") -> None:
    """Worker and beat take 3–30 s to start on a loaded box: wait until a beat-sent sweep has run."""
    wait_for(lambda: "sla.tasks.sla_sweep_task" in processes.log(worker) and " succeeded in " in processes.log(worker),
             timeout=45, what="worker and beat to sweep", processes=processes)
