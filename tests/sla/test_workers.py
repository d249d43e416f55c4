"""Real Redis, real Celery worker and beat processes, the test database: a short target warned,
breached and escalated exactly once; a worker killed with SIGKILL in the middle of a sweep loses
nothing and doubles nothing once it is back."""
import signal
import time
from datetime import timedelta

import pytest
import time_machine
from celery import Celery
from django.db import connection
from django.utils import timezone

from core.roles import Role
from sla.models import EmailDelivery, Notification, SlaClock, SlaEvent, SlaPolicy, SlaTarget, WorkingCalendar
from tests.conftest import make_user
from tests.factories import UserFactory
from tickets import services

from .conftest import bulk_due_clocks, intake
from .workers import Processes, mails_written, sla_test_broker_url, wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql" or not sla_test_broker_url(),
                       reason="needs PostgreSQL and Redis (REDIS_URL or SLA_TEST_REDIS_URL)"),
]


@pytest.fixture
def processes(tmp_path):
    # One e-mail per notice (SLA_EMAIL_DIGEST=0, not the default digest), so each notice's e-mail can be counted
    # through the crash; the digest's exactly-once is tests/sla/test_race.py's.
    running = Processes(tmp_path, SLA_SWEEP_SECONDS="1", SLA_RENOTIFY_AFTER_SECONDS="3", SLA_EMAIL_DIGEST="0")
    yield running
    running.stop_all()


def test_a_short_target_is_warned_breached_and_escalated_exactly_once(processes, tmp_path):
    desk = make_user(Role.RECEPTION, "desk")
    boss = make_user(Role.MANAGER, "boss")
    for user, address in ((desk, "desk@example.com"), (boss, "boss@example.com")):
        user.email = address
        user.save()
    policy = SlaPolicy.objects.create(code="hotline", name="hotline", channel="web", rank=1,
                                      effective_from=timezone.now() - timedelta(days=1))
    SlaTarget.objects.create(policy=policy, step="preprocess", minutes=1, start_event="registered",
                             stop_event="preprocessed", calendar=WorkingCalendar.objects.get(always_open=True),
                             escalate_after_minutes=1, warning_to=["creator"], breach_to=["creator"],
                             escalation_to=["manager"])
    # Start worker and beat first and wait until they sweep (a canary clock, already due, is breached):
    # on a loaded machine starting them takes anything from 3 to 30 s.
    canary = bulk_due_clocks(1, due=timezone.now() - timedelta(minutes=1), recipient=UserFactory(username="nobody"),
                             creator=desk)
    processes.worker("worker")
    processes.beat()
    wait_for(lambda: SlaEvent.objects.filter(clock_id__in=canary).exists(), timeout=60,
             what="worker and beat to sweep", processes=processes)
    # Registered 53 s ago on a 1-minute target: the warning (48 s) is due (seen by the next sweep), the
    # breach in 7 s.
    with time_machine.travel(timezone.now() - timedelta(seconds=53), tick=True):
        ticket = services.ticket_create(created_by=desk, **intake(channel="web"))
    clock = SlaClock.objects.get(ticket=ticket, step="preprocess")
    # The policy's smallest escalation step is a minute; the test brings it to 3 s after the breach.
    SlaClock.objects.filter(pk=clock.pk).update(escalate_at=clock.due_at + timedelta(seconds=3))
    wait_for(lambda: EmailDelivery.objects.filter(sent_at__isnull=False,
                                                 notification__event__kind="escalation").exists(),
             timeout=120, what="the escalation e-mail", processes=processes)
    time.sleep(3)  # three more sweeps: nothing may be recorded or sent twice
    processes.stop_all()

    events = {e.kind: e for e in SlaEvent.objects.filter(clock=clock)}
    assert sorted(events) == ["breach", "escalation", "warning"]
    assert SlaEvent.objects.exclude(clock_id__in=canary).count() == 3
    clock.refresh_from_db()
    assert events["breach"].at == clock.due_at == clock.breached_at
    assert events["warning"].at == clock.warn_at < events["breach"].at < events["escalation"].at
    for event in events.values():
        assert timedelta(0) <= event.detected_at - event.at < timedelta(seconds=30)  # the SLA: seen within 30 s
        assert event.notified_at is not None
    # One notice per ticket, step and person (issue 14): the breach updated the desk's warning notice.
    assert sorted(Notification.objects.filter(ticket=ticket).values_list("event__kind", "user__username")) == [
        ("breach", "desk"), ("escalation", "boss")]
    assert sorted(EmailDelivery.objects.filter(notification__ticket=ticket).values_list(
        "notification__user__username", flat=True)) == ["boss", "desk", "desk"]  # warned, then told of the breach
    assert EmailDelivery.objects.filter(sent_at__isnull=False).count() == 3  # the canary's reader has no e-mail
    assert len(mails_written(tmp_path / "mail")) == 3


def test_a_worker_killed_mid_sweep_loses_nothing_and_doubles_nothing(processes, tmp_path):
    supervisor = UserFactory(username="supervisor", email="supervisor@example.com")
    total = 200
    bulk_due_clocks(total, due=timezone.now() - timedelta(minutes=1), recipient=supervisor,
                    creator=UserFactory(username="desk"))
    # One slow worker (10 clocks a transaction, 0.3 s inside each): a sweep takes ~6 s.
    processes.worker("doomed", concurrency=1, SLA_SWEEP_BATCH="10", SLA_SWEEP_TEST_PAUSE_SECONDS="0.3")
    knock = Celery(broker=processes.env["REDIS_URL"], set_as_current=False)
    knock.send_task("sla.tasks.sla_sweep_task")
    wait_for(lambda: SlaEvent.objects.count() >= 50, timeout=30, what="the sweep to be under way",
             processes=processes)
    processes.stop("doomed", signal.SIGKILL)  # parent and pool child, in the middle of a batch
    knock.close()

    recorded = SlaEvent.objects.count()
    assert 50 <= recorded < total
    # Committed batches are whole; the batch in flight left no trace (its transaction died with it).
    assert SlaClock.objects.filter(breached_at__isnull=False).count() == recorded
    assert SlaClock.objects.filter(next_check_at__isnull=False).count() == total - recorded

    processes.worker("revived")
    processes.beat()
    wait_for(lambda: EmailDelivery.objects.filter(sent_at__isnull=False).count() == total, timeout=45,
             what="every breach e-mailed", processes=processes)
    time.sleep(3)
    processes.stop_all()

    assert SlaEvent.objects.filter(kind="breach").count() == total
    assert not SlaEvent.objects.filter(notified_at=None).exists()
    assert Notification.objects.count() == Notification.objects.values("event").distinct().count() == total
    assert EmailDelivery.objects.count() == total
    assert len(mails_written(tmp_path / "mail")) == total
