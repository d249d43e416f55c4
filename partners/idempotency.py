"""`Idempotency-Key` for every POST under /api/: a retry gets the first answer instead of a second ticket.

Middleware, so every app's POST endpoint gets it without opting in. Steps:
1. fingerprint the request (method, path, query, body — JSON bodies canonicalised, so key order and
   whitespace do not matter);
2. find the owner with the API's own authenticators (a partner key, a staff token, a session);
3. claim (owner, key) with one INSERT … ON CONFLICT DO NOTHING, committed at once — the unique
   constraint decides who runs the view when retries arrive together;
4. the winner runs the view and stores a 2xx answer in the view's own transaction, so the ticket
   and its stored answer commit together (a crash leaves neither). A non-2xx answer releases the
   key: nothing was done, and the client may retry with the same key;
5. the others wait (polling) for that answer and replay it; a different body with the key → 422;
   still running after IDEMPOTENCY_WAIT_SECONDS → 409 with Retry-After.
"""
import hashlib
import json
import re
import secrets
import tempfile
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request
from rest_framework.settings import api_settings

from core.api import problem_response
from core.middleware import default_body_limit, too_large_response

from .models import IdempotencyRecord

HEADER = "HTTP_IDEMPOTENCY_KEY"
REPLAYED_HEADER = "Idempotent-Replayed"
REPLAY_HEADERS = ("Content-Type", "Content-Language", "Location", "ETag")
KEY_RE = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII: UUIDs, ULIDs, "order-123:create" …
CANONICAL_JSON_MAX = 1024 * 1024
POLL_SECONDS = 0.05


def _setting(name: str, default):
    return getattr(settings, name, default)


class BodyTooLarge(Exception):
    pass


def _read_body(request) -> tuple[str, bytes | None]:
    """(SHA-256 of the raw body, the body itself when ≤ 1 MB). The view can still read the body after.

    Never spools more than the endpoint's limit (`request.body_limit`, set by core.middleware): past it,
    BodyTooLarge, and the rest of the body stays unread."""
    if hasattr(request, "_body"):
        body = request._body
        return hashlib.sha256(body).hexdigest(), body if len(body) <= CANONICAL_JSON_MAX else None
    limit = getattr(request, "body_limit", None) or default_body_limit()
    # Spool rather than `request.body`: multipart uploads may exceed DATA_UPLOAD_MAX_MEMORY_SIZE.
    spool = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)
    raw_digest, small, size = hashlib.sha256(), bytearray(), 0
    while chunk := request.read(min(64 * 1024, limit + 1 - size)):
        size += len(chunk)
        if size > limit:
            spool.close()
            raise BodyTooLarge
        spool.write(chunk)
        raw_digest.update(chunk)
        if len(small) <= CANONICAL_JSON_MAX:
            small.extend(chunk)
    spool.seek(0)
    request._stream, request._read_started = spool, False  # Django's own attributes: the view reads anew
    return raw_digest.hexdigest(), bytes(small) if len(small) <= CANONICAL_JSON_MAX else None


def request_fingerprint(request) -> str:
    query = "&".join(sorted(request.META.get("QUERY_STRING", "").split("&")))
    raw_digest, body = _read_body(request)
    body_digest = raw_digest
    if body is not None and request.content_type == "application/json":
        try:
            canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
        except (ValueError, RecursionError):
            pass  # not JSON after all: the raw bytes count; the view will answer 400
        else:
            body_digest = hashlib.sha256(canonical).hexdigest()
    return hashlib.sha256(f"{request.method}\n{request.path}\n{query}\n{body_digest}".encode()).hexdigest()


def request_owner(request):
    """Who sent the request, by the API's authenticators in their order; None when nobody (the view answers 401)."""
    drf_request = Request(request)
    for auth_class in api_settings.DEFAULT_AUTHENTICATION_CLASSES:
        if issubclass(auth_class, SessionAuthentication):
            user = getattr(request, "user", None)  # AuthenticationMiddleware; CSRF is still the view's check
            if user is not None and user.is_authenticated:
                return user
            continue
        try:
            result = auth_class().authenticate(drf_request)
        except exceptions.APIException:
            return None
        if result is not None:
            return result[0]
    return None


