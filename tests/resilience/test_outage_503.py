"""What cannot work while PostgreSQL or Redis is away answers 503 with Retry-After — problem+json under
/api/, a plain page elsewhere — never a 500 that reads like a bug (core/outage.py). A bug stays a 500.

The failures are injected into one selector each: taking PostgreSQL itself down would take the test
database with it (the real restart drill is in the integration tests)."""
import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.partners.conftest import key_client, make_partner

pytestmark = pytest.mark.django_db


def _raise(exc):
    def fail(*args, **kwargs):
        raise exc

    return fail


def test_the_api_answers_503_problem_json_when_the_database_is_away(monkeypatch):
    from partners.services import api_key_create
    from tickets import selectors

    _key, raw = api_key_create(partner=make_partner("courier-503"), name="k")
    monkeypatch.setattr(selectors, "ticket_filter", _raise(OperationalError("server closed the connection")))
    response = key_client(raw).get("/api/v1/tickets/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "urn:servicedesk:service_unavailable"


def test_a_page_answers_503_with_its_own_page_when_redis_is_away(monkeypatch):
    from progress import views

    monkeypatch.setattr(views, "progress_lookup", _raise(RedisConnectionError("Connection refused")))
    response = Client(raise_request_exception=False).post(reverse("progress:lookup"),
                                                          {"number": "SD-20260302-0001", "phone": "13800138000"},
                                                          REMOTE_ADDR="198.51.100.251")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert b'data-testid="error-page-unavailable"' in response.content


def test_a_bug_is_still_a_500(monkeypatch):
    from progress import views

    monkeypatch.setattr(views, "progress_lookup", _raise(ZeroDivisionError()))
    response = Client(raise_request_exception=False).post(reverse("progress:lookup"),
                                                          {"number": "SD-20260302-0001", "phone": "13800138000"},
                                                          REMOTE_ADDR="198.51.100.252")
    assert response.status_code == 500


def test_a_middleware_that_meets_the_database_away_answers_503_too(manager, monkeypatch):
    """The session is read by middleware, before any view: that path goes through handler500."""
    from importlib import import_module

    from django.conf import settings

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore  # with Redis: cached, then the database
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    monkeypatch.setattr(SessionStore, "load", _raise(OperationalError("the database system is shutting down")))
    response = client.get(reverse("dashboard:page"))
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert b'data-testid="error-page-unavailable"' in response.content
