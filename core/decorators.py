from functools import wraps

from django.core.exceptions import PermissionDenied

from .roles import user_has_role


def role_required(*roles: str):
    """Page guard: anonymous users are sent to log in by the middleware; wrong role → 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not user_has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = roles
        return wrapper

    return decorator
