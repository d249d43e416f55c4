"""/healthz and /readyz (core/health.py): anonymous, plain http, JSON per component, 503 naming what is
down — never a 500. Redis "down" is a closed port, as when the server is stopped."""
import socket

import pytest
from django.contrib.staticfiles import finders
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as s:  # bound then released: nothing listens there afterwards
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_healthz_answers_without_login_or_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_ready_with_every_component(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    # "calendar" is sla's advisory component (core.health.register_advisory_check): never required.
    assert set(body["components"]) == {"database", "migrations", "cache", "broker", "calendar"}
    assert body["components"]["calendar"]["required"] is False
    assert all(c["ok"] for c in body["components"].values())


def test_readyz_with_redis_down_is_503_naming_cache_and_broker(client, settings):
    down = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": down}}
    settings.CELERY_BROKER_URL = down
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    components = response.json()["components"]
    assert not components["cache"]["ok"] and not components["broker"]["ok"]
    assert components["database"]["ok"] and components["migrations"]["ok"]
    assert "127.0.0.1" not in response.content.decode()  # public answer: no addresses


def test_readyz_requiring_only_the_database_reads_a_redis_outage_as_degraded(client, settings):
    # Behind a load balancer: the web tier survives Redis being away, so it stays in rotation.
    settings.READYZ_REQUIRED = ["database", "migrations"]
    down = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": down}}
    settings.CELERY_BROKER_URL = down
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert {n: (c["ok"], c["required"]) for n, c in body["components"].items()} == {
        "database": (True, True), "migrations": (True, True), "cache": (False, False), "broker": (False, False),
        "calendar": (True, False)}


def test_readyz_with_only_the_broker_down_names_only_the_broker(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    components = client.get("/readyz").json()["components"]
    assert [name for name, c in components.items() if not c["ok"]] == ["broker"]


def test_readyz_with_an_unapplied_migration_is_503(client):
    with connection.cursor() as cursor:  # rolled back with the test's transaction
        cursor.execute("DELETE FROM django_migrations WHERE id = (SELECT MAX(id) FROM django_migrations)")
    response = client.get("/readyz")
    assert response.status_code == 503
    components = response.json()["components"]
    assert components["migrations"] == {"ok": False, "error": "RuntimeError", "ms": components["migrations"]["ms"],
                                        "required": True}
    assert components["database"]["ok"]


def test_readyz_with_the_database_down_is_503_not_500(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    components = response.json()["components"]
    assert components["database"] == {"ok": False, "error": "OperationalError", "ms": components["database"]["ms"],
                                      "required": True}
    assert components["migrations"] == {"ok": False, "error": "database unavailable", "required": True}


def test_probes_are_exempt_from_the_ssl_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301  # the rest still goes to https


def test_favicon_answers_without_login_and_pages_link_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].startswith("/static/favicon")
    assert response["Location"].endswith(".ico")
    assert finders.find("favicon.ico") and finders.find("favicon.svg")  # what the redirect and pages name
    for page in ("/accounts/login/", "/progress/"):
        html = client.get(page).content.decode()
        assert 'rel="icon"' in html and "favicon.svg" in html, page
