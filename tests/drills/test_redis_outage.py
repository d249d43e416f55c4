"""Drill: Redis (broker and cache) stops for a while during intake and sweeping, then comes back empty.

The drill's own redis-server runs without persistence, so its stop loses every queued and unacked
message: whatever the worker and beat were about to do must be found again in the database."""
import time
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from core.roles import Role
from sla.models import EmailDelivery, Notification, SlaClock, SlaEvent, SlaPolicy, SlaTarget, WorkingCalendar
from tests.conftest import make_user
from tests.sla.conftest import intake
from tests.sla.workers import mails_written, wait_for
from tickets import services
from tickets.models import Ticket

from .conftest import needs_real_services, wait_until_sweeping

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), needs_real_services]

BATCH = 10
OUTAGE_SECONDS = 8


def _register(desk, n: int, *, seconds_ago: int) -> list[int]:
    """`n` tickets registered `seconds_ago` on the 1-minute target (warning at 48 s, breach at 60 s)."""
    with time_machine.travel(timezone.now() - timedelta(seconds=seconds_ago), tick=True):
        return [services.ticket_create(created_by=desk, **intake(channel="web")).pk for _ in range(n)]


def test_redis_stopped_during_intake_and_sweeping_loses_and_doubles_nothing(processes, redis_server, settings,
                                                                            tmp_path):
    # This process's cache is the drill's Redis too: intake meets the outage as the web tier would.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": redis_server.url(0)}}
    desk = make_user(Role.RECEPTION, "desk")
    desk.email = "desk@example.com"
    desk.save()
    policy = SlaPolicy.objects.create(code="drill", name="drill", channel="web", rank=1,
                                      effective_from=timezone.now() - timedelta(days=1))
    SlaTarget.objects.create(policy=policy, step="preprocess", minutes=1, start_event="registered",
                             stop_event="preprocessed", calendar=WorkingCalendar.objects.get(always_open=True),
                             escalate_after_minutes=None, warning_to=["creator"], breach_to=["creator"])
    processes.worker("worker")
    processes.beat()
    wait_until_sweeping(processes)
    # Before the outage: registered 50 s ago, so warned by the next sweep; the breach comes due at 60 s,
    # while Redis is down.
    before = _register(desk, BATCH, seconds_ago=50)
    wait_for(lambda: SlaEvent.objects.filter(clock__ticket_id__in=before, kind="warning").count() == BATCH,
             timeout=15, what="the warnings before the outage", processes=processes)

    redis_server.stop()
    # Intake goes on while Redis is down: registering must not depend on it.
    during = _register(desk, BATCH, seconds_ago=58)
    with pytest.raises(Exception):  # noqa: B017 — the outage is real: the cache really is unreachable
        cache.get("anything")
    time.sleep(OUTAGE_SECONDS)  # the "before" breaches come due while nobody can be told to sweep
    redis_server.start()  # empty: every message queued or in flight before the stop is gone

    tickets = before + during
    # "before": warned, then breached; "during": both came due in the outage, and a sweep that was kept
    # away records the breach alone (sla.lifecycle.sweep_events). One e-mail per event.
    expected = 2 * len(before) + len(during)
    wait_for(lambda: EmailDelivery.objects.filter(sent_at__isnull=False).count() >= expected, timeout=60,
             what=f"{expected} e-mails after Redis came back", processes=processes)
    time.sleep(3)  # three more sweeps and a requeue pass: nothing may be recorded or sent twice
    processes.stop_all()

    assert Ticket.objects.filter(pk__in=tickets).count() == Ticket.objects.count() == 2 * BATCH
    clocks = SlaClock.objects.filter(ticket_id__in=tickets, step="preprocess")
    assert clocks.count() == 2 * BATCH
    assert all(c.breached_at == c.due_at for c in clocks)
    kinds = sorted(SlaEvent.objects.values_list("clock__ticket_id", "kind"))
    assert kinds == sorted([(t, "breach") for t in tickets] + [(t, "warning") for t in before])
    assert not SlaEvent.objects.filter(notified_at=None).exists()
    # One notice per ticket, step and person (issue 14): the breach updated the warning's notice; one e-mail each.
    assert Notification.objects.filter(user=desk).count() == Notification.objects.count() == len(tickets)
    assert set(Notification.objects.values_list("kind", flat=True)) == {"breach"}
    assert EmailDelivery.objects.count() == EmailDelivery.objects.filter(sent_at__isnull=False).count() == expected
    assert len(mails_written(tmp_path / "mail")) == expected
