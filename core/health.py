"""Probes for the orchestrator (docker-compose.yml healthchecks, a load balancer), and /favicon.ico.

/healthz   the process answers: no database, no cache, no broker — restart the container when it fails.
/readyz    this process can serve: database reachable, every migration applied, the cache and the Celery
           broker reachable. JSON per component; 503 when a required one is down — take it out of rotation,
           do not restart it (the fault is usually elsewhere). Never a 500: every check catches its own
           failure. Required: settings.READYZ_REQUIRED (all four by default). The web tier survives a
           Redis outage (rate limits fail open, knocks are re-sent), so behind a load balancer that would
           pull every instance at once, require only database and migrations: a Redis outage then reads
           "degraded" with 200, the component still named. Apps add advisory components
           (register_advisory_check): a warning in the body, never a 503.

Both need no login and are exempt from the SSL redirect (SECURE_REDIRECT_EXEMPT): probes speak plain
http inside the container network. Answers name components and exception classes only — they are
public, so connection strings and host names go to the log, not into the body."""
from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponseRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection

log = logging.getLogger(__name__)

# A dead broker host must not hold a probe for the OS's TCP timeout (minutes): the orchestrator's
# own timeout would then report "unhealthy" without saying why.
BROKER_TIMEOUT_SECONDS = 3.0


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {}


def check_migrations() -> dict:
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        # A release whose code is ahead of its schema answers errors on the changed tables.
        raise RuntimeError(f"{len(pending)} migrations not applied")
    return {}


def check_cache() -> dict:
    # Written and read back: a cache wrapper that swallows errors (fail open) must not look healthy.
    key, value = f"readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    if cache.get(key) != value:
        raise RuntimeError("value written was not read back")
    cache.delete(key)
    return {}


def check_broker() -> dict:
    # The configured broker: Redis in production, the SQLAlchemy transport on the embedded default.
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT_SECONDS,
                    transport_options=getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS)
        conn.default_channel  # noqa: B018 — Redis is only contacted when a channel opens
    return {}


CHECKS: dict[str, Callable[[], dict]] = {
    "database": check_database,
    "migrations": check_migrations,
    "cache": check_cache,
    "broker": check_broker,
}
# Needs the database: when that is down, say so instead of a second, confusing error.
DEPENDS_ON = {"migrations": "database"}

# Advisory checks other apps register from their AppConfig.ready() (core imports no app): each returns a
# warning text or "" and reads the database. A warning never makes the answer a 503 — it is work for a person
# (e.g. sla: a working calendar lacks next year's holidays), not a reason to take an instance out of rotation.
ADVISORY: dict[str, Callable[[], str]] = {}


def register_advisory_check(name: str, check: Callable[[], str]) -> None:
    if name in CHECKS:
        raise ValueError(f"{name} is a readiness check already")
    ADVISORY[name] = check


def run_advisory(name: str, check: Callable[[], str]) -> dict:
    started = time.monotonic()
    try:
        warning = check()
    except Exception as exc:  # noqa: BLE001 — a probe reports every failure; it must never answer 500
        log.warning("readyz: advisory check %s failed: %r", name, exc)
        return {"ok": False, "error": type(exc).__name__, "required": False,
                "ms": round((time.monotonic() - started) * 1000, 1)}
    detail = {"warning": warning} if warning else {}
    return {"ok": True, **detail, "required": False, "ms": round((time.monotonic() - started) * 1000, 1)}


def run_check(name: str, check: Callable[[], dict]) -> dict:
    started = time.monotonic()
    try:
        detail = check()
    except Exception as exc:  # noqa: BLE001 — a probe reports every failure; it must never answer 500
        log.warning("readyz: %s is not ready: %r", name, exc)
        return {"ok": False, "error": type(exc).__name__, "ms": round((time.monotonic() - started) * 1000, 1)}
    return {"ok": True, **detail, "ms": round((time.monotonic() - started) * 1000, 1)}


@login_not_required
@never_cache
@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_safe
def readyz(request):
    required = set(getattr(settings, "READYZ_REQUIRED", CHECKS))
    components: dict[str, dict] = {}
    for name, check in CHECKS.items():
        needed = DEPENDS_ON.get(name)
        if needed and not components[needed]["ok"]:
            components[name] = {"ok": False, "error": f"{needed} unavailable"}
        else:
            components[name] = run_check(name, check)
        components[name]["required"] = name in required
    for name, check in ADVISORY.items():
        components[name] = (run_advisory(name, check) if components["database"]["ok"]
                            else {"ok": False, "error": "database unavailable", "required": False})
    ready = all(c["ok"] for name, c in components.items() if name in required and name in CHECKS)
    status = "ok" if all(c["ok"] for c in components.values()) else "degraded" if ready else "unavailable"
    body = {"status": status, "components": components}
    if warnings := [f"{name}: {c['warning']}" for name, c in components.items() if c.get("warning")]:
        body["warnings"] = warnings
    return JsonResponse(body, status=200 if ready else 503)


@login_not_required
@require_safe
def favicon(request):
    # Browsers and crawlers ask for /favicon.ico whatever the page links; send them to the hashed file
    # (cached for a year by WhiteNoise). Temporary, so the next release's hash is followed.
    return HttpResponseRedirect(static("favicon.ico"))
