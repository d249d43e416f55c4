"""The partner's webhooks API: register, read deliveries with attempts, redeliver — own objects only."""
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from partners.services import api_key_create
from tickets.services import ticket_transition
from webhooks import services
from webhooks.choices import DeliveryState
from webhooks.models import WebhookDelivery, WebhookEndpoint

from .conftest import endpoint_for, partner_ticket

ENDPOINTS = reverse("api:webhook-endpoint-list")
DELIVERIES = reverse("api:webhook-delivery-list")


def delivery_of(partner, manager, url="https://hooks.example.com/x") -> WebhookDelivery:
    endpoint_for(partner, url, events=["ticket.status_changed"])
    ticket_transition(ticket=partner_ticket(partner), action="preprocess", actor=manager)
    return WebhookDelivery.objects.get(endpoint__partner=partner)


def test_register_shows_the_secret_once_then_only_a_hint(api_a, partner_a):
    response = api_a.post(ENDPOINTS, {"url": "https://erp.shop-a.example/hooks", "events": ["ticket.closed"]},
                          format="json")
    assert response.status_code == 201, response.content
    secret = response.json()["secret"]
    endpoint = WebhookEndpoint.objects.get()
    assert secret == endpoint.secret and secret.startswith("whsec_") and len(secret) > 40
    assert (endpoint.partner, endpoint.events) == (partner_a, ["ticket.closed"])
    listed = api_a.get(ENDPOINTS).json()
    assert [e["url"] for e in listed] == ["https://erp.shop-a.example/hooks"]
    assert "secret" not in listed[0] and listed[0]["secret_hint"].endswith(secret[-4:])


@pytest.mark.parametrize("url", [
    "ftp://files.example.com/x", "javascript:alert(1)", "http://", "not a url", "file:///etc/passwd",
    "https://user:pw@example.com/hook", "https://example.com:99999/hook", "https://example.com/hook#frag",
])
def test_only_plain_http_or_https_urls(api_a, url):
    response = api_a.post(ENDPOINTS, {"url": url, "events": ["ticket.closed"]}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "url" in response.json()["errors"]
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/h", "http://10.1.2.3/h", "http://localhost/h",
                                 "http://[::1]/h", "http://169.254.169.254/latest/meta-data", "http://192.168.1.5/h"])
def test_local_and_private_addresses_refused_in_production(api_a, settings, url):
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = False
    response = api_a.post(ENDPOINTS, {"url": url, "events": ["ticket.closed"]}, format="json")
    assert response.status_code == 400 and "url" in response.json()["errors"]
    ok = api_a.post(ENDPOINTS, {"url": "https://8.8.8.8/h", "events": ["ticket.closed"]}, format="json")
    assert ok.status_code == 201


@pytest.mark.parametrize("events", [[], ["ticket.exploded"], "ticket.closed,x"])
def test_events_must_be_known_and_not_empty(api_a, events):
    response = api_a.post(ENDPOINTS, {"url": "https://a.example/h", "events": events}, format="json")
    assert response.status_code == 400 and "events" in response.json()["errors"]


def test_at_most_ten_urls_per_partner(api_a, partner_a):
    for n in range(services.MAX_ENDPOINTS_PER_PARTNER):
        endpoint_for(partner_a, f"https://a.example/{n}")
    response = api_a.post(ENDPOINTS, {"url": "https://a.example/11", "events": ["ticket.closed"]}, format="json")
    assert response.status_code == 409 and "url" in response.json()["errors"]


