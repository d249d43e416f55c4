"""The receiver example in webhooks/README.md is the code we test: extracted from the README and run
against real deliveries caught by the test receiver."""
import json
import re
from pathlib import Path

import pytest

from tickets.services import ticket_transition
from webhooks import services
from webhooks.models import WebhookDelivery

from .conftest import endpoint_for, partner_ticket

README = Path(__file__).resolve().parents[2] / "webhooks" / "README.md"


@pytest.fixture(scope="module")
def example():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    [code] = [block for block in blocks if "def signature_is_valid" in block]
    namespace: dict = {}
    exec(compile(code, str(README), "exec"), namespace)  # noqa: S102 — our own README
    return namespace


@pytest.fixture
def caught(partner_a, manager, receiver):
    endpoint = endpoint_for(partner_a, receiver.url, events=["ticket.status_changed"])
    ticket_transition(ticket=partner_ticket(partner_a), action="preprocess", actor=manager)
    services.webhook_delivery_attempt(delivery_id=WebhookDelivery.objects.get().pk)
    [request] = receiver.requests
    return endpoint.secret, request


def test_readme_example_accepts_a_real_delivery_once(example, caught):
    secret, request = caught
    seen: set = set()
    assert example["handle_webhook"](secret, request.headers, request.body, seen) == 200
    assert seen == {request.headers["X-ServiceDesk-Delivery"]}
    assert example["handle_webhook"](secret, request.headers, request.body, seen) == 200  # acknowledged …
    assert len(seen) == 1  # … but not processed twice
    assert json.loads(request.body)["type"] == "ticket.status_changed"


def test_readme_example_rejects_tampering_wrong_secret_and_missing_headers(example, caught):
    secret, request = caught
    valid = example["signature_is_valid"]
    assert valid(secret, request.headers, request.body)
    assert not valid(secret, request.headers, request.body.replace(b"preprocessed", b"closed"))
    assert not valid("whsec_someone_else", request.headers, request.body)
    assert not valid(secret, {"X-ServiceDesk-Timestamp": request.headers["X-ServiceDesk-Timestamp"]}, request.body)
    assert example["handle_webhook"](secret, request.headers, request.body + b" ", set()) == 400


def test_readme_example_rejects_replays_outside_five_minutes(example, caught):
    secret, request = caught
    valid = example["signature_is_valid"]
    sent = int(request.headers["X-ServiceDesk-Timestamp"])
    assert valid(secret, request.headers, request.body, now=sent + 300)
    assert not valid(secret, request.headers, request.body, now=sent + 301)
    assert not valid(secret, request.headers, request.body, now=sent - 301)
