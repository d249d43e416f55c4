from functools import wraps

from django.core.exceptions import PermissionDenied

from .auth import is_partner_account
from .roles import user_has_role


def role_required(*roles: str):
    """Page guard: anonymous users are sent to log in by the middleware; wrong role or a partner account → 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            # A partner account never gets a page, whatever role the page names: it works through API keys only.
            if is_partner_account(request.user) or not user_has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = roles
        return wrapper

    return decorator
