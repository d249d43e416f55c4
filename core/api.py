"""API plumbing shared by every app: one error shape, role checks, keyset pagination."""
import json
import sys
from collections.abc import Collection, Mapping

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.views.defaults import bad_request, page_not_found, permission_denied, server_error
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from .errors import ApplicationError
from .roles import user_has_role
from .scopes import ScopeRequired, scope_allows  # noqa: F401  (ScopeRequired is re-exported)

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY
DJANGO_TO_DRF = {Http404: exceptions.NotFound, DjangoPermissionDenied: exceptions.PermissionDenied}


def flatten_errors(data, prefix: str = "") -> dict[str, list[str]]:
    """Nested serializer errors → {"device.imei": [...]} so clients key errors by a dotted path."""
    if isinstance(data, dict):
        flat: dict[str, list[str]] = {}
        for key, value in data.items():
            path = key if not prefix else (prefix if key == NON_FIELD else f"{prefix}.{key}")
            flat.update(flatten_errors(value, path))
        return flat
    if isinstance(data, list) and data and all(isinstance(item, (dict, list)) for item in data):
        flat = {}
        for index, item in enumerate(data):
            flat.update(flatten_errors(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    items = data if isinstance(data, list) else [data]
    return {prefix or NON_FIELD: [str(item) for item in items]}


def problem_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif type(exc) in DJANGO_TO_DRF:
        exc = DJANGO_TO_DRF[type(exc)]()
    if isinstance(exc, ApplicationError):
        response, code = Response(status=exc.status), exc.code
        title, errors = exc.message, {exc.field or NON_FIELD: [str(exc.message)]}
    else:
        response = exception_handler(exc, context)
        if response is None:
            return None  # a real bug: let it 500 and be logged
        code, data = getattr(exc, "default_code", "error"), response.data
        if isinstance(exc, exceptions.ValidationError):
            title = _("Some fields are invalid.")
            errors = flatten_errors(data if isinstance(data, dict) else {NON_FIELD: data})
        else:
            detail = data.get("detail", "") if isinstance(data, dict) else data
            title, errors = detail, {}
    response.data = {
        "type": f"urn:servicedesk:{code}",
        "title": str(title),
        "status": response.status_code,
        "errors": errors,
    }
    response.content_type = "application/problem+json"
    return response


def problem_response(status: int, code: str, title, errors: dict | None = None, headers: dict | None = None):
    """The problem_handler's shape for answers given outside DRF views (middleware)."""
    body = {"type": f"urn:servicedesk:{code}", "title": str(title), "status": status, "errors": errors or {}}
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=status,
                        content_type="application/problem+json", headers=headers)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found_handler(request, exception=None):
    """handler404: a URL no route matches is problem+json under /api/ (e.g. /tickets/x/attachments/abc/ where
    the route wants a number), and templates/404.html elsewhere."""
    if _is_api(request):
        return problem_response(404, "not_found", _("Not found."))
    return page_not_found(request, exception)


def permission_denied_handler(request, exception=None):
    if _is_api(request):
        return problem_response(403, "permission_denied", _("You do not have permission to perform this action."))
    return permission_denied(request, exception)


def bad_request_handler(request, exception=None):
    """A SuspiciousOperation (a bad Host header, too many form fields …)."""
    if _is_api(request):
        return problem_response(400, "bad_request", _("The request could not be understood."))
    return bad_request(request, exception)


def server_error_handler(request):
    """handler500: a bug. problem+json under /api/; templates/500.html (needs no request context or
    database: whatever broke may be the database) elsewhere."""
    from .outage import outage_response  # lazy: outage imports this module

    if (unavailable := outage_response(request, sys.exc_info()[1])) is not None:
        return unavailable  # not a bug: PostgreSQL or Redis is away (503, Retry-After)
    if _is_api(request):
        return problem_response(500, "server_error", _("Something went wrong on our side. It has been logged."))
    return server_error(request)


class FieldsFromPrototype:
    """For input serializers on hot paths (API create): DRF deep-copies every declared field for every instance,
    re-running each field's __init__ — half the CPU of validating a ticket (issue 16). The fields are built once
    per class (`build_fields`, default: DRF's) and each instance gets shallow copies, which `fields` then binds to
    that instance. Safe for fields that keep no state of their own beyond binding (DRF's, and nested serializers
    that use this too): a nested serializer's copy builds its own fields when first asked."""

    def build_fields(self):
        return super().get_fields()

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_prototype_fields")
        if built is None:
            built = cls._prototype_fields = self.build_fields()
        return {name: _shallow_copy(field) for name, field in built.items()}


def _shallow_copy(field):
    """copy.copy(field) without the pickle protocol's round (__reduce_ex__, copyreg, _reconstruct: ~8 Python calls a
    field, ~300 an API create): a new instance of the class with the prototype's attributes. DRF's fields and
    serializers keep their state in __dict__ and define no __copy__ (tests/core/test_fields_prototype.py)."""
    clone = object.__new__(type(field))
    clone.__dict__.update(field.__dict__)
    return clone


class StrictInput(serializers.Serializer):
    """An input that names what it will not take: `PATCH {"status": "closed"}` is a 400 on `status`, not a
    200 that silently changed nothing. `read_only_names()`: fields the client may read but not write."""

    def read_only_names(self) -> Collection[str]:
        return ()

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            read_only = set(self.read_only_names())
            errors = {
                str(name): [str(_("This field cannot be changed.") if name in read_only else _("Unknown field."))]
                for name in data if name not in self.fields
            }
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class QueryInput(serializers.Serializer):
    """Query-string filters. DRF reads a QueryDict like an HTML form, where an empty optional value counts as
    absent: `?event=` would list everything. Here it reaches the field, so it is a 400 like any bad value."""

    def to_internal_value(self, data):
        if hasattr(data, "getlist"):
            data = {key: data.getlist(key) if isinstance(self.fields.get(key), (serializers.ListField,
                                                                                 serializers.MultipleChoiceField))
                    else data.get(key) for key in data}
        return super().to_internal_value(data)


class RoleRequired(BasePermission):
    """Reads `view.roles` (or `view.roles_by_method[method]`), a set of Role values; admins pass everywhere.
    A request made with a scoped API key must also hold the operation's scope (see `required_scope`)."""

    message = _("Your role or the API key's scopes do not allow this.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        roles = getattr(view, "roles_by_method", {}).get(request.method, getattr(view, "roles", None))
        if roles is not None and not user_has_role(user, *roles):
            return False
        return scope_allows(request, view)


class TicketCursorPagination(CursorPagination):
    """Keyset pagination: constant cost at any depth, and no COUNT(*) over a million rows."""

    ordering = ("-created_at", "-id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
