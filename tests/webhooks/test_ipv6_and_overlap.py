"""Issue 13 §9: IPv6 addresses that carry a private IPv4 are refused (as literals and when a host name
resolves to them); a rotated secret keeps signing beside the new one for the overlap."""
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tickets.services import ticket_transition
from webhooks import services
from webhooks.choices import WebhookEvent
from webhooks.models import WebhookDelivery
from webhooks.rules import signature
from webhooks.transport import http_post
from webhooks.validators import address_is_public, validate_webhook_url

from .conftest import endpoint_for, partner_ticket

EMBEDDING_PRIVATE = [
    "64:ff9b::7f00:1",          # NAT64 → 127.0.0.1
    "64:ff9b::a00:1",           # NAT64 → 10.0.0.1
    "64:ff9b::c0a8:101",        # NAT64 → 192.168.1.1
    "64:ff9b::a9fe:a9fe",       # NAT64 → 169.254.169.254 (cloud metadata)
    "64:ff9b:1::808:808",       # local-use NAT64: never public
    "2002:7f00:1::1",           # 6to4 → 127.0.0.1
    "2002:a9fe:a9fe::1",        # 6to4 → 169.254.169.254
    "2002:ac10:1::1",           # 6to4 → 172.16.0.1
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    "2001:0:a00:1::f5ff:fffe",  # Teredo, server 10.0.0.1
    "::ffff:127.0.0.1", "::ffff:a9fe:a9fe", "::127.0.0.1", "::a00:1",
]
PUBLIC = ["64:ff9b::808:808", "2606:4700:4700::1111", "8.8.8.8", "::ffff:8.8.8.8"]


@pytest.fixture(autouse=True)
def _production_networks(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = False


@pytest.mark.parametrize("address", EMBEDDING_PRIVATE)
def test_ipv6_literals_embedding_a_private_ipv4_are_refused(address):
    assert not address_is_public(address)
    with pytest.raises(ValidationError) as refused:
        validate_webhook_url(f"https://[{address}]/hooks")
    assert refused.value.code == "private"


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_still_pass(address):
    assert address_is_public(address)
    host = f"[{address}]" if ":" in address else address
    validate_webhook_url(f"https://{host}/hooks")


@pytest.mark.parametrize("address", ["64:ff9b::a9fe:a9fe", "2002:7f00:1::1"])
def test_a_host_name_resolving_to_such_an_address_is_not_called(address):
    infos = [(10, 1, 6, "", (address, 443, 0, 0))]
    with mock.patch("webhooks.transport.socket.getaddrinfo", return_value=infos), \
            mock.patch("webhooks.transport.socket.create_connection") as connect:
        result = http_post("https://hooks.example.com/x", b"{}", {}, timeout=1, allow_private=False)
    assert not result.ok and result.error.startswith("blocked")
    connect.assert_not_called()


# --- secret rotation overlap --------------------------------------------------------------------------

@pytest.fixture
def allow_loopback(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = True  # the test receiver listens on 127.0.0.1


def signatures_of(request) -> list[str]:
    return request.headers["X-ServiceDesk-Signature"].split(",")


def _failing_delivery(partner, manager, receiver, attempts: int):
    receiver.script = [500] * attempts
    endpoint = endpoint_for(partner, receiver.url, events=[WebhookEvent.TICKET_STATUS_CHANGED])
    ticket_transition(ticket=partner_ticket(partner), action="preprocess", actor=manager)
    return endpoint, WebhookDelivery.objects.get()


def test_during_the_overlap_both_secrets_sign_and_either_verifies(allow_loopback, partner_a, manager, receiver):
    endpoint, delivery = _failing_delivery(partner_a, manager, receiver, attempts=1)
    old = endpoint.secret
    now = timezone.now()
    services.webhook_endpoint_rotate_secret(endpoint=endpoint, now=now)
    services.webhook_delivery_attempt(delivery_id=delivery.pk, now=now + timedelta(seconds=1))
    [request] = receiver.requests
    ts = int(request.headers["X-ServiceDesk-Timestamp"])
    assert signatures_of(request) == [signature(endpoint.secret, ts, request.body), signature(old, ts, request.body)]


def test_after_the_overlap_only_the_new_secret_signs(allow_loopback, settings, partner_a, manager, receiver):
    settings.WEBHOOKS_SECRET_OVERLAP_HOURS = 2
    endpoint, delivery = _failing_delivery(partner_a, manager, receiver, attempts=0)
    now = timezone.now()
    services.webhook_endpoint_rotate_secret(endpoint=endpoint, now=now)
    endpoint.refresh_from_db()
    assert endpoint.previous_secret_expires_at == now + timedelta(hours=2)
    services.webhook_delivery_attempt(delivery_id=delivery.pk, now=now + timedelta(hours=2, seconds=1))
    [request] = receiver.requests
    ts = int(request.headers["X-ServiceDesk-Timestamp"])
    assert signatures_of(request) == [signature(endpoint.secret, ts, request.body)]


def test_the_overlap_defaults_to_24_hours_and_zero_turns_it_off(settings, partner_a):
    endpoint = endpoint_for(partner_a, "https://hooks.example.com/a")
    now = timezone.now()
    services.webhook_endpoint_rotate_secret(endpoint=endpoint, now=now)
    assert endpoint.previous_secret_expires_at == now + timedelta(hours=24)
    assert len(endpoint.signing_secrets(now + timedelta(hours=23))) == 2
    assert endpoint.signing_secrets(now + timedelta(hours=24)) == [endpoint.secret]
    settings.WEBHOOKS_SECRET_OVERLAP_HOURS = 0
    services.webhook_endpoint_rotate_secret(endpoint=endpoint, now=now)
    assert endpoint.signing_secrets(now) == [endpoint.secret]


def test_rotating_twice_keeps_only_the_last_two_secrets(partner_a):
    endpoint = endpoint_for(partner_a, "https://hooks.example.com/a")
    first = endpoint.secret
    now = timezone.now()
    services.webhook_endpoint_rotate_secret(endpoint=endpoint, now=now)
    second = endpoint.secret
    services.webhook_endpoint_rotate_secret(endpoint=endpoint, now=now + timedelta(minutes=1))
    assert endpoint.signing_secrets(now + timedelta(minutes=2)) == [endpoint.secret, second]
    assert first not in endpoint.signing_secrets(now + timedelta(minutes=2))


def test_the_readme_receiver_accepts_a_delivery_signed_with_both(allow_loopback, partner_a, manager, receiver):
    """The receiver of webhooks/README.md, holding only the old secret (or only the new one), accepts."""
    from .test_readme_example import README
    import re

    [code] = [b for b in re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
              if "def signature_is_valid" in b]
    namespace: dict = {}
    exec(compile(code, str(README), "exec"), namespace)  # noqa: S102 — our own README
    endpoint, delivery = _failing_delivery(partner_a, manager, receiver, attempts=0)
    old = endpoint.secret
    services.webhook_endpoint_rotate_secret(endpoint=endpoint)
    services.webhook_delivery_attempt(delivery_id=delivery.pk)
    [request] = receiver.requests
    valid = namespace["signature_is_valid"]
    assert valid(old, request.headers, request.body) and valid(endpoint.secret, request.headers, request.body)
    assert not valid("whsec_someone_else", request.headers, request.body)
