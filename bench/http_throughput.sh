#!/usr/bin/env bash
# HTTP throughput in the production shape (issue 16 §4), measured like ../shared/peer/limit/run.sh measures the
# box's limit: gunicorn -w 2 sync workers on a free 127.0.0.1 port, DEBUG off, CONN_MAX_AGE=60, Redis cache and
# sessions, the given PostgreSQL database; wrk -t2 -c16 -d15s after a 3 s warm-up that is not counted, on
#   - API create: POST /api/v1/tickets/ with a partner API key (Bearer), the key's throttle and idempotency on;
#   - list page 1: GET /tickets/ as reception with a session cookie (the desk's first page, 25 rows).
#
#   DATABASE_URL=postgres://servicedesk:servicedesk@127.0.0.1:5432/sd_run REDIS_URL=redis://127.0.0.1:6379/0 \
#       bash bench/http_throughput.sh
#
# wrk waits 10 s for an answer (its default 2 s counts a slow answer on a loaded box as a lost one).
# Prints `project http_create rps=… non2xx=… load=…` and `project http_list rps=…` (stdout); the wrk outputs
# and gunicorn's log stay in /tmp/sd-http.*/. Knobs: WORKERS, WRK_THREADS, WRK_CONNS, WRK_DURATION, WARMUP.
# The partner key is seeded with a per-minute limit above what wrk can send (a key's own setting, as the admin
# sets it for a high-volume partner): the run measures the throttle's cost, not its refusals.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to serve}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
WORKERS="${WORKERS:-2}" WRK_THREADS="${WRK_THREADS:-2}" WRK_CONNS="${WRK_CONNS:-16}"
WRK_DURATION="${WRK_DURATION:-15s}" WARMUP="${WARMUP:-3s}"
PY="${PY:-.venv/bin/python}"
RUN_DIR="$(mktemp -d /tmp/sd-http.XXXXXX)"
log() { echo "[http] $*" >&2; }

command -v wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >"$RUN_DIR/apt.log" 2>&1; }

export DEBUG=0 CONN_MAX_AGE=60 SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0
export ALLOWED_HOSTS="127.0.0.1,localhost,testserver" SECRET_KEY="${SECRET_KEY:-bench-http-not-secret-0123456789abcdefghij}"
export STATIC_ROOT="${STATIC_ROOT:-/tmp/sd-http-static}" SERVICEDESK_VAR_DIR="${SERVICEDESK_VAR_DIR:-/tmp/var_bench}"
export DJANGO_SETTINGS_MODULE=servicedesk.settings
[ -f "$STATIC_ROOT/staticfiles.json" ] || "$PY" manage.py collectstatic --noinput -v0

# Seed (idempotent): a partner with a fresh key, a reception user's session cookie.
"$PY" - >"$RUN_DIR/seed.env" <<'EOF'
import sys
sys.path.insert(0, "bench")
from _common import bench_users, setup_django
setup_django()
from django.contrib.auth.models import Group
from django.test import Client
from core.roles import Role
from partners.models import Partner, PartnerKind
from partners.services import api_key_create
from django.contrib.auth import get_user_model
account, _ = get_user_model().objects.get_or_create(username="bench_partner_http")
account.groups.add(Group.objects.get(name=Role.PARTNER))
partner, _ = Partner.objects.get_or_create(code="bench-http", defaults={"name": "Bench HTTP", "kind": PartnerKind.COURIER,
                                                                       "account": account})
_key, raw = api_key_create(partner=partner, name="http bench", rate_limit_per_minute=10_000_000)
client = Client()
client.force_login(bench_users()[Role.RECEPTION][0])
print(f"KEY={raw}\nSESSION={client.cookies['sessionid'].value}")
EOF
# shellcheck disable=SC1091
source "$RUN_DIR/seed.env"

PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
.venv/bin/gunicorn servicedesk.wsgi:application -w "$WORKERS" -b "127.0.0.1:$PORT" \
  --log-level warning --error-logfile "$RUN_DIR/gunicorn.log" &
GUNICORN_PID=$!
trap 'kill "$GUNICORN_PID" 2>/dev/null || true; wait "$GUNICORN_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
  sleep 0.2
done

measure() {  # name url [wrk args…]
  local name="$1" url="$2" out="$RUN_DIR/wrk-$1.txt"; shift 2
  wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"$WARMUP" "$@" "$url" >/dev/null 2>&1 || true
  wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"$WRK_DURATION" --timeout 10s --latency "$@" "$url" >"$out" 2>&1
  cat "$out" >&2
  local rps non2xx
  rps="$(awk '/Requests\/sec/ {print $2}' "$out")"
  non2xx="$(awk '/Non-2xx/ {print $5}' "$out")"
  echo "project $name rps=${rps:-0} non2xx=${non2xx:-0} workers=$WORKERS conns=$WRK_CONNS load=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /)"
}

log "wrk -t$WRK_THREADS -c$WRK_CONNS -d$WRK_DURATION on 127.0.0.1:$PORT (gunicorn -w $WORKERS), runs in $RUN_DIR"
# A new caller and device per request (bench/wrk-create.lua), as the in-process bench sends: one body over and over
# made all 16 connections queue on one customer row and grow one IMEI's history (runs 1–5 did; see bench/README.md).
WRK_AUTH="Bearer $KEY" measure http_create "http://127.0.0.1:$PORT/api/v1/tickets/" -s bench/wrk-create.lua
measure http_list "http://127.0.0.1:$PORT/tickets/" -H "Cookie: sessionid=$SESSION"