def idempotency_claim(*, owner, key: str, fingerprint: str) -> tuple[IdempotencyRecord | None, bool]:
    """(the record, True if this request won it). One INSERT decides; an abandoned claim is taken over."""
    token, now = secrets.token_hex(16), timezone.now()
    with transaction.atomic():
        IdempotencyRecord.objects.bulk_create([IdempotencyRecord(
            owner=owner, key=key, request_hash=fingerprint, claim_token=token, claimed_at=now, created_at=now,
        )], ignore_conflicts=True)
    record = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
    if record is None:
        return None, False  # released between our INSERT and SELECT: try again
    if record.claim_token == token:
        return record, True
    stale = now - timedelta(seconds=_setting("IDEMPOTENCY_LOCK_SECONDS", 120))
    if record.state == IdempotencyRecord.State.IN_PROGRESS and record.claimed_at < stale \
            and record.request_hash == fingerprint:
        # Its process died mid-request; the view's transaction rolled back with it, so run it again.
        taken = IdempotencyRecord.objects.filter(
            pk=record.pk, claim_token=record.claim_token, state=IdempotencyRecord.State.IN_PROGRESS,
        ).update(claim_token=token, claimed_at=now)
        if taken:
            record.claim_token, record.claimed_at = token, now
            return record, True
    return record, False


def idempotency_complete(*, record: IdempotencyRecord, response) -> bool:
    headers = {name: response[name] for name in REPLAY_HEADERS if response.has_header(name)}
    return IdempotencyRecord.objects.filter(pk=record.pk, claim_token=record.claim_token).update(
        state=IdempotencyRecord.State.DONE, response_status=response.status_code,
        response_body=response.content, response_headers=headers,
    ) == 1


def idempotency_release(*, record: IdempotencyRecord) -> None:
    IdempotencyRecord.objects.filter(
        pk=record.pk, claim_token=record.claim_token, state=IdempotencyRecord.State.IN_PROGRESS,
    ).delete()


def idempotency_records_purge(*, now=None) -> int:
    """Forget keys older than IDEMPOTENCY_TTL_HOURS (24 h): each is kept at least that long."""
    cutoff = (now or timezone.now()) - timedelta(hours=_setting("IDEMPOTENCY_TTL_HOURS", 24))
    deleted, _details = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(bytes(record.response_body), status=record.response_status)
    for name, value in record.response_headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def _in_progress():
    return problem_response(
        409, "idempotency_in_progress",
        _("A request with this Idempotency-Key is still being processed. Retry in a moment."),
        {"Idempotency-Key": [str(_("Still in progress."))]}, headers={"Retry-After": "1"},
    )


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.META.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith(
            _setting("IDEMPOTENCY_PATH_PREFIX", "/api/")
        ):
            return self.get_response(request)
        if not KEY_RE.fullmatch(key):
            return problem_response(
                400, "invalid", _("Some fields are invalid."),
                {"Idempotency-Key": [str(_("Use 1 to 255 visible ASCII characters, e.g. a UUID."))]},
            )
        owner = request_owner(request)
        if owner is None:
            return self.get_response(request)  # unauthenticated: the view refuses, nothing to remember
        try:
            fingerprint = request_fingerprint(request)
        except BodyTooLarge:
            return too_large_response(request, getattr(request, "body_limit", None) or default_body_limit())
        deadline = time.monotonic() + _setting("IDEMPOTENCY_WAIT_SECONDS", 5)
        while True:
            record, won = idempotency_claim(owner=owner, key=key, fingerprint=fingerprint)
            if won:
                return self._run(request, record)
            if record is not None:
                if record.request_hash != fingerprint:
                    return problem_response(
                        422, "idempotency_key_reused",
                        _("This Idempotency-Key was already used for a different request."),
                        {"Idempotency-Key": [str(_("Use a new key for a new request."))]},
                    )
                if record.state == IdempotencyRecord.State.DONE:
                    return replay(record)
                if time.monotonic() >= deadline:
                    return _in_progress()
                time.sleep(POLL_SECONDS)

    def _run(self, request, record: IdempotencyRecord):
        stored = False
        try:
            with transaction.atomic():
                response = self.get_response(request)
                if response.status_code >= 500:
                    transaction.set_rollback(True)  # a bug: keep none of its writes
                elif 200 <= response.status_code < 300 and not response.streaming:
                    stored = idempotency_complete(record=record, response=response)
                    if not stored:  # our claim was taken over meanwhile: the other request answers
                        transaction.set_rollback(True)
                        response = _in_progress()
        finally:
            if not stored:
                idempotency_release(record=record)
        return response