def test_update_and_rotate_own_endpoint(api_a, partner_a):
    endpoint = endpoint_for(partner_a, "https://a.example/h")
    url = reverse("api:webhook-endpoint-detail", args=[endpoint.pk])
    response = api_a.patch(url, {"events": ["sla.breached"], "is_active": False}, format="json")
    assert response.status_code == 200 and response.json()["events"] == ["sla.breached"]
    assert api_a.patch(url, {"url": "gopher://x"}, format="json").status_code == 400
    old = endpoint.secret
    rotated = api_a.post(reverse("api:webhook-endpoint-rotate-secret", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert rotated.status_code == 200 and rotated.json()["secret"] == endpoint.secret != old
    assert (endpoint.is_active, endpoint.url) == (False, "https://a.example/h")


def test_partner_a_cannot_see_or_touch_partner_bs_webhooks(api_a, partner_b, manager):
    b_delivery = delivery_of(partner_b, manager)
    b_endpoint = b_delivery.endpoint
    b_secret = b_endpoint.secret
    assert api_a.get(ENDPOINTS).json() == []
    assert api_a.get(DELIVERIES).json()["results"] == []
    assert api_a.get(DELIVERIES, {"ticket": b_delivery.ticket.number}).json()["results"] == []
    for method, url in [
        ("get", reverse("api:webhook-endpoint-detail", args=[b_endpoint.pk])),
        ("patch", reverse("api:webhook-endpoint-detail", args=[b_endpoint.pk])),
        ("post", reverse("api:webhook-endpoint-rotate-secret", args=[b_endpoint.pk])),
        ("get", reverse("api:webhook-delivery-detail", args=[b_delivery.uid])),
        ("post", reverse("api:webhook-delivery-redeliver", args=[b_delivery.uid])),
    ]:
        response = getattr(api_a, method)(url, {"is_active": False} if method == "patch" else None, format="json")
        assert response.status_code == 404, (method, url)
    b_endpoint.refresh_from_db()
    assert b_endpoint.is_active and b_endpoint.secret == b_secret  # neither deactivated nor rotated by A


def test_deliveries_list_with_attempts_and_filters(api_a, partner_a, manager, receiver):
    receiver.script = [500]
    delivery = delivery_of(partner_a, manager, url=receiver.url)
    services.webhook_delivery_attempt(delivery_id=delivery.pk)
    body = api_a.get(DELIVERIES).json()
    [row] = body["results"]
    assert row["id"] == str(delivery.uid) and row["ticket"] == delivery.ticket.number
    assert (row["state"], row["attempts"], row["last_response_code"]) == ("pending", 1, 500)
    assert [(a["response_code"], a["error"][:8]) for a in row["attempt_log"]] == [(500, "HTTP 500")]
    assert api_a.get(DELIVERIES, {"state": "succeeded"}).json()["results"] == []
    assert api_a.get(DELIVERIES, {"state": "bogus"}).status_code == 400
    detail = api_a.get(reverse("api:webhook-delivery-detail", args=[delivery.uid])).json()
    assert detail["payload"]["data"]["ticket"]["number"] == delivery.ticket.number


def test_redeliver_a_finished_delivery_by_hand(api_a, partner_a, manager, receiver):
    delivery = delivery_of(partner_a, manager, url=receiver.url)
    url = reverse("api:webhook-delivery-redeliver", args=[delivery.uid])
    assert api_a.post(url).status_code == 409  # still pending: already scheduled
    services.webhook_delivery_attempt(delivery_id=delivery.pk)
    response = api_a.post(url)
    assert response.status_code == 202 and response.json()["state"] == "pending"
    assert services.webhook_delivery_attempt(delivery_id=delivery.pk) is not None
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.SUCCEEDED, 2)
    assert [r.headers["X-ServiceDesk-Delivery"] for r in receiver.requests] == [str(delivery.uid)] * 2


def test_staff_and_anonymous_cannot_use_the_partner_webhooks_api(reception_api):
    assert reception_api.get(ENDPOINTS).status_code == 403
    assert APIClient().get(DELIVERIES).status_code == 401


def test_api_key_needs_the_webhooks_scope(partner_a):
    _key, without = api_key_create(partner=partner_a, name="orders", scopes=["tickets:read"])
    _key, with_scope = api_key_create(partner=partner_a, name="hooks", scopes=["webhooks"])
    client = APIClient()
    assert client.get(ENDPOINTS, HTTP_AUTHORIZATION=f"Bearer {without}").status_code == 403
    assert client.get(ENDPOINTS, HTTP_AUTHORIZATION=f"Bearer {with_scope}").status_code == 200


def test_admin_lists_deliveries_with_attempts_and_redelivers(admin_client, partner_a, manager, receiver):
    delivery = delivery_of(partner_a, manager, url=receiver.url)
    services.webhook_delivery_attempt(delivery_id=delivery.pk)
    page = admin_client.get(reverse("admin:webhooks_webhookdelivery_change", args=[delivery.pk]),
                            HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and b"webhook attempt" in page.content.lower()
    assert admin_client.get(reverse("admin:webhooks_webhookendpoint_changelist")).status_code == 200
    response = admin_client.post(reverse("admin:webhooks_webhookdelivery_changelist"),
                                 {"action": "redeliver", "_selected_action": [delivery.pk]})
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PENDING and delivery.next_attempt_at is not None


def test_deliveries_list_queries_do_not_grow_with_rows(api_a, partner_a, manager, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    delivery_of(partner_a, manager)
    with CaptureQueriesContext(connection) as few:
        api_a.get(DELIVERIES)
    for _ in range(12):
        ticket_transition(ticket=partner_ticket(partner_a), action="preprocess", actor=manager)
    with django_assert_max_num_queries(len(few)):
        assert len(api_a.get(DELIVERIES).json()["results"]) == 13
