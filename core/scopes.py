"""API-key scopes: which scope an operation needs, and the permission that checks it.

Its own module (no rest_framework.views import) because DRF loads DEFAULT_PERMISSION_CLASSES while
rest_framework.views itself is being imported."""
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def required_scope(view, method: str) -> str:
    """The API-key scope an operation needs: `view.required_scopes[method]`, `view.required_scope`,
    else tickets:read for reads and tickets:update for writes (so a new endpoint is never unscoped)."""
    by_method = getattr(view, "required_scopes", {})
    if method in by_method:
        return by_method[method]
    if scope := getattr(view, "required_scope", None):
        return scope
    return "tickets:read" if method in SAFE_METHODS else "tickets:update"


def scope_allows(request, view) -> bool:
    """Credentials that carry scopes (a partner API key as `request.auth`) must hold the view's scope;
    sessions and staff tokens have none, and their roles alone decide."""
    has_scope = getattr(request.auth, "has_scope", None)
    return True if has_scope is None else has_scope(required_scope(view, request.method))


class ScopeRequired(BasePermission):
    """For views that do not use RoleRequired (the default permission classes): only the scope check."""

    message = _("The API key's scopes do not allow this.")

    def has_permission(self, request, view) -> bool:
        return scope_allows(request, view)
