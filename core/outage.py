"""When a service we depend on is away, say so: 503 with Retry-After, not a 500 that reads like a bug.

Most of the web tier keeps working without Redis (the rate limiter fails open, caches fall back, after-commit
knocks are logged and swept again: README "When Redis or PostgreSQL goes away"). What still cannot be done
— anything once PostgreSQL is away, or a Redis call nobody guarded — ends here: problem+json under /api/,
a plain page elsewhere, both telling the client to come back. Only a view's exception reaches this
(process_exception); the request's transaction has rolled back, so nothing was half done."""
import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.translation import gettext_lazy as _

from .api import problem_response

log = logging.getLogger("servicedesk.outage")
RETRY_AFTER_SECONDS = 30


def _outage_errors() -> tuple[type[BaseException], ...]:
    from kombu.exceptions import OperationalError as BrokerError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError, BrokerError


def outage_response(request, exception: BaseException | None) -> HttpResponse | None:
    """The 503 for an outage error, None for anything else (a bug: the caller answers 500)."""
    if exception is None or not isinstance(exception, _outage_errors()):
        return None
    log.error("%s %s: a backing service is unavailable, answered 503", request.method, request.path,
              exc_info=exception)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.path.startswith("/api/"):
        return problem_response(503, "service_unavailable", _("A service we depend on is briefly "
                                                              "unavailable. Try again later."), headers=headers)
    # No request context: the context processors would ask the database that may be the one away.
    return HttpResponse(loader.get_template("503.html").render(), status=503, headers=headers)


class OutageMiddleware:
    """For a view's exception. One raised by a middleware (the session or the user read while PostgreSQL is
    away) reaches handler500 instead, which asks `outage_response` too (core.api.server_error_handler)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return outage_response(request, exception)
