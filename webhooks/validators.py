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


# IPv6 ranges that carry an IPv4 address inside: a gateway or relay forwards to that IPv4 host, so the
# embedded address is the one that must be public. 64:ff9b::/96 is NAT64's well-known prefix (RFC 6052:
# the IPv4 in the last 32 bits); 64:ff9b:1::/48 is for local NAT64 use only (RFC 8215) and never public.
NAT64 = ipaddress.ip_network("64:ff9b::/96")
NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated ::a.b.c.d; Python calls ::127.0.0.1 global


def _ipv4_public(ip: ipaddress.IPv4Address) -> bool:
    return ip.is_global and not ip.is_multicast


def address_is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv4Address):
        return _ipv4_public(ip)
    if ip in NAT64_LOCAL:
        return False
    if ip.ipv4_mapped:  # ::ffff:a.b.c.d is a.b.c.d itself
        return _ipv4_public(ip.ipv4_mapped)
    if (ip in NAT64 or ip in IPV4_COMPATIBLE) and int(ip) & 0xFFFFFFFF > 1:  # not :: or ::1
        return _ipv4_public(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    # 6to4 (2002::/16: 2002:AABB:CCDD:: relays to AA.BB.CC.DD) and Teredo (2001::/32: server and client):
    # the IPv6 address itself must be public too (Python deems Teredo, and 6to4 from 3.12 on, not global).
    embedded = [ip.sixtofour] if ip.sixtofour else list(ip.teredo or ())
    if not all(_ipv4_public(v4) for v4 in embedded):
        return False
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
