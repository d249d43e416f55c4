"""An engineer on a phone (375×812) in Chromium: reply, an on-site visit with a part and a fee, the customer's
confirmation, the printed form, then the solution. Screenshots under test-artifacts/engineer-*.png."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fieldservice.choices import WorkOrderStatus
from fieldservice.models import WorkOrder
from tickets.choices import SolutionKind, Status
from tickets.models import Ticket, TicketEvent

from .browser_steps import add_charged_capacitor, depart_and_arrive, inspect, local_input

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 375, "height": 812}


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_engineer_visits_on_site_and_records_the_solution(page, login, screenshot, dispatched, engineer, settings):
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]  # live_server with DEBUG=0
    ticket = dispatched(fault_description="空调不制冷，外机不转")
    page.set_viewport_size(PHONE)
    login(page, engineer)

    # The queue: nearest due first, one tap to call, one tap to the ticket.
    page.goto("/tickets/mine/")
    card = page.get_by_test_id("queue-card").filter(has_text=ticket.number)
    expect(card.get_by_test_id("queue-call")).to_have_attribute("href", f"tel:{ticket.customer.phone}")
    assert no_horizontal_scroll(page)
    screenshot(page, "engineer-queue-375")
    card.get_by_test_id("queue-ticket").click()
    page.wait_for_url(f"**/tickets/{ticket.number}/")
    expect(page.get_by_test_id("do-reply")).to_be_visible()
    assert no_horizontal_scroll(page)
    screenshot(page, "engineer-ticket-panels-375", full_page=False)

    # Reply within 30 minutes: the difficulty and the next step.
    page.locator("#id_reply-difficulty").fill("外机不启动，疑似启动电容损坏")
    page.locator("#id_reply-next_step").fill("今天下午上门检测并更换电容")
    page.get_by_test_id("do-reply").click()
    expect(page.get_by_test_id("event-reply")).to_contain_text("今天下午上门检测并更换电容")
    expect(page.get_by_test_id("status")).to_have_text(str(Status.REPLIED.label))

    # Schedule the visit in the window agreed on the phone.
    page.get_by_test_id("schedule-visit").click()
    start = timezone.now() - timedelta(minutes=30)
    page.locator("#id_create-window_start").fill(local_input(start))
    page.locator("#id_create-window_end").fill(local_input(start + timedelta(hours=2)))
    page.get_by_test_id("create-visit").click()
    expect(page.get_by_test_id("work-order-number")).to_have_text(f"{ticket.number}-W1")
    assert no_horizontal_scroll(page)
    screenshot(page, "engineer-visit-scheduled-375")

    depart_and_arrive(page)

    inspect(page, heard="开机后外机不转，室内机吹自然风",
            seen="机身无拆修痕迹；购买超过三包期", checked="启动电容鼓包，容量为 0")

    # A charged part, the fee, the customer's approval.
    add_charged_capacitor(page)

    page.locator("#id_quote-amount").fill("125.00")
    page.locator("#id_quote-note").fill("上门费 80 + 电容 45")
    page.get_by_test_id("do-quote").click()
    expect(page.get_by_test_id("fee")).to_contain_text("125.00")
    page.get_by_test_id("do-approve-fee").click()
    expect(page.get_by_test_id("fee-approved")).to_be_visible()
    screenshot(page, "engineer-visit-fee-approved-375")

    page.locator("#id_complete-fix").fill("更换启动电容，试机 20 分钟制冷正常")
    page.locator("#id_complete-old_parts_taken_back").select_option("yes")
    page.get_by_test_id("do-complete").click()
    expect(page.get_by_test_id("wo-status")).to_have_text(str(WorkOrderStatus.WORK_DONE.label))
    page.locator("#id_payment-receipt_number").fill("SJ-20261123-001")
    page.get_by_test_id("do-payment").click()
    expect(page.get_by_test_id("fee")).to_contain_text("SJ-20261123-001")

    # The customer confirms — only now is the panel there.
    page.locator("#id_confirm-satisfied").select_option("yes")
    page.locator("#id_confirm-comment").fill("师傅很专业")
    page.get_by_test_id("do-confirm").click()
    expect(page.get_by_test_id("confirmed")).to_contain_text(ticket.customer.name)
    assert no_horizontal_scroll(page)
    screenshot(page, "engineer-visit-confirmed-375")

    # The paper form, as the browser will print it.
    work_order = WorkOrder.objects.get(ticket=ticket)
    page.goto(f"/fieldservice/work-orders/{work_order.number}/print/")
    expect(page.get_by_test_id("print-part")).to_contain_text("启动电容")
    expect(page.get_by_test_id("print-signature")).to_contain_text(ticket.customer.name)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    expect(page.get_by_test_id("print")).to_be_hidden()
    screenshot(page, "engineer-visit-print-a4")
    page.emulate_media(media="screen")
    page.set_viewport_size(PHONE)

    # Back on the ticket: the solution, an on-site visit.
    page.goto(f"/tickets/{ticket.number}/")
    page.locator("#id_solve-kind").select_option(SolutionKind.ONSITE)
    page.locator("#id_solve-plan").fill("上门更换启动电容")
    page.locator("#id_solve-result").fill("试机制冷正常，客户签字确认")
    page.get_by_test_id("do-solve").click()
    expect(page.get_by_test_id("status")).to_have_text(str(Status.SOLVED.label))
    expect(page.get_by_test_id("event-solve")).to_contain_text("上门更换启动电容")
    screenshot(page, "engineer-ticket-solved-375")

    stored = WorkOrder.objects.get(pk=work_order.pk)
    assert (stored.status, stored.fee_approved_amount, stored.fee_receipt_number) == (
        WorkOrderStatus.CONFIRMED, Decimal("125.00"), "SJ-20261123-001")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.SOLVED
    actions = list(TicketEvent.objects.filter(ticket=ticket).order_by("at", "id").values_list("action", flat=True))
    assert actions == ["preprocess", "dispatch", "reply", "wo_create", "wo_depart", "wo_arrive", "wo_inspect",
                       "wo_add_part", "wo_quote", "wo_approve_fee", "wo_complete", "wo_payment", "wo_confirm",
                       "solve"]
