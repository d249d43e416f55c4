"""Drill: two beat processes run at once (say, one per host for availability), so every periodic task
is sent twice. Sweeps overlap in two worker processes; each event must still be recorded, notified
and e-mailed exactly once."""
import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from sla.models import EmailDelivery, Notification, SlaClock, SlaEvent
from tests.factories import UserFactory
from tests.sla.conftest import bulk_due_clocks
from tests.sla.workers import mails_written, wait_for

from .conftest import needs_real_services

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), needs_real_services]


def test_two_beats_at_once_record_and_notify_each_event_once(processes, tmp_path):
    supervisor = UserFactory(username="supervisor", email="supervisor@example.com")
    total = 150
    bulk_due_clocks(total, due=timezone.now() - timedelta(minutes=1), recipient=supervisor,
                    creator=UserFactory(username="desk"))
    # Small slow batches keep each sweep running for a while, so the two beats' sweeps overlap.
    processes.worker("worker", concurrency=2, SLA_SWEEP_BATCH="10", SLA_SWEEP_TEST_PAUSE_SECONDS="0.1")
    for name in ("beat-a", "beat-b"):  # each its own schedule file, as on two hosts
        processes.start(name, "beat", "--loglevel=INFO", f"--schedule={tmp_path / name}")
    wait_for(lambda: EmailDelivery.objects.filter(sent_at__isnull=False).count() == total, timeout=75,
             what="every breach e-mailed", processes=processes)
    time.sleep(3)  # six more sweeps: nothing may be recorded or sent twice
    processes.stop_all()

    for name in ("beat-a", "beat-b"):
        assert len(re.findall(r"Sending due task sla-sweep", processes.log(name))) >= 3, name
    assert SlaEvent.objects.filter(kind="breach").count() == SlaEvent.objects.count() == total
    assert SlaClock.objects.filter(breached_at__isnull=False).count() == total
    assert not SlaEvent.objects.filter(notified_at=None).exists()
    assert Notification.objects.count() == Notification.objects.values("event").distinct().count() == total
    assert EmailDelivery.objects.count() == total
    assert len(mails_written(tmp_path / "mail")) == total
