"""Issue 15 §9 through the real pages: the desk opens a ticket with a planned visit, picks the "engineer on the
way" template, sees the preview with the placeholders filled in, sends; the message appears on the timeline as
a message to the customer with its delivery status (through a local fake of Alibaba Cloud SMS that fails the
first attempt). Then the customer looks the ticket up on a phone: the next step names the visit window, the
hotline is there."""
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from progress.models import CustomerMessage
from tests.fieldservice.helpers import schedule
from tests.progress.fake_aliyun import KEY_ID, SECRET, FakeAliyunSms
from tests.tickets.test_services import intake
from tickets import services

pytestmark = pytest.mark.browser


@pytest.fixture
def aliyun(settings):
    server = FakeAliyunSms().start()
    settings.SMS_BACKEND, settings.ALIYUN_SMS_ENDPOINT = "progress.aliyun.AliyunSmsBackend", server.url
    settings.ALIYUN_SMS_ACCESS_KEY_ID, settings.ALIYUN_SMS_ACCESS_KEY_SECRET = KEY_ID, SECRET
    settings.ALIYUN_SMS_SIGN_NAME, settings.ALIYUN_SMS_TEMPLATE_CODE = "售后服务台", "SMS_000001"
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the send task runs on commit, as an idle worker would at once
    settings.SERVICE_HOTLINE = "400-820-0000"
    yield server
    server.stop()


def test_the_desk_messages_the_customer_and_the_customer_sees_the_visit(page, login, screenshot, reception,
                                                                         engineer, aliyun):
    ticket = services.ticket_create(created_by=reception, **intake(customer={"name": "张三", "phone": "13800138000"}))
    ticket = services.ticket_preprocess(ticket=ticket, actor=reception, note="已核实")
    ticket = services.ticket_dispatch(ticket=ticket, actor=reception, engineer=engineer)
    start = timezone.localtime(timezone.now() + timedelta(days=1)).replace(hour=14, minute=0, second=0, microsecond=0)
    schedule(ticket, engineer, window_start=start, window_end=start + timedelta(hours=2), address="海淀区中关村大街1号")
    window = f"{start:%Y-%m-%d} 14:00–16:00"
    aliyun.fail_next(status=500, code="InternalError")  # the first attempt fails: the retry sends it

    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, reception)
    page.goto(f"/tickets/{ticket.number}/")
    panel = page.get_by_test_id("customer-message-panel")
    panel.get_by_test_id("message-template").select_option(label="工程师已出发")
    expect(panel.get_by_test_id("message-text")).to_have_value("{customer}您好，工程师已出发，上门时间{visit_window}，"
                                                               "请保持电话畅通。工单号{ticket_no}，服务热线{hotline}。")
    preview = panel.get_by_test_id("message-preview-text")
    expect(preview).to_have_text(f"张三您好，工程师已出发，上门时间{window}，请保持电话畅通。"
                                 f"工单号{ticket.number}，服务热线400-820-0000。")
    panel.get_by_test_id("message-text").press("Control+End")
    panel.get_by_test_id("message-text").type("谢谢！")  # edited before sending: the preview follows
    expect(preview).to_contain_text("服务热线400-820-0000。谢谢！")
    panel.scroll_into_view_if_needed()
    screenshot(page, "customer-message-preview-1366", full_page=False)
    panel.get_by_test_id("message-send").click()

    entry = page.locator("li.timeline-customer-message")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("发给客户的消息")
    expect(entry).to_contain_text(f"上门时间{window}")
    expect(entry).to_contain_text("+86138****8000")
    expect(entry.get_by_test_id("message-status")).to_have_attribute("data-status", "sent")
    expect(entry.get_by_test_id("message-status")).to_contain_text("已发送")
    expect(entry.get_by_test_id("message-status")).to_contain_text("BizId BIZ000001^0")
    entry.scroll_into_view_if_needed()
    screenshot(page, "customer-message-1366")
    message = CustomerMessage.objects.get(ticket=ticket)
    assert (message.status, message.attempts, len(aliyun.requests), aliyun.problems) == ("sent", 2, 2, [])
    assert aliyun.accepted[0]["PhoneNumbers"] == "13800138000" and "谢谢！" in aliyun.accepted[0]["TemplateParam"]

    customer = page.context.browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                                 timezone_id="Asia/Shanghai", base_url=page.url.split("/tickets/")[0])
    phone = customer.new_page()
    phone.goto(f"/progress/?number={ticket.number}")
    phone.locator("#id_phone").fill("13800138000")
    phone.get_by_test_id("progress-submit").click()
    expect(phone.get_by_test_id("progress-next")).to_contain_text(window)
    expect(phone.get_by_test_id("progress-visit")).to_contain_text(window)
    expect(phone.get_by_test_id("progress-hotline")).to_contain_text("400-820-0000")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    screenshot(phone, "progress-390")
    customer.close()
