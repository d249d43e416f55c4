"""Work-order pages: HTMX step panels, refusals as 200 fragments, the print form, permissions."""
from decimal import Decimal

import pytest
from django.urls import reverse

from fieldservice import services
from fieldservice.choices import WorkOrderStatus as W
from fieldservice.models import WorkOrder, WorkOrderPart
from tests.conftest import make_user

from .helpers import add_part, on_site, paid_and_done, schedule

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def step_url(work_order, step):
    return reverse("fieldservice:step", args=[work_order.number, step])


def detail(client, work_order):
    return client.get(reverse("fieldservice:detail", args=[work_order.number]))


def test_the_ticket_page_offers_to_schedule_a_visit(engineer_client, dispatched):
    ticket = dispatched()
    html = engineer_client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert reverse("fieldservice:create", args=[ticket.number]) in html


def test_scheduling_from_the_page(engineer_client, dispatched):
    ticket = dispatched()
    response = engineer_client.post(reverse("fieldservice:create", args=[ticket.number]), {
        "create-window_start": "2030-05-06T09:00", "create-window_end": "2030-05-06T11:00",
        "create-address": "", "create-contact_name": "", "create-contact_phone": "", "create-note": "客户下午不在家"})
    work_order = WorkOrder.objects.get(ticket=ticket)
    assert response.status_code == 302 and response["Location"] == reverse("fieldservice:detail",
                                                                             args=[work_order.number])
    assert work_order.address == ticket.customer.address and work_order.window_start.hour == 1  # 09:00 +08 in UTC


def test_a_window_ending_before_it_starts_is_a_field_error(engineer_client, dispatched):
    ticket = dispatched()
    response = engineer_client.post(reverse("fieldservice:create", args=[ticket.number]), {
        "create-window_start": "2030-05-06T11:00", "create-window_end": "2030-05-06T09:00"})
    assert response.status_code == 400 and 'data-testid="error-window_end"' in response.content.decode()
    assert not WorkOrder.objects.exists()


def test_each_status_shows_its_steps(engineer_client, dispatched, engineer):
    work_order = schedule(dispatched(), engineer)
    html = detail(engineer_client, work_order).content.decode()
    assert 'data-testid="do-depart"' in html and 'data-testid="do-confirm"' not in html

    services.work_order_arrive(work_order=work_order, actor=engineer)
    html = detail(engineer_client, work_order).content.decode()
    assert all(f'data-testid="do-{s}"' in html for s in ("inspect", "add-part", "quote", "complete"))
    assert 'data-testid="do-confirm"' not in html  # no signature before the work is done


def test_an_htmx_step_swaps_the_body(engineer_client, dispatched, engineer):
    work_order = schedule(dispatched(), engineer)
    response = engineer_client.post(step_url(work_order, "depart"), {"depart-at": ""}, **HTMX)
    assert response.status_code == 200 and 'data-testid="departed-at"' in response.content.decode()
    assert WorkOrder.objects.get(pk=work_order.pk).status == W.EN_ROUTE


def test_a_signature_before_the_work_is_done_is_refused_on_the_page(engineer_client, dispatched, engineer):
    work_order = on_site(dispatched(), engineer)
    response = engineer_client.post(step_url(work_order, "confirm"), {
        "confirm-customer_name": "张三", "confirm-satisfied": "yes"}, **HTMX)
    assert response.status_code == 200
    assert 'data-testid="step-error"' in response.content.decode()
    assert WorkOrder.objects.get(pk=work_order.pk).confirmed_at is None


def test_work_done_with_an_unapproved_fee_is_refused_on_the_page(engineer_client, dispatched, engineer):
    work_order = on_site(dispatched(), engineer)
    services.work_order_inspect(work_order=work_order, actor=engineer, heard="h", seen="s", checked="c",
                                opened_before=False, within_warranty=False)
    services.work_order_quote(work_order=work_order, actor=engineer, amount=Decimal("80"))
    response = engineer_client.post(step_url(work_order, "complete"), {"complete-fix": "清洗"}, **HTMX)
    assert response.status_code == 200 and 'data-testid="step-error"' in response.content.decode()
    assert WorkOrder.objects.get(pk=work_order.pk).status == W.ON_SITE


