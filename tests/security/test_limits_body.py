"""Issue 13 §3: bodies over the endpoint's limit are refused before they are read; JSON nesting is bounded.

`Counting` stands in for the socket (wsgi.input): it makes bytes on demand, counts what is read and
stops a test that reads far more than it should (instead of generating a real gigabyte)."""
import json

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.parsers import JSONParser
from rest_framework.views import APIView

from core.parsers import BoundedJSONParser, json_too_deep
from partners.idempotency import BodyTooLarge, _read_body
from partners.models import IdempotencyRecord
from tests.factories import TicketFactory

GB, MB = 1024**3, 1024**2
DEEP = "[" * 100_000 + "]" * 100_000


class Counting:
    """An endless request body that counts the bytes read from it."""

    def __init__(self, fail_after: int = 20 * MB):
        self.read_bytes, self.fail_after = 0, fail_after

    def read(self, size: int = -1) -> bytes:
        size = 64 * 1024 if size is None or size < 0 else size
        self.read_bytes += size
        assert self.read_bytes <= self.fail_after, "the body is being read in full"
        return b"x" * size

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)


@pytest.fixture
def desk(client, reception):
    # A session, not force_authenticate: the Idempotency-Key middleware must find the owner itself.
    client.force_login(reception)
    return client


@pytest.fixture
def ticket(reception):
    return TicketFactory(created_by=reception)


def post_body(client, path, *, length: int | None, source, content_type="application/json", **extra):
    environ = {"wsgi.input": source, "CONTENT_TYPE": content_type, **extra}
    if length is not None:
        environ["CONTENT_LENGTH"] = str(length)
    return client.generic("POST", path, b"", content_type=content_type, **environ)


def test_a_1_gb_upload_with_an_idempotency_key_is_refused_413_without_reading_it(desk, ticket):
    source = Counting()
    response = post_body(desk, reverse("api:ticket-attachment-list", args=[ticket.number]), length=GB,
                         source=source, content_type="multipart/form-data; boundary=xyz",
                         HTTP_IDEMPOTENCY_KEY="upload-1")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert "file" in response.json()["errors"]
    assert source.read_bytes == 0
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.parametrize("with_key", [True, False])
def test_a_200_mb_json_body_is_refused_413_without_reading_it(desk, with_key):
    source = Counting()
    extra = {"HTTP_IDEMPOTENCY_KEY": "create-1"} if with_key else {}
    response = post_body(desk, reverse("api:ticket-list"), length=200 * MB, source=source, **extra)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 413 and response.json()["title"]
    assert source.read_bytes == 0


def test_a_page_post_over_the_limit_is_413_without_reading_it(desk):
    source = Counting()
    response = post_body(desk, reverse("tickets:new"), length=50 * MB, source=source,
                         content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413 and source.read_bytes == 0


def test_a_chunked_body_is_cut_at_the_limit(desk):
    source = Counting()
    response = post_body(desk, reverse("api:ticket-list"), length=None, source=source,
                         HTTP_TRANSFER_ENCODING="chunked", **{"wsgi.input_terminated": True})
    assert response.status_code == 413 and response["Content-Type"] == "application/problem+json"
    assert source.read_bytes <= settings.REQUEST_BODY_MAX_BYTES + 1


class Once:
    def __init__(self, data: bytes):
        self.data = data

    def read(self, size: int = -1) -> bytes:
        size = len(self.data) if size is None or size < 0 else size
        chunk, self.data = self.data[:size], self.data[size:]
        return chunk

    readline = read


def test_a_small_chunked_body_reaches_the_view(desk):
    response = post_body(desk, reverse("api:ticket-list"), length=None, source=Once(b'{"kind": "nonsense"}'),
                         HTTP_TRANSFER_ENCODING="chunked", **{"wsgi.input_terminated": True})
    assert response.status_code == 400
    assert "nonsense" in response.json()["errors"]["kind"][0]  # the body was read: not "required"


def test_the_idempotency_fingerprint_never_spools_more_than_the_limit():
    request = RequestFactory().post("/api/v1/tickets/", data=b"x" * 5000, content_type="application/json")
    request.body_limit = 1000
    source = request._stream
    with pytest.raises(BodyTooLarge):
        _read_body(request)
    assert source._pos <= 1001  # Django's LimitedStream: bytes handed out so far


def test_depth_scan_counts_brackets_outside_strings_only():
    assert json_too_deep(DEEP, 32)
    assert json_too_deep("[" * 33 + "]" * 33, 32) and not json_too_deep("[" * 32 + "]" * 32, 32)
    assert not json_too_deep(json.dumps({"note": "[" * 1000, "x": [[1]]}), 32)
    assert json_too_deep('{"a": "\\"[[[[", "b": ' + "[" * 40, 32)  # an escaped quote does not end the string
    assert not json_too_deep('"' + "\\\"[" * 100_000, 32)  # unterminated string: left to the parser


def _api_views():
    def walk(patterns):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns)
            elif isinstance(entry, URLPattern):
                cls = getattr(entry.callback, "cls", None)
                if cls is not None and issubclass(cls, APIView):
                    yield cls
    return set(walk(get_resolver().url_patterns))


def test_every_api_view_parses_json_with_the_bounded_parser():
    views = _api_views()
    assert len(views) > 20
    for view in views:
        json_parsers = [p for p in view().get_parsers() if isinstance(p, JSONParser)]
        assert all(isinstance(p, BoundedJSONParser) for p in json_parsers), view


@pytest.fixture
def admin_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    client.force_login(admin)
    return client


def _deep(client, method, path, **extra):
    return client.generic(method, path, DEEP, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **extra)


@pytest.mark.parametrize("idempotency_key", [None, "deep-1"])
def test_100000_levels_of_json_are_a_400_on_json_endpoints(admin_client, ticket, idempotency_key):
    extra = {"HTTP_IDEMPOTENCY_KEY": idempotency_key} if idempotency_key else {}
    number = ticket.number
    targets = [("POST", reverse("api:ticket-list")), ("PATCH", reverse("api:ticket-detail", args=[number])),
               ("POST", reverse("api:ticket-preprocess", args=[number])),
               ("POST", reverse("api:ticket-dispatch", args=[number])),
               ("POST", reverse("api:ticket-note", args=[number])),
               ("POST", reverse("api:webhook-endpoint-list"))]
    for method, path in targets:
        headers = {"HTTP_IF_MATCH": f'"{ticket.version}"'} if method == "PATCH" else {}
        response = _deep(admin_client, method, path, **extra, **headers)
        assert response.status_code == 400, (path, response.status_code, response.content[:200])
        assert response["Content-Type"] == "application/problem+json"
        assert "nested too deeply" in response.json()["title"], path
