"""The desk's messages to the customer (progress/message_services.py): placeholders, the timeline entry,
sending through Alibaba Cloud SMS (a local fake) with bounded retries, a delivery status, never twice."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from core.errors import ApplicationError
from progress.message_services import customer_message_create, customer_messages_requeue, retry_delay
from progress.models import CustomerMessage, MessageTemplate
from progress.tasks import customer_message_send_task
from refunds.services import refund_mark_paid
from tests.fieldservice.helpers import schedule
from tickets.engineering.services import ticket_solve
from tickets.models import Customer, TicketEvent

pytestmark = pytest.mark.django_db


def _send(ticket, reception, text, **kwargs):
    return customer_message_create(ticket=ticket, actor=reception, channel=kwargs.pop("channel", "sms"), text=text,
                                   **kwargs)


def _deliver(message):
    customer_message_send_task.apply(args=(message.pk,))  # as a worker would, retries included (eager)
    message.refresh_from_db()
    return message


def test_the_default_templates_are_chinese_and_use_the_placeholders():
    templates = {t.code: t for t in MessageTemplate.objects.all()}
    assert set(templates) >= {"received", "engineer_on_way", "repair_done", "refund_paid"}
    assert "{visit_window}" in templates["engineer_on_way"].body and "{amount}" in templates["refund_paid"].body
    assert "维修完成" in templates["repair_done"].body and "退款" in templates["refund_paid"].body


def test_an_unknown_placeholder_is_refused_in_the_admin_form():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="price"):
        MessageTemplate(code="x", name="x", body="{customer} 价格 {price}").full_clean()


def test_a_message_fills_the_placeholders_and_goes_on_the_timeline_as_a_customer_message(walk, reception, settings):
    settings.SERVICE_HOTLINE, settings.SITE_URL = "400-123-4567", "https://desk.example.cn"
    ticket = walk(solve=False)
    template = MessageTemplate.objects.get(code="received")
    message = _send(ticket, reception, template.body, template=template)
    assert message.status == "queued" and message.recipient == "+8613800138000"
    assert ticket.number in message.text and "400-123-4567" in message.text and "{" not in message.text
    assert f"https://desk.example.cn/progress/?number={ticket.number}" in message.text
    event = TicketEvent.objects.get(ticket=ticket, action="customer_message")
    assert event.data["message"] == message.pk and event.data["text"] == message.text
    assert event.data["to"] == "+86138****8000"  # the timeline, read by partners too, shows no full number
    assert not TicketEvent.objects.filter(ticket=ticket, action="note").exists()  # not an internal note


def test_the_visit_window_and_the_refund_amount_come_from_their_apps(walk, reception, engineer, settings):
    ticket = walk(solve=False)
    with pytest.raises(ApplicationError, match="visit_window"):
        _send(ticket, reception, "上门时间{visit_window}")  # nothing planned yet: refused, not sent blank
    start = timezone.localtime(timezone.now() + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    schedule(ticket, engineer, window_start=start, window_end=start + timedelta(hours=2), address="海淀区中关村大街1号")
    message = _send(ticket, reception, "上门时间{visit_window}")
    assert message.text == f"上门时间{start:%Y-%m-%d} 09:00–11:00"

    refund_ticket = walk(phone="+8613900139000", solve=False)
    ticket_solve(ticket=refund_ticket, actor=engineer, kind="return_refund", plan="退货退款", result="已收到退货")
    refund = refund_ticket.refunds.get()
    refund_mark_paid(refund=refund, actor=reception, amount=Decimal("3999.00"), method="alipay")
    assert _send(refund_ticket, reception, "退款{amount}已支付").text == "退款¥3,999.00已支付"


def test_sent_through_the_provider_once_with_its_biz_id(walk, reception, fake_aliyun):
    message = _deliver(_send(walk(solve=False), reception, "您好{customer}"))
    assert (message.status, message.provider_id, message.attempts) == ("sent", "BIZ000001^0", 1)
    assert fake_aliyun.problems == [] and len(fake_aliyun.requests) == 1
    _deliver(message)  # a redelivered knock
    assert len(fake_aliyun.requests) == 1 and CustomerMessage.objects.get(pk=message.pk).attempts == 1


def test_a_500_then_throttling_are_retried_and_the_message_is_sent_on_the_third_attempt(walk, reception, fake_aliyun):
    fake_aliyun.fail_next(status=500, code="InternalError")
    fake_aliyun.fail_next(status=200, code="isv.BUSINESS_LIMIT_CONTROL")
    message = _deliver(_send(walk(solve=False), reception, "工程师已出发"))
    assert [q.get("Code") for q in fake_aliyun.requests] == [None, None, None] and len(fake_aliyun.requests) == 3
    assert (message.status, message.attempts, message.error) == ("sent", 3, "")
    assert message.provider_id == "BIZ000001^0" and len(fake_aliyun.accepted) == 1


def test_retries_are_bounded_and_the_last_error_is_kept(walk, reception, fake_aliyun, settings):
    settings.CUSTOMER_MESSAGE_MAX_ATTEMPTS = 3
    fake_aliyun.fail_next(10, status=503, code="ServiceUnavailable")
    message = _deliver(_send(walk(solve=False), reception, "测试"))
    assert (message.status, message.attempts) == ("failed", 3) and len(fake_aliyun.requests) == 3
    assert "ServiceUnavailable" in message.error and fake_aliyun.accepted == []


def test_a_permanent_refusal_is_not_retried(walk, reception, fake_aliyun):
    fake_aliyun.fail_next(status=200, code="isv.MOBILE_NUMBER_ILLEGAL")
    message = _deliver(_send(walk(solve=False), reception, "测试"))
    assert (message.status, message.attempts, len(fake_aliyun.requests)) == ("failed", 1, 1)
    assert "isv.MOBILE_NUMBER_ILLEGAL" in message.error


def test_the_backoff_doubles_and_is_capped():
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert retry_delay(20) == 1800


def test_a_lost_knock_is_made_good_by_the_requeue_sweep(walk, reception, fake_aliyun, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    message = _send(walk(solve=False), reception, "测试")  # its after-commit knock never ran (test transaction)
    assert customer_messages_requeue(now=timezone.now()) == 0  # too fresh: the knock may still come
    assert customer_messages_requeue(now=timezone.now() + timedelta(minutes=3)) == 1
    message.refresh_from_db()
    assert message.status == "sent" and len(fake_aliyun.accepted) == 1
    assert customer_messages_requeue(now=timezone.now() + timedelta(minutes=30)) == 0


def test_an_email_is_sent_with_its_subject(walk, reception):
    ticket = walk(solve=False)
    with pytest.raises(ApplicationError, match="e-mail|邮"):
        _send(ticket, reception, "您好", channel="email")
    Customer.objects.filter(pk=ticket.customer_id).update(email="zhang@example.com")
    ticket.customer.refresh_from_db()
    template = MessageTemplate.objects.get(code="received")
    message = _deliver(_send(ticket, reception, template.body, subject=template.subject, channel="email"))
    assert message.status == "sent" and message.provider_id.startswith("<")
    assert mail.outbox[-1].subject == f"服务工单{ticket.number}已受理" and mail.outbox[-1].to == ["zhang@example.com"]


def test_the_completion_sms_goes_through_the_same_provider(solved, reception, fake_aliyun):
    from callbacks import services as callback_services
    from progress.models import CompletionNotice
    from progress.services import completion_notice_send

    ticket, callback = solved
    callback_services.callback_record(callback=callback, actor=reception, reached=True, outcome="fixed")
    notice = CompletionNotice.objects.get(ticket=ticket, channel="sms")
    assert completion_notice_send(notice_id=notice.pk)
    notice.refresh_from_db()
    assert notice.provider_id == "BIZ000001^0" and fake_aliyun.accepted[0]["PhoneNumbers"] == "13800138000"
    assert ticket.number in fake_aliyun.accepted[0]["TemplateParam"]
