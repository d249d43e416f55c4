# Shared by scripts/run.sh and scripts/test.sh: a project venv with pinned dependencies.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

log() { printf '\033[1;34m==> %s\033[0m\n' "$*"; }

ensure_venv() {
  local extras="$1"
  if [ ! -x "$PY" ]; then
    log "Creating virtualenv .venv"
    python3 -m venv "$VENV"
  fi
  # Reinstall only when pyproject.toml changed since the last install.
  local stamp="$VENV/.installed-$extras-$(sha1sum pyproject.toml | cut -c1-12)"
  if [ ! -f "$stamp" ]; then
    log "Installing Python dependencies ($extras)"
    "$PY" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
    "$PY" -m pip install -q ".[${extras}]" 2>&1 | grep -v -e '^WARNING: Location' -e 'is ignored' || true
    "$PY" -c "import django, celery, rest_framework" # fail loudly if the install did not work
    touch "$stamp"
  fi
}

apt_install() {
  # apt_install PKG... : install Debian packages that are missing (needs root, as on CI).
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if [ ${#missing[@]} -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

compile_messages() {
  if command -v msgfmt >/dev/null 2>&1 && ls locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then
    "$PY" manage.py compilemessages -v 0 --ignore=.venv
  fi
}
