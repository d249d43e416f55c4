"""Drill: the worker's PostgreSQL connection dies in the middle of a sweep.

The shared PostgreSQL cluster serves every engineer and CI's other test process, so it is not
restarted; the drill does to the worker what a restart does to each client instead: it terminates
every backend of the test database (pg_terminate_backend) while a slow sweep holds its transaction
open. The worker must reconnect by itself; the beat's next ticks finish the work."""
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from sla.models import EmailDelivery, Notification, SlaClock, SlaEvent
from tests.factories import UserFactory
from tests.sla.conftest import bulk_due_clocks
from tests.sla.workers import mails_written, wait_for

from .conftest import needs_real_services

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), needs_real_services]


def _terminate_other_backends() -> list[int]:
    with connection.cursor() as cursor:
        # In the select list, not the WHERE clause: there PostgreSQL may call it before excluding our own pid.
        cursor.execute("SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        return [pid for pid, terminated in cursor.fetchall() if terminated]


def test_a_terminated_database_connection_mid_sweep_loses_and_doubles_nothing(processes, tmp_path):
    supervisor = UserFactory(username="supervisor", email="supervisor@example.com")
    total = 200
    bulk_due_clocks(total, due=timezone.now() - timedelta(minutes=1), recipient=supervisor,
                    creator=UserFactory(username="desk"))
    # One slow worker process (10 clocks a transaction, 0.3 s inside each): a sweep takes ~6 s, and the
    # e-mails queue behind it, so the connection that dies is the sweep's.
    processes.worker("worker", concurrency=1, SLA_SWEEP_BATCH="10", SLA_SWEEP_TEST_PAUSE_SECONDS="0.3")
    processes.beat()
    wait_for(lambda: SlaEvent.objects.count() >= 50, timeout=45, what="the sweep to be under way",
             processes=processes)
    killed = _terminate_other_backends()
    recorded = SlaEvent.objects.count()

    assert killed, "no backend of the worker was connected: the drill missed the sweep"
    assert recorded < total
    wait_for(lambda: EmailDelivery.objects.filter(sent_at__isnull=False).count() == total, timeout=60,
             what="every breach e-mailed after the reconnect", processes=processes)
    time.sleep(3)  # three more sweeps: nothing may be recorded or sent twice
    processes.stop_all()

    assert "terminating connection due to administrator command" in processes.log("worker")
    assert SlaEvent.objects.filter(kind="breach").count() == SlaEvent.objects.count() == total
    assert SlaClock.objects.filter(breached_at__isnull=False).count() == total
    assert not SlaClock.objects.filter(next_check_at__isnull=False).exists()
    assert not SlaEvent.objects.filter(notified_at=None).exists()
    assert Notification.objects.count() == Notification.objects.values("event").distinct().count() == total
    assert EmailDelivery.objects.count() == total
    assert len(mails_written(tmp_path / "mail")) == total
