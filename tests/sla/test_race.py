"""Four sweepers at the same moment on PostgreSQL: every breach recorded once, every event notified once."""
import re
import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from servicedesk.celery import app as celery_app
from sla import tasks
from sla.enforcement import sla_events_notify, sla_sweep
from sla.models import EmailDelivery, Notification, SlaClock, SlaEvent
from tests.factories import UserFactory

from .conftest import bulk_due_clocks

CLOCKS, SWEEPERS = 5000, 4


def run_together(work, n: int) -> list[BaseException]:
    barrier, errors = threading.Barrier(n), []

    def body(index: int):
        try:
            barrier.wait(timeout=30)
            work(index)
        except BaseException as exc:  # noqa: BLE001 — collected and asserted, never swallowed
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=body, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SKIP LOCKED races need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_four_sweeps_at_once_record_and_notify_each_breach_exactly_once(monkeypatch):
    # The broker knock is recorded instead of sent: this test is about the database's claims (the
    # workers' own test sends through Redis). Each knock must name only events its sweep created.
    knocked, lock = [], threading.Lock()

    def knock(ids):
        with lock:
            knocked.extend(ids)

    # Patched on the project app's own task objects, not through the shared_task proxy: the proxy
    # resolves per thread, and a test that built a Celery() left that app current in this thread
    # only, so the sweepers' threads would have sent real messages past a proxy-patched delay.
    monkeypatch.setattr(celery_app.tasks[tasks.sla_events_notify_task.name], "delay", knock)
    monkeypatch.setattr(celery_app.tasks[tasks.email_delivery_send_task.name], "delay", lambda pk: None)
    supervisor = UserFactory(username="supervisor", email="supervisor@example.com")
    now = timezone.now()
    bulk_due_clocks(CLOCKS, due=now - timedelta(minutes=1), recipient=supervisor,
                    creator=UserFactory(username="desk"))
    claimed = [0] * SWEEPERS

    def sweep(index: int):
        while (handled := sla_sweep(now=now, batch=250)) > 0:
            claimed[index] += handled

    assert run_together(sweep, SWEEPERS) == []
    assert sum(claimed) == CLOCKS  # no clock handled twice, none left
    assert sum(1 for c in claimed if c) > 1  # they really shared the work
    assert SlaEvent.objects.filter(kind="breach").count() == CLOCKS
    assert not SlaClock.objects.filter(next_check_at__lte=now).exists()
    assert sorted(knocked) == sorted(SlaEvent.objects.values_list("pk", flat=True))

    ids = sorted(knocked)
    # Every sweeper's notifier gets every id (redelivered messages, at the same moment).
    assert run_together(lambda _i: sla_events_notify(event_ids=ids), SWEEPERS) == []
    assert Notification.objects.count() == CLOCKS
    assert Notification.objects.values("event").distinct().count() == CLOCKS
    # One e-mail per person per notifying run (the digest, the default): at most one per sweeper that claimed
    # something, and together they list every breached ticket exactly once.
    mails = list(EmailDelivery.objects.values_list("to", "body"))
    assert 1 <= len(mails) <= SWEEPERS and {to for to, _body in mails} == {"supervisor@example.com"}
    listed = Counter(re.findall(r"/tickets/(SD-[\d-]+)/", "\n".join(body for _to, body in mails)))
    assert len(listed) == CLOCKS and set(listed.values()) == {1}
    assert not SlaEvent.objects.filter(notified_at=None).exists()
