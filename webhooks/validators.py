"""Which URLs a partner may register. http/https only, no credentials in the URL, and — unless the
deployment allows it (WEBHOOKS_ALLOW_PRIVATE_NETWORKS) — no loopback or private addresses, so a
partner cannot make our worker call into our own network."""
import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

_url_syntax = URLValidator(schemes=["http", "https"], message=_("Enter a valid http:// or https:// URL."))
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


def private_networks_allowed() -> bool:
    return bool(getattr(settings, "WEBHOOKS_ALLOW_PRIVATE_NETWORKS", False))


def address_is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def validate_webhook_url(value: str) -> None:
    _url_syntax(value)
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https"):
        raise ValidationError(_("Enter a valid http:// or https:// URL."), code="scheme")
    if parts.username or parts.password:
        raise ValidationError(_("Do not put a user name or password in the URL."), code="credentials")
    if parts.fragment:
        raise ValidationError(_("Remove the #fragment from the URL."), code="fragment")
    try:
        parts.port  # noqa: B018 — raises ValueError on a port out of range
    except ValueError:
        raise ValidationError(_("Enter a valid port number."), code="port") from None
    host = (parts.hostname or "").lower().rstrip(".")
    if private_networks_allowed():
        return
    if host in LOCAL_NAMES or host.endswith(".localhost") or host.endswith(".local"):
        raise ValidationError(_("Use a public address, not a local one."), code="private")
    try:
        is_public = address_is_public(host)
    except ValueError:
        return  # a host name: resolved and checked again at every send (DNS may change)
    if not is_public:
        raise ValidationError(_("Use a public address, not a local one."), code="private")
