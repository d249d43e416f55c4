"""/api/v1/ work orders: create/list/retrieve, each step, refusals as problem+json, roles."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from fieldservice.models import WorkOrder
from tests.conftest import make_user

from .helpers import on_site, paid_and_done, schedule

pytestmark = pytest.mark.django_db


def wo_url(work_order, name):
    return reverse(f"api:work-order-{name}", args=[work_order.number])


def api_as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def window(hours_from_now=2):
    start = timezone.now() + timedelta(hours=hours_from_now)
    return {"window_start": start.isoformat(), "window_end": (start + timedelta(hours=2)).isoformat()}


def test_a_whole_visit_over_the_api(engineer_api, dispatched):
    ticket = dispatched()
    created = engineer_api.post(reverse("api:ticket-work-orders", args=[ticket.number]), window(), format="json")
    assert created.status_code == 201, created.json()
    number = created.json()["number"]
    work_order = WorkOrder.objects.get(number=number)

    steps = [
        ("depart", {}), ("arrive", {}),
        ("inspect", {"heard": "不制冷", "seen": "无拆修", "checked": "电容坏", "opened_before": False,
                     "within_warranty": False}),
        ("parts", {"name": "启动电容", "spec": "35μF", "quantity": 1, "reason": "鼓包", "charged": True,
                   "unit_price": "45.00"}),
        ("quote", {"amount": "125.00", "note": "上门费+电容"}),
        ("approve-fee", {"amount": "125.00", "customer_name": "张三"}),
        ("complete", {"fix": "更换电容", "old_parts_taken_back": True}),
        ("payment", {"receipt_number": "R-9"}),
        ("confirm", {"customer_name": "张三", "satisfied": True, "comment": "满意"}),
    ]
    for name, body in steps:
        response = engineer_api.post(wo_url(work_order, name), body, format="json")
        assert response.status_code == (201 if name == "parts" else 200), (name, response.json())

    body = engineer_api.get(wo_url(work_order, "detail")).json()
    assert (body["status"], body["fee_approved_amount"], body["fee_receipt_number"]) == ("confirmed", "125.00", "R-9")
    assert [p["name"] for p in body["parts"]] == ["启动电容"] and body["parts"][0]["line_total"] == "45.00"
    listed = engineer_api.get(reverse("api:ticket-work-orders", args=[ticket.number])).json()
    assert [w["number"] for w in listed] == [number]


def test_a_signature_before_the_work_is_done_is_409(engineer_api, dispatched, engineer):
    work_order = on_site(dispatched(), engineer)
    response = engineer_api.post(wo_url(work_order, "confirm"), {"customer_name": "张三", "satisfied": True},
                                 format="json")
    assert response.status_code == 409
    assert response.json()["type"] == "urn:servicedesk:signature_before_work_done"


def test_a_fee_without_approval_is_refused(engineer_api, dispatched, engineer):
    work_order = on_site(dispatched(), engineer)
    engineer_api.post(wo_url(work_order, "quote"), {"amount": "80"}, format="json")
    response = engineer_api.post(wo_url(work_order, "payment"), {"receipt_number": "R-1"}, format="json")
    assert response.status_code == 409
    assert response.json()["errors"] == {"receipt_number": [response.json()["title"]]}
    assert WorkOrder.objects.get(pk=work_order.pk).fee_receipt_number == ""


def test_bad_input_is_a_field_error(engineer_api, dispatched, engineer):
    work_order = on_site(dispatched(), engineer)
    response = engineer_api.post(wo_url(work_order, "parts"), {"name": "", "quantity": 0, "unit_price": "-1"},
                                 format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"name", "quantity", "reason", "unit_price"}


def test_window_order_is_checked(engineer_api, dispatched):
    ticket = dispatched()
    body = window()
    body["window_end"] = body["window_start"]
    response = engineer_api.post(reverse("api:ticket-work-orders", args=[ticket.number]), body, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["window_end"]


def test_a_part_can_be_removed(engineer_api, dispatched, engineer):
    work_order = on_site(dispatched(), engineer)
    part_id = engineer_api.post(wo_url(work_order, "parts"), {"name": "螺丝", "reason": "滑丝"},
                                format="json").json()["parts"][0]["id"]
    response = engineer_api.delete(reverse("api:work-order-part", args=[work_order.number, part_id]))
    assert response.status_code == 200 and response.json()["parts"] == []


def test_another_engineers_work_orders_are_404(dispatched, engineer, other_engineer):
    work_order = schedule(dispatched(), engineer)
    client = api_as(other_engineer)
    assert client.get(wo_url(work_order, "detail")).status_code == 404
    assert client.post(wo_url(work_order, "depart"), {}, format="json").status_code == 404
    assert client.get(reverse("api:work-order-list")).json()["results"] == []


@pytest.mark.parametrize(("role", "create", "depart", "read"), [
    ("reception", 201, 403, 200), ("manager", 201, 200, 200), ("partner", 403, 403, 403)])
def test_roles_per_endpoint(dispatched, engineer, role, create, depart, read):
    client = api_as(make_user(role, f"{role}-wo"))
    ticket = dispatched()
    assert client.post(reverse("api:ticket-work-orders", args=[ticket.number]), window(),
                       format="json").status_code == create
    work_order = WorkOrder.objects.filter(ticket=ticket).first() or schedule(ticket, engineer)
    assert client.get(wo_url(work_order, "detail")).status_code == read
    assert client.post(wo_url(work_order, "depart"), {}, format="json").status_code == depart


def test_the_list_does_not_grow_in_queries(manager_api, dispatched, engineer):
    for _ in range(2):
        paid_and_done(on_site(dispatched(), engineer), engineer)
    manager_api.get(reverse("api:work-order-list"))  # warm up: the user's roles are cached on first use
    with CaptureQueriesContext(connection) as few:
        assert manager_api.get(reverse("api:work-order-list")).status_code == 200
    for _ in range(6):
        paid_and_done(on_site(dispatched(), engineer), engineer)
    with CaptureQueriesContext(connection) as many:
        body = manager_api.get(reverse("api:work-order-list")).json()
    assert len(body["results"]) == 8 and len(many) == len(few)


def test_the_schema_documents_work_orders(api_client):
    schema = api_client.get(reverse("schema"), {"format": "json"}).json()
    paths = schema["paths"]
    assert "/api/v1/tickets/{number}/work-orders/" in paths
    for step in ("depart", "arrive", "inspect", "parts", "quote", "approve-fee", "complete", "payment", "confirm",
                 "cancel", "reschedule"):
        assert "post" in paths[f"/api/v1/work-orders/{{number}}/{step}/"]
