"""Issue 12 part 3: with Redis (cache and broker) unreachable, no endpoint answers 5xx and no committed
change loses its follow-up; when Redis is back, the sweeps send what was left, each thing once.

Transactional: requests really commit, so their after-commit knocks really meet the dead broker."""
import json

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from callbacks.models import Callback
from core import ratelimit
from dashboard.choices import ExportState
from dashboard.models import ExportJob
from dashboard.tasks import export_jobs_requeue_task
from partners.services import api_key_create
from progress.models import CompletionNotice
from progress.sms import MemorySmsBackend
from progress.tasks import completion_notices_requeue_task
from tests.callbacks.conftest import intake, walk  # noqa: F401  (fixture)
from tests.conftest import make_user
from tests.factories import intake_payload
from tests.partners.conftest import make_partner
from tickets.choices import Status
from tickets.models import Customer, Ticket

from .outage import redis_down, tasks_run_inline

pytestmark = pytest.mark.django_db(transaction=True)
LATER = timezone.timedelta(minutes=10)  # past every sweep's grace period


@pytest.fixture
def reception(transactional_db):
    return make_user("reception", "reception")


@pytest.fixture
def engineer(transactional_db):
    return make_user("engineer", "engineer")


@pytest.fixture
def manager(transactional_db):
    return make_user("manager", "manager")


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.SMS_BACKEND = "progress.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    return MemorySmsBackend.outbox


def _client() -> Client:
    return Client(raise_request_exception=False)  # a bug is answered 500, as a user would see it


def _logged_in(user) -> Client:
    client = _client()
    client.force_login(user)  # the session lives in the database, not in Redis
    return client


def test_redis_down_no_5xx_and_everything_catches_up_once(walk, reception, manager, sms_outbox):  # noqa: F811
    partner = make_partner("courier-down")
    _key, raw = api_key_create(partner=partner, name="k", scopes=None,
                               rate_limit_per_minute=2)
    ticket = walk()  # solved, its callback due
    Customer.objects.filter(pk=ticket.customer_id).update(email="zhang@example.com")
    callback = Callback.objects.get(ticket=ticket)
    desk, boss, api = _logged_in(reception), _logged_in(manager), _client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    answers: dict[str, int] = {}

    with redis_down():
        # Partner API: reads and a create, more often than the key's limit of 2 a minute (fails open).
        for n in range(3):
            answers[f"GET /api/v1/tickets/ #{n}"] = api.get("/api/v1/tickets/", **auth).status_code
        created = api.post("/api/v1/tickets/", json.dumps(intake_payload(kind="logistics_lost_damaged")),
                           content_type="application/json", HTTP_IDEMPOTENCY_KEY="down-1", **auth)
        answers["POST /api/v1/tickets/"] = created.status_code
        # The customer's progress page, past its limit too.
        answers["GET /progress/"] = _client().get(reverse("progress:lookup")).status_code
        for n in range(3):
            answers[f"POST /progress/ #{n}"] = _client().post(
                reverse("progress:lookup"), {"number": ticket.number, "phone": "+8613800138000"},
                REMOTE_ADDR="198.51.100.200").status_code
        # A callback recorded as fixed: the ticket closes, its completion notices are due.
        answers["POST callback fixed"] = desk.post(
            reverse("callbacks:record", args=[callback.pk]),
            {f"cb{callback.pk}-reached": "yes", f"cb{callback.pk}-outcome": "fixed",
             f"cb{callback.pk}-score_attitude": "5", f"cb{callback.pk}-score_quality": "5",
             f"cb{callback.pk}-score_price": "5"}, HTTP_HX_REQUEST="true").status_code
        # An export started.
        answers["POST /dashboard/exports/"] = boss.post(
            reverse("dashboard:export-start"), {"kind": "tickets", "format": "csv"}).status_code
        answers["GET /dashboard/"] = boss.get(reverse("dashboard:page")).status_code
        assert ratelimit.degraded() is not None  # what a health check reads

    assert answers == {
        **{f"GET /api/v1/tickets/ #{n}": 200 for n in range(3)}, "POST /api/v1/tickets/": 201,
        "GET /progress/": 200, **{f"POST /progress/ #{n}": 200 for n in range(3)},
        "POST callback fixed": 200, "POST /dashboard/exports/": 200, "GET /dashboard/": 200,
    }
    assert Ticket.objects.get(number=created.json()["number"]).partner == partner
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    notices = CompletionNotice.objects.filter(ticket=ticket)
    assert notices.count() == 2 and not notices.filter(sent_at__isnull=False).exists()  # committed, not sent
    job = ExportJob.objects.get()
    assert job.state == ExportState.QUEUED
    assert sms_outbox == [] and mail.outbox == []

    # Redis is back. The sweeps run (twice: beat ticks again before anyone looks); nothing is doubled.
    import time_machine

    with time_machine.travel(timezone.now() + LATER, tick=False), tasks_run_inline():
        for _ in range(2):
            completion_notices_requeue_task.apply()
            export_jobs_requeue_task.apply()
    assert [(phone, ticket.number in text) for phone, text in sms_outbox] == [("+8613800138000", True)]
    assert [m.to for m in mail.outbox] == [["zhang@example.com"]]
    assert not CompletionNotice.objects.filter(ticket=ticket, sent_at__isnull=True).exists()
    job.refresh_from_db()
    assert (job.state, job.progress) == (ExportState.DONE, 100) and job.file
    ratelimit.hit("resilience:back", 100, 60)
    assert ratelimit.degraded() is None
