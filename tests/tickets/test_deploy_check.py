"""`manage.py check --deploy` is clean with the production settings (issue 3)."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_check(*args: str, **env_overrides) -> subprocess.CompletedProcess:
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "desk.example.com",
           "SECURE_SSL_REDIRECT": "1", **env_overrides}
    for test_only in ("SECURE_HSTS_SECONDS", "DJANGO_ALLOW_ASYNC_UNSAFE"):  # never set in production
        env.pop(test_only, None)
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_passes_with_production_settings():
    result = run_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_with_a_weak_secret_key():
    # The check can fail: the same command with a short key must be refused (security.W009).
    result = run_check("--tag", "security", SECRET_KEY="short")
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr
