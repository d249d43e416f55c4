"""Partners with their service accounts, a real HTTP receiver on 127.0.0.1, and tickets of each partner."""
import threading
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rest_framework.test import APIClient

from core.roles import Role
from partners.models import Partner, PartnerKind
from tests.conftest import make_user
from tests.factories import TicketFactory
from webhooks import services
from webhooks.choices import WebhookEvent

ALL_EVENTS = list(WebhookEvent.values)


def make_partner(code: str) -> Partner:
    return Partner.objects.create(code=code, name=code.upper(), kind=PartnerKind.STORE,
                                  account=make_user(Role.PARTNER, f"{code}-svc"))


def api_for(partner: Partner) -> APIClient:
    client = APIClient()
    client.force_authenticate(partner.account)
    return client


@pytest.fixture
def partner_a(db):
    return make_partner("shop-a")


@pytest.fixture
def partner_b(db):
    return make_partner("shop-b")


@pytest.fixture
def api_a(partner_a):
    return api_for(partner_a)


@pytest.fixture
def api_b(partner_b):
    return api_for(partner_b)


@pytest.fixture(autouse=True)
def _loopback_allowed(settings):
    # The test receiver listens on 127.0.0.1, which production refuses by default.
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = True


@dataclass
class Received:
    path: str
    headers: Message
    body: bytes


@dataclass
class Receiver:
    url: str = ""
    requests: list[Received] = field(default_factory=list)
    # Status codes to answer, in order; 200 once they run out.
    script: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def receiver():
    rec = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 — http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with rec.lock:
                rec.requests.append(Received(self.path, self.headers, body))
                status = rec.script.pop(0) if rec.script else 200
            payload = b"ok" if status < 400 else b"receiver says no"
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", rec.url + "elsewhere")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    rec.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield rec
    server.shutdown()
    server.server_close()


def endpoint_for(partner: Partner, url: str, events=None):
    return services.webhook_endpoint_create(partner=partner, url=url, events=events or ALL_EVENTS)


def partner_ticket(partner: Partner, **kwargs):
    return TicketFactory(partner=partner, **kwargs)


def take_knocks(settings, delivery_ids) -> int:
    """Remove our send-task messages from the Redis broker (tests that really commit put them there);
    returns how many were found. Without Redis (the local SQLAlchemy transport) there is nothing to check."""
    if not settings.REDIS_URL:
        return 0
    import json

    import redis

    queue, found = redis.Redis.from_url(settings.REDIS_URL), 0
    wanted = {f"({pk},)" for pk in delivery_ids}
    for raw in queue.lrange("celery", 0, -1):
        headers = json.loads(raw)["headers"]
        if headers["task"] == "webhooks.tasks.webhook_delivery_send_task" and headers["argsrepr"] in wanted:
            found += queue.lrem("celery", 1, raw)
    return found
