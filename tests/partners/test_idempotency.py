"""Idempotency-Key: a retry gets the first answer, another body with the key → 422, keys kept 24 h."""
import json
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from partners.idempotency import idempotency_records_purge, request_fingerprint
from partners.models import IdempotencyRecord
from partners.tasks import idempotency_records_purge_task
from tests.factories import intake_payload
from tickets.models import Ticket, TicketEvent

LIST = "/api/v1/tickets/"


def create(client, body, key="order-42:create", **extra):
    return client.post(LIST, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, **extra)


def test_a_retry_replays_the_first_answer_without_a_second_ticket(api_a):
    body = intake_payload()
    first = create(api_a, body)
    assert first.status_code == 201, first.content
    again = create(api_a, body)
    assert again.status_code == 201
    assert again.content == first.content
    assert again["ETag"] == first["ETag"] and again["Content-Type"] == first["Content-Type"]
    assert again["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert Ticket.objects.count() == 1


def test_key_order_and_whitespace_in_the_json_do_not_matter(api_a):
    body = intake_payload()
    assert create(api_a, body).status_code == 201
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=2)
    again = api_a.post(LIST, reordered, content_type="application/json", HTTP_IDEMPOTENCY_KEY="order-42:create")
    assert again["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == 1


def test_the_same_key_with_another_body_is_422(api_a):
    assert create(api_a, intake_payload()).status_code == 201
    response = create(api_a, intake_payload(fault_description="另一个故障"))
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "urn:servicedesk:idempotency_key_reused"
    assert "Idempotency-Key" in response.json()["errors"]
    assert Ticket.objects.count() == 1


def test_the_same_key_on_another_endpoint_is_422(api_a, partner_a, ticket_of):
    ticket = ticket_of(partner_a)
    assert create(api_a, intake_payload(), key="k1").status_code == 201
    response = api_a.post(f"{LIST}{ticket.number}/notes/", {"note": "hi"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 422


def test_keys_are_per_account(api_a, api_b):
    assert create(api_a, intake_payload(), key="shared").status_code == 201
    response = create(api_b, intake_payload(), key="shared")
    assert response.status_code == 201 and not response.has_header("Idempotent-Replayed")
    assert Ticket.objects.count() == 2


def test_without_a_key_every_post_creates(api_a):
    body = intake_payload()
    api_a.post(LIST, body, format="json")
    api_a.post(LIST, body, format="json")
    assert Ticket.objects.count() == 2


def test_an_error_answer_is_not_kept_so_the_key_can_be_retried(api_a):
    bad = intake_payload(kind="nonsense")
    assert create(api_a, bad).status_code == 400
    assert not IdempotencyRecord.objects.exists()
    assert create(api_a, bad).status_code == 400  # a fresh attempt, not a replay, not a 422
    good = create(api_a, intake_payload())
    assert good.status_code == 201 and not good.has_header("Idempotent-Replayed")


def test_notes_are_idempotent_too(api_a, partner_a, ticket_of):
    ticket = ticket_of(partner_a)
    for _ in range(3):
        response = api_a.post(f"{LIST}{ticket.number}/notes/", {"note": "已揽收"}, format="json",
                              HTTP_IDEMPOTENCY_KEY="note-1")
        assert response.status_code == 201
    assert TicketEvent.objects.filter(ticket=ticket, action="note").count() == 1


def test_staff_tokens_get_it_too(reception):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=reception).key}")
    body = intake_payload()
    assert create(client, body).status_code == 201
    assert create(client, body)["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "has space", "中文"])
def test_a_malformed_key_is_400(api_a, key):
    response = create(api_a, intake_payload(), key=key)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "Idempotency-Key" in response.json()["errors"]
    assert Ticket.objects.count() == 0


def test_an_unauthenticated_post_with_a_key_is_just_401(db, api_client):
    response = create(api_client, intake_payload())
    assert response.status_code == 401
    assert not IdempotencyRecord.objects.exists()


def _fingerprint_for(body) -> str:
    """What the middleware computes for this create (the key is not part of it)."""
    return request_fingerprint(RequestFactory().post(LIST, json.dumps(body), content_type="application/json"))


def test_a_claim_still_in_progress_answers_409_with_retry_after(api_a, partner_a, settings):
    settings.IDEMPOTENCY_WAIT_SECONDS = 0.2
    body, now = intake_payload(), timezone.now()
    IdempotencyRecord.objects.create(  # another worker is running this very request right now
        owner=partner_a.account, key="running", request_hash=_fingerprint_for(body),
        claim_token="someone-else", claimed_at=now, created_at=now,
    )
    response = create(api_a, body, key="running")
    assert response.status_code == 409
    assert response["Retry-After"] == "1"
    assert response.json()["type"] == "urn:servicedesk:idempotency_in_progress"
    assert Ticket.objects.count() == 0


def test_an_abandoned_claim_is_taken_over(api_a, partner_a):
    body, long_ago = intake_payload(), timezone.now() - timedelta(minutes=10)
    IdempotencyRecord.objects.create(  # its worker died mid-request (and its transaction rolled back)
        owner=partner_a.account, key="crashed", request_hash=_fingerprint_for(body),
        claim_token="dead-process", claimed_at=long_ago, created_at=long_ago,
    )
    response = create(api_a, body, key="crashed")
    assert response.status_code == 201
    assert IdempotencyRecord.objects.get(key="crashed").state == IdempotencyRecord.State.DONE
    assert Ticket.objects.count() == 1


def test_records_are_kept_24_hours_then_purged(api_a):
    assert create(api_a, intake_payload(), key="old").status_code == 201
    assert create(api_a, intake_payload(), key="new").status_code == 201
    IdempotencyRecord.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=24, minutes=1))
    IdempotencyRecord.objects.filter(key="new").update(created_at=timezone.now() - timedelta(hours=23, minutes=59))
    assert idempotency_records_purge() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
    assert idempotency_records_purge_task() == 0


def test_the_purge_task_is_scheduled():
    from servicedesk.beat import BEAT_SCHEDULE

    assert any(entry["task"] == "partners.tasks.idempotency_records_purge_task" for entry in BEAT_SCHEDULE.values())
