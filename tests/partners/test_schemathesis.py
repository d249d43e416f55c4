"""Schemathesis over the whole /api/v1 schema, once as a partner (API key) and once as staff (token):
every check schemathesis has (`--checks all`): no 5xx; every status, content type, header and body matches
the schema; a request without or with a wrong credential is a 401. Strings include NUL and other control
characters (path parameters too), and every operation with a path parameter gets one NUL and one control
character explicitly (issue 13: 21 server errors came from NUL in paths).

Bounded for CI: SCHEMATHESIS_MAX_EXAMPLES per operation and principal (default 25)."""
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
from schemathesis import GenerationConfig
from schemathesis.checks import ALL_CHECKS

from partners.models import ApiScope
from partners.services import api_key_create
from tests.factories import TicketFactory
from tickets.choices import Status

from .conftest import make_partner

pytestmark = pytest.mark.slow  # ~4 min on 2 idle cores at 25 examples; CI runs it (scripts/test.sh)
CHECKS = ALL_CHECKS
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"))
CONTROL = ("\x00", "\x1f")
CREDENTIAL_HEADERS = {"authorization", "x-api-key", "cookie"}


@pytest.fixture
def api_schema(db, settings):
    settings.ALLOWED_HOSTS = ["*"]  # the WSGI transport calls the app as "localhost"
    raw = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    raw["paths"] = {path: ops for path, ops in raw["paths"].items() if path.startswith("/api/v1/")}
    # As Django's test client does: the test's transaction must survive the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    # allow_x00 and the utf-8 codec are the defaults, stated here because they are the point.
    yield schemathesis.from_dict(raw, app=WSGIHandler(), generation_config=GenerationConfig(allow_x00=True,
                                                                                           codec="utf-8"))
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
    number = (case.path_parameters or {}).get("number")
    if number is not None and len(str(number)) % 2 == 0:
        case.path_parameters["number"] = ticket.number  # half the time a real, visible ticket: past the 404
    if case.method == "PATCH" and len(case.headers.get("If-Match", "")) % 2 == 0:
        case.headers["If-Match"] = f'"{ticket.version}"'  # half the time the right version, else fuzzed
    key = case.headers.get("Idempotency-Key")
    if key and len(key) % 2:  # half fresh keys (the request really runs), half as generated (replays, 422s)
        case.headers["Idempotency-Key"] = f"{key[:200]}-{uuid.uuid4().hex}"
    response = case.call(headers=world["auth"])
    # The credential is named as ours (headers/transport_kwargs): ignored_auth then re-sends the request
    # without it and with invalid ones and wants 401, instead of taking it for a generated, invalid one.
    case.validate_response(response, checks=CHECKS, headers=world["auth"],
                           transport_kwargs={"headers": dict(world["auth"])})


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


def _nul_cases(raw_schema):
    for path, operations in raw_schema["paths"].items():
        if "{" in path:
            yield from ((path, method.upper()) for method in operations if method != "parameters")


@pytest.mark.parametrize("char", CONTROL, ids=["NUL", "US"])
def test_control_characters_in_every_path_parameter_are_404(api_schema, partner_world, char):
    """Every operation with a path parameter, each parameter in turn holding NUL or a control character:
    a problem+json 404, never a 500 (PostgreSQL cannot store NUL; a lookup with it was a DataError)."""
    answers = {}
    for path, method in _nul_cases(api_schema.raw_schema):
        operation = api_schema[path][method]
        names = [p.name for p in operation.path_parameters]
        for name in names:
            params = {other: ("SD-1" if other == "number" else "1") for other in names} | {name: f"SD{char}1"}
            response = operation.make_case(path_parameters=params).call(headers=partner_world["auth"])
            answers[f"{method} {path} {name}"] = (response.status_code, response.headers.get("Content-Type"))
    assert answers and set(answers.values()) == {(404, "application/problem+json")}, answers
