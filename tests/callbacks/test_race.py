"""Two people record the same callback at the same moment (real PostgreSQL, real threads): one call counts."""
import threading

import pytest
from django.db import connection

from callbacks import services
from callbacks.models import Callback, CallbackAttempt
from core.errors import ApplicationError
from tickets.choices import Status
from tickets.models import Ticket, TicketEvent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # SQLite's shared in-memory test database locks whole tables: the race itself needs PostgreSQL.
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_two_desks_recording_the_same_callback_close_the_ticket_once(solved, reception, manager):
    ticket, callback = solved
    barrier, results = threading.Barrier(2), []

    def record(actor):
        try:
            barrier.wait()
            services.callback_record(callback=callback, actor=actor, reached=True, outcome="fixed", score_price=4)
            results.append("ok")
        except ApplicationError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(who,)) for who in (reception, manager)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["callback_finished", "ok"]
    assert CallbackAttempt.objects.filter(callback=callback).count() == 1
    assert Callback.objects.get(pk=callback.pk).attempts == 1
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED
    assert TicketEvent.objects.filter(ticket=ticket, action="close").count() == 1
