"""Refusals that must come before anything reads the request (issue 13, "limits before reading").

First in the chain (after SecurityMiddleware), so neither CSRF, the session, DRF's authenticators nor
the Idempotency-Key fingerprint has touched the body when we decide:
- a path with NUL or another control character is a 404 (PostgreSQL cannot even store NUL: a lookup
  with it was a DataError → 500);
- a body whose Content-Length exceeds the endpoint's limit is a 413 without a byte read;
- a chunked body (no Content-Length) is read up to the limit and no further: past it, 413.
"""
import re
import tempfile
from collections.abc import Callable

from django.conf import settings
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .api import not_found_handler, problem_response

CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
CHUNK = 64 * 1024


def default_body_limit() -> int:
    return getattr(settings, "REQUEST_BODY_MAX_BYTES", settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


# Endpoints with a body limit of their own, by URL name → (limit, refuses a bigger body itself), registered
# by the app that owns them from its AppConfig.ready() (attachments: one maximal file). core imports no app.
_OWN_LIMITS: dict[str, tuple[Callable[[], int], bool]] = {}


def body_limit_register(view_name: str, limit: Callable[[], int], *, self_checked: bool = False) -> None:
    _OWN_LIMITS[view_name] = (limit, self_checked)


def endpoint_body_limit(path: str) -> tuple[int, bool]:
    """(the most bytes this endpoint accepts, whether it refuses a bigger body itself). Uploads have their own,
    larger limit (registered by attachments); every other endpoint takes at most REQUEST_BODY_MAX_BYTES."""
    try:
        view_name = resolve(path).view_name
    except Resolver404:
        return default_body_limit(), False
    if (own := _OWN_LIMITS.get(view_name)) is not None:
        return own[0](), own[1]
    return default_body_limit(), False


def _content_length(meta) -> int | None:
    try:
        return int(meta["CONTENT_LENGTH"])
    except (KeyError, ValueError, TypeError):
        return None


def too_large_response(request, limit: int, field: str | None = None):
    language = translation.get_language_from_request(request, check_path=False)
    with translation.override(language):  # LocaleMiddleware has not run yet
        megabytes = max(1, round(limit / (1024 * 1024)))
        title = _("The request body is larger than %(mb)d MB.") % {"mb": megabytes}
        if request.path.startswith("/api/"):
            return problem_response(413, "too_large", title, {field: [str(title)]} if field else None)
        return HttpResponse(str(title), status=413, content_type="text/plain; charset=utf-8")


class RequestLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if CONTROL_CHARS.search(request.path_info):
            return not_found_handler(request)
        length = _content_length(request.META)
        limit = default_body_limit()
        if length is not None:
            if length > limit:  # only then is the URL resolved: most bodies are small
                limit, self_checked = endpoint_body_limit(request.path_info)
                if length > limit and not self_checked:
                    return too_large_response(request, limit, self._field(limit))
        elif _chunked(request.META):
            limit, _self_checked = endpoint_body_limit(request.path_info)
            if not _buffer_chunked(request, limit):
                return too_large_response(request, limit, self._field(limit))
        request.body_limit = limit  # the Idempotency-Key fingerprint reads no further (partners/idempotency.py)
        return self.get_response(request)

    @staticmethod
    def _field(limit: int) -> str | None:
        return "file" if limit > default_body_limit() else None


def _chunked(meta) -> bool:
    # Only a server that ends wsgi.input at the last chunk (gunicorn does, and says so) can be read to the
    # end; under one that does not, Django reads no body without a Content-Length, as before.
    return "chunked" in meta.get("HTTP_TRANSFER_ENCODING", "").lower() and bool(meta.get("wsgi.input_terminated"))


def _buffer_chunked(request, limit: int) -> bool:
    """Read a chunked body up to `limit` + 1 bytes. False: it is bigger (the rest stays unread).

    Django itself reads nothing without a Content-Length, so the read body is handed to it with one."""
    source = request.META["wsgi.input"]
    spool = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)
    size = 0
    while size <= limit:
        chunk = source.read(min(CHUNK, limit + 1 - size))
        if not chunk:
            break
        spool.write(chunk)
        size += len(chunk)
    if size > limit:
        spool.close()
        return False
    spool.seek(0)
    request.META["CONTENT_LENGTH"] = str(size)
    request._stream = spool  # Django's own attribute, as partners/idempotency.py does
    return True
