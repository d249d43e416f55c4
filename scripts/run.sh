#!/usr/bin/env bash
# Command 1: set up and run the desk on the embedded default — SQLite, and a real Celery worker and
# beat over kombu's SQLAlchemy transport (no Redis server) — with demo users and data.
source "$(dirname "$0")/_common.sh"
ensure_venv test
export DEBUG="${DEBUG:-1}"
export DJANGO_SETTINGS_MODULE=servicedesk.settings
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"

compile_messages
log "Migrating the database (var/servicedesk.sqlite3)"
"$PY" manage.py migrate --noinput -v 0
log "Loading demo data"
"$PY" manage.py demo_data

mkdir -p var/log
log "Starting Celery worker and beat (logs in var/log/)"
"$VENV/bin/celery" -A servicedesk worker -l info --concurrency 2 >var/log/worker.log 2>&1 &
WORKER=$!
"$VENV/bin/celery" -A servicedesk beat -l info >var/log/beat.log 2>&1 &
BEAT=$!
trap 'kill $WORKER $BEAT 2>/dev/null || true' EXIT INT TERM

cat <<MSG

  售后服务台 is running at  http://$HOST:$PORT/
  API docs:                 http://$HOST:$PORT/api/docs/
  Log in as (password for all but partner: demo-2026):
    reception   受理员 reception desk
    engineer    工程师 (also engineer2, engineer3)
    manager     主管 — dashboards, admin
    partner     partner service account: REST API only, with the key printed above
    admin       administrator
  Stop with Ctrl+C.

MSG
"$PY" manage.py runserver "$HOST:$PORT" --noreload
