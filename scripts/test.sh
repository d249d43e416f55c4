#!/usr/bin/env bash
# Command 2: provision PostgreSQL 15, Redis and Chromium where missing, then run the whole suite
# (browser and Celery integration tests included) against PostgreSQL and Redis.
source "$(dirname "$0")/_common.sh"

apt_install redis-server chromium fonts-noto-cjk gettext postgresql-15

log "Starting PostgreSQL 15"
if ! pg_lsclusters -h 2>/dev/null | grep -q '^15 \+main'; then
  pg_createcluster 15 main >/dev/null
fi
pg_ctlcluster 15 main start 2>/dev/null || true
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='servicedesk'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"CREATE ROLE servicedesk LOGIN SUPERUSER PASSWORD 'servicedesk'\""
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='servicedesk'\"" | grep -q 1 ||
  su postgres -c "createdb -O servicedesk servicedesk"

log "Starting Redis"
if ! redis-cli -p 6379 ping >/dev/null 2>&1; then
  redis-server --port 6379 --bind 127.0.0.1 --daemonize yes --save '' --appendonly no >/dev/null
  for _ in $(seq 1 30); do redis-cli -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
fi

ensure_venv test
export DATABASE_URL="${DATABASE_URL:-postgres://servicedesk:servicedesk@127.0.0.1:5432/servicedesk}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
export DJANGO_SETTINGS_MODULE=servicedesk.settings
export SECRET_KEY="${SECRET_KEY:-$("$PY" -c "import secrets; print(secrets.token_urlsafe(50))")}"
export DEBUG=0 SECURE_SSL_REDIRECT=0

compile_messages
log "manage.py check --deploy (production settings)"
ALLOWED_HOSTS=desk.example.com SECURE_SSL_REDIRECT=1 "$PY" manage.py check --deploy --fail-level WARNING
log "No missing migrations"
"$PY" manage.py makemigrations --check --dry-run >/dev/null
log "Translations complete"
"$PY" scripts/check_translations.py

log "pytest (PostgreSQL + Redis + Celery + Chromium, and the production smoke)"
# tests/smoke/test_production.py is the production smoke: scripts/build.sh (the Dockerfile's build) into a
# temporary STATIC_ROOT, a fresh database servicedesk_smoke, gunicorn with DEBUG=0, a Celery worker and beat
# on Redis db 12, Chromium through it; ~2-3 min, in whichever pytest process picks up its file.
mkdir -p test-artifacts
# Playwright drives Chromium from the test thread while live_server serves: Django must allow it.
export DJANGO_ALLOW_ASYNC_UNSAFE=true
# Two processes for two cores, each with its own test database (test_servicedesk_gw0, _gw1); a file
# stays on one process, so tests that share a Redis db or start Celery workers never overlap.
exec "$PY" -m pytest -n 2 --dist loadfile "$@"
