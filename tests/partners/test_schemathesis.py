"""Schemathesis over the whole /api/v1 schema, once as a partner (API key) and once as staff (token):
no 5xx, and every status, content type, header and body matches the schema.

Bounded for CI: a few examples per operation (SCHEMATHESIS_MAX_EXAMPLES, default 10)."""
import json
import os
import uuid

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from partners.models import ApiScope
from partners.services import api_key_create
from tests.factories import TicketFactory
from tickets.choices import Status

from .conftest import make_partner

CHECKS = (not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance)
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"))
CREDENTIAL_HEADERS = {"authorization", "x-api-key", "cookie"}


@pytest.fixture
def api_schema(db, settings):
    settings.ALLOWED_HOSTS = ["*"]  # the WSGI transport calls the app as "localhost"
    raw = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    raw["paths"] = {path: ops for path, ops in raw["paths"].items() if path.startswith("/api/v1/")}
    # As Django's test client does: the test's transaction must survive the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.from_dict(raw, app=WSGIHandler())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.from_pytest_fixture("api_schema")


@pytest.fixture
def partner_world(db, manager):
    partner = make_partner("fuzz-partner")
    _key, raw = api_key_create(partner=partner, name="fuzz", scopes=list(ApiScope.values),
                               rate_limit_per_minute=100_000)
    return {"auth": {"Authorization": f"Bearer {raw}"},
            "ticket": TicketFactory(partner=partner, status=Status.SOLVED)}


@pytest.fixture
def staff_world(db, manager):
    return {"auth": {"Authorization": f"Token {Token.objects.create(user=manager).key}"},
            "ticket": TicketFactory(status=Status.REGISTERED)}


def _exercise(case, world):
    ticket = world["ticket"]
    ticket.refresh_from_db()
    # Credentials are ours, not generated: drop what the generator invented for the security schemes.
    case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() not in CREDENTIAL_HEADERS}
    case.cookies = {}
    if case.path_parameters and "number" in case.path_parameters:
        case.path_parameters["number"] = ticket.number  # a real, visible ticket: reach past the 404
    if case.method == "PATCH" and len(case.headers.get("If-Match", "")) % 2 == 0:
        case.headers["If-Match"] = f'"{ticket.version}"'  # half the time the right version, else fuzzed
    key = case.headers.get("Idempotency-Key")
    if key and len(key) % 2:  # half fresh keys (the request really runs), half as generated (replays, 422s)
        case.headers["Idempotency-Key"] = f"{key[:200]}-{uuid.uuid4().hex}"
    response = case.call(headers=world["auth"])
    case.validate_response(response, checks=CHECKS)


FUZZ = hypothesis_settings(
    max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@FUZZ
def test_api_as_partner(case, partner_world):
    _exercise(case, partner_world)


@schema.parametrize()
@FUZZ
def test_api_as_staff(case, staff_world):
    _exercise(case, staff_world)
