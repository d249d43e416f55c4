"""How a partner system signs in to the API: an API key, checked against the database, then remembered.

Checking a key costs two queries (the key with its partner and account, the account's roles) and ~4,000
Python calls, on every request of a partner system that sends many (issue 16). So each process remembers a
key it verified, by the key's hash, for at most KEY_CACHE_SECONDS, together with a generation token from the
shared cache (core/cache.py: read once per request, with the other configuration tokens). Every write that can
shut a key out — a key revoked or edited, a partner deactivated, its account deactivated, made staff or given
a role — replaces the token (partners/apps.py connects the signals; api_key_revoke, a QuerySet.update, does it
itself), so every process checks the database again on its next request: revoking still refuses the very next
request (401). Only a verified key is remembered, never a refusal; when the shared cache is unreachable no key
is remembered (each request reads the database, as before). A write that bypasses the signals (a QuerySet
.update() or raw SQL behind the admin's back) is seen within KEY_CACHE_SECONDS."""
import copy
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import (
    BaseAuthentication,
    TokenAuthentication,
    get_authorization_header,
)

from core.cache import generation_publish, generation_read
from core.roles import Role, user_roles

from .accounts import is_dedicated_partner_account
from .keys import key_hash, key_matches, key_prefix

API_KEY_HEADER = "HTTP_X_API_KEY"
LAST_USED_PRECISION = timedelta(minutes=1)  # at most one write per key and minute
# Set on the Django request once the key is checked, so a second look within one request is free.
REQUEST_CACHE_ATTR = "_partner_api_key_auth"
KEY_CACHE_SECONDS = 30.0
KEY_CACHE_MAX = 1000  # keys remembered per process; past it the memory starts afresh
GENERATION_KEY = "partners:api-keys:generation"


def raw_key_from_request(request) -> str | None:
    """The key from `Authorization: Bearer sd_…` or `X-Api-Key: sd_…`; None if neither is ours."""
    header = get_authorization_header(request).split()
    if len(header) == 2 and header[0].lower() == b"bearer" and header[1].startswith(b"sd_"):
        return header[1].decode("latin-1")
    raw = request.META.get(API_KEY_HEADER, "").strip()
    return raw or None


@dataclass(frozen=True)
class _Verified:
    generation: str
    expires: float  # time.monotonic()
    account: object
    key: object


_verified: dict[str, _Verified] = {}
_lock = threading.Lock()


def _generation() -> str | None:
    return generation_read(GENERATION_KEY, "partner API keys")


def api_key_cache_invalidate(**_kwargs) -> None:
    """Forget every remembered key here and make every other process check its keys again."""
    with _lock:
        _verified.clear()
    generation_publish(GENERATION_KEY, "partner API keys")


def api_key_cache_invalidate_on_commit(**_kwargs) -> None:
    """Now, and again once the writer's transaction commits: a process that read the old rows between the
    two (the write not yet visible to it) must not keep them under the new token."""
    api_key_cache_invalidate()
    transaction.on_commit(api_key_cache_invalidate)


def _detached(account, key):
    """Copies for one request: a view may set attributes on request.user; the remembered objects stay clean."""
    account = copy.copy(account)
    partner = copy.copy(key.partner)
    partner.account = account
    key = copy.copy(key)
    key.partner = partner
    return account, key


def api_key_authenticate(raw_key: str) -> tuple[object, "PartnerApiKey"]:  # noqa: F821
    """(the partner's service account, the key) or AuthenticationFailed."""
    if key_prefix(raw_key) is None:
        return _api_key_check(raw_key)  # refused without a query
    digest, generation = key_hash(raw_key), _generation()
    known = _verified.get(digest) if generation is not None else None
    if known is not None and known.generation == generation and time.monotonic() < known.expires:
        account, key = _detached(known.account, known.key)
    else:
        account, key = _api_key_check(raw_key)
        if generation is not None:
            with _lock:
                if len(_verified) >= KEY_CACHE_MAX:
                    _verified.clear()
                _verified[digest] = _Verified(generation, time.monotonic() + KEY_CACHE_SECONDS,
                                              *_detached(account, key))
    now = timezone.now()
    if key.last_used_at is None or key.last_used_at < now - LAST_USED_PRECISION:
        PartnerApiKey = type(key)
        PartnerApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
        if (remembered := _verified.get(digest)) is not None:
            remembered.key.last_used_at = now  # at most one write per key and minute, remembered or not
    return account, key


def _api_key_check(raw_key: str) -> tuple[object, "PartnerApiKey"]:  # noqa: F821
    """The database's answer: (account, key) or AuthenticationFailed."""
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
