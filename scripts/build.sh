#!/usr/bin/env bash
# The build steps of a release, in one place: the Dockerfile runs this script, and so does the production
# smoke (tests/smoke/) on every CI run — the image cannot get a step the smoke never tried.
#   1. compile the translations (locale/*/LC_MESSAGES/django.mo; needs gettext's msgfmt)
#   2. collect static files with the production storage (WhiteNoise's compressed manifest: hashed names,
#      .gz/.br copies) into $STATIC_ROOT (default ./staticfiles).
# Usage: [PYTHON=.venv/bin/python] [STATIC_ROOT=/tmp/static] bash scripts/build.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PYTHON:-}" ]; then
  if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python; fi
fi
export DJANGO_SETTINGS_MODULE=servicedesk.settings
# DEBUG=0 selects the manifest storage; a build reads no secret, but the settings require one.
export DEBUG=0
export SECRET_KEY="${SECRET_KEY:-build-only-not-used-to-sign-anything}"

"$PYTHON" manage.py compilemessages -v 0 --ignore=.venv --ignore=.venv-bench
"$PYTHON" manage.py collectstatic --noinput -v 0
