"""Bench-only settings: the production settings unchanged, plus two limit views (bench/limit_urls.py).

Used only by bench/load.py's gunicorn (DJANGO_SETTINGS_MODULE=bench.settings); never deployed."""
from servicedesk.settings import *  # noqa: F403 — the production shape is the point

ROOT_URLCONF = "bench.limit_urls"
