"""1,000 concurrent retries of one create with one Idempotency-Key on PostgreSQL → exactly one ticket."""
import json
import queue
import threading
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from partners.models import IdempotencyRecord
from partners.services import api_key_create
from tests.factories import intake_payload
from tickets.models import Ticket

from .conftest import make_partner

REQUESTS, THREADS = 1000, 20
pytestmark = pytest.mark.skipif("postgresql" not in settings.DATABASES["default"]["ENGINE"],
                                reason="the race is run on PostgreSQL (CI); SQLite serialises writers anyway")


# Real commits, seen by 20 threads. The flush afterwards re-seeds role groups and policies via post_migrate.
@pytest.mark.django_db(transaction=True)
def test_a_thousand_concurrent_retries_create_exactly_one_ticket(settings):  # noqa: F811  (the fixture)
    settings.IDEMPOTENCY_WAIT_SECONDS = 30  # losers wait for the winner's answer rather than give up
    partner = make_partner("racer")
    _key, raw = api_key_create(partner=partner, name="race", rate_limit_per_minute=100_000)
    body = json.dumps(intake_payload(kind="logistics_lost_damaged"))
    jobs: queue.Queue = queue.Queue()
    for index in range(REQUESTS):
        jobs.put(index)
    results: list[tuple[int, bytes]] = []
    start = threading.Barrier(THREADS)

    def worker():
        client = Client()
        start.wait()
        try:
            while True:
                try:
                    jobs.get_nowait()
                except queue.Empty:
                    return
                response = client.post("/api/v1/tickets/", body, content_type="application/json",
                                       HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_IDEMPOTENCY_KEY="race-1")
                results.append((response.status_code, response.content))
        finally:
            connection.close()  # each thread has its own PostgreSQL connection

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    assert Ticket.objects.count() == 1
    assert Counter(code for code, _ in results) == {201: REQUESTS}
    assert {content for _, content in results} == {results[0][1]}  # all the same answer
    assert json.loads(results[0][1])["number"] == Ticket.objects.get().number
    assert IdempotencyRecord.objects.get().state == IdempotencyRecord.State.DONE