def test_a_part_with_a_missing_reason_is_a_field_error(engineer_client, dispatched, engineer):
    work_order = on_site(dispatched(), engineer)
    response = engineer_client.post(step_url(work_order, "add_part"), {
        "add_part-name": "电容", "add_part-quantity": "1", "add_part-reason": "", "add_part-unit_price": "0"}, **HTMX)
    assert response.status_code == 200 and 'data-testid="error-reason"' in response.content.decode()
    assert not WorkOrderPart.objects.exists()


def test_the_print_form_has_no_navigation_and_carries_the_record(engineer_client, dispatched, engineer):
    work_order = on_site(dispatched(), engineer)
    paid_and_done(work_order, engineer)
    services.work_order_confirm(work_order=work_order, actor=engineer, customer_name="张三", satisfied=True)

    response = engineer_client.get(reverse("fieldservice:print", args=[work_order.number]))

    html = response.content.decode()
    # The print layout is a stylesheet of its own (static/css/print.css: no inline styles under the CSP).
    assert response.status_code == 200 and "<nav" not in html and "css/print" in html
    assert html.count('data-testid="print-part"') == 1 and "启动电容" in html and "125.00" in html
    assert "张三" in html.split('data-testid="print-signature"')[1][:40]


def test_reception_sees_the_visit_but_not_the_field_steps(reception_client, dispatched, engineer):
    work_order = on_site(dispatched(), engineer)
    html = detail(reception_client, work_order).content.decode()
    assert 'data-testid="do-inspect"' not in html and 'data-testid="do-add-part"' not in html
    response = reception_client.post(step_url(work_order, "inspect"), {"inspect-heard": "x"}, **HTMX)
    assert response.status_code == 403
    assert WorkOrder.objects.get(pk=work_order.pk).heard == ""


def test_another_engineers_visit_is_not_found(client, dispatched, engineer, other_engineer):
    work_order = schedule(dispatched(), engineer)
    client.force_login(other_engineer)
    assert detail(client, work_order).status_code == 404
    assert client.get(reverse("fieldservice:print", args=[work_order.number])).status_code == 404
    assert client.post(step_url(work_order, "depart"), {}, **HTMX).status_code == 404
    assert client.get(reverse("fieldservice:create", args=[work_order.ticket.number])).status_code == 404


def test_a_partner_may_not_open_work_orders(client, dispatched, engineer):
    work_order = schedule(dispatched(), engineer)
    client.force_login(make_user("partner", "partner-wo"))  # no page session for a partner account (issue 13)
    response = detail(client, work_order)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_my_visits_lists_open_visits_earliest_first(engineer_client, dispatched, engineer):
    from datetime import timedelta

    from django.utils import timezone
    later = schedule(dispatched(), engineer, window_start=timezone.now() + timedelta(days=2),
                     window_end=timezone.now() + timedelta(days=2, hours=2))
    sooner = schedule(dispatched(), engineer)
    html = engineer_client.get(reverse("fieldservice:mine")).content.decode()
    assert html.index(sooner.number) < html.index(later.number)
    assert f'href="tel:{sooner.contact_phone}"' in html


def test_the_ticket_timeline_labels_work_order_steps(engineer_client, dispatched, engineer):
    work_order = on_site(dispatched(), engineer)
    add_part(work_order, engineer)
    html = engineer_client.get(reverse("tickets:detail", args=[work_order.ticket.number])).content.decode()
    assert 'data-testid="event-wo_add_part"' in html and "35μF 450V" in html
    assert 'data-testid="work-orders"' in html


def test_an_approval_of_an_outdated_quote_is_refused_and_shows_the_current_one(engineer_client, dispatched,
                                                                              engineer):
    work_order = on_site(dispatched(), engineer)
    services.work_order_quote(work_order=work_order, actor=engineer, amount=Decimal("100"))
    services.work_order_quote(work_order=work_order, actor=engineer, amount=Decimal("130"))  # another phone

    response = engineer_client.post(step_url(work_order, "approve_fee"), {
        "approve_fee-amount": "100.00", "approve_fee-customer_name": "张三"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200 and "130.00" in html
    assert 'name="approve_fee-amount" value="130.00"' in html
    assert WorkOrder.objects.get(pk=work_order.pk).fee_approved_at is None
