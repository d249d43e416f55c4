"""How a partner system signs in to the API: an API key, checked against the database on every request.

No caching: revoking a key in the admin refuses the very next request (401)."""
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, TokenAuthentication, get_authorization_header

from core.roles import Role, user_roles

from .accounts import is_dedicated_partner_account
from .keys import key_matches, key_prefix

API_KEY_HEADER = "HTTP_X_API_KEY"
LAST_USED_PRECISION = timedelta(minutes=1)  # at most one write per key and minute
# Set on the Django request once the key is checked, so a second look within one request is free.
REQUEST_CACHE_ATTR = "_partner_api_key_auth"


def raw_key_from_request(request) -> str | None:
    """The key from `Authorization: Bearer sd_…` or `X-Api-Key: sd_…`; None if neither is ours."""
    header = get_authorization_header(request).split()
    if len(header) == 2 and header[0].lower() == b"bearer" and header[1].startswith(b"sd_"):
        return header[1].decode("latin-1")
    raw = request.META.get(API_KEY_HEADER, "").strip()
    return raw or None


def api_key_authenticate(raw_key: str) -> tuple[object, "PartnerApiKey"]:  # noqa: F821
    """(the partner's service account, the key) or AuthenticationFailed."""
    # Imported here: DRF loads this class while rest_framework.views is imported, maybe before the app registry.
    from .models import PartnerApiKey

    failed = exceptions.AuthenticationFailed(_("Invalid or revoked API key."))
    prefix = key_prefix(raw_key)
    if prefix is None:
        raise failed
    key = (
        PartnerApiKey.objects.select_related("partner__account")
        .filter(prefix=prefix, revoked_at=None, partner__is_active=True)
        .first()
    )
    if key is None or not key_matches(raw_key, key.secret_hash):
        raise failed
    account = key.partner.account
    if account is None or not account.is_active:
        raise exceptions.AuthenticationFailed(_("The partner's service account is disabled."))
    if not is_dedicated_partner_account(account):
        # Checked on every request, not only when the key was issued: an account made staff or given
        # another role later must not lend its new rights to the key.
        raise exceptions.AuthenticationFailed(_("The partner's service account is not a dedicated partner account."))
    now = timezone.now()
    if key.last_used_at is None or key.last_used_at < now - LAST_USED_PRECISION:
        PartnerApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return account, key


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Bearer sd_<prefix>_<secret>` or `X-Api-Key: sd_<prefix>_<secret>`."""

    def authenticate(self, request):
        django_request = getattr(request, "_request", request)
        cached = getattr(django_request, REQUEST_CACHE_ATTR, None)
        if cached is not None:
            return cached
        raw = raw_key_from_request(django_request)
        if raw is None:
            return None
        result = api_key_authenticate(raw)
        setattr(django_request, REQUEST_CACHE_ATTR, result)
        return result

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (not 403) to a missing or bad credential.
        return 'Bearer realm="api"'


class DeskTokenAuthentication(TokenAuthentication):
    """DRF's `Authorization: Token …`, for the desk's own scripts. A partner account is refused even if
    someone made it a token: it would bypass its API key's scopes, rate limit and revocation."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if Role.PARTNER in user_roles(user):
            raise exceptions.AuthenticationFailed(_("A partner system signs in with its API key, not with a token."))
        return user, token
