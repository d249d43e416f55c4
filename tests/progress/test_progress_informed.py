"""The customer's progress page keeps them informed (issue 15 §9): the next step in plain words, the window of
a planned visit, a refund's state and amount (a refund ticket never reads "维修完成"), and the hotline."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from refunds.services import refund_mark_paid
from tests.fieldservice.helpers import schedule
from tickets.engineering.services import ticket_solve

pytestmark = pytest.mark.django_db
URL = reverse("progress:lookup")


def _page(client, ip, ticket, phone="13800138000"):
    return client.post(URL, {"number": ticket.number, "phone": phone}, REMOTE_ADDR=ip,
                       HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


def test_a_planned_visit_shows_its_window_as_the_next_step(walk, engineer, client, client_ip):
    ticket = walk(solve=False)
    start = timezone.localtime(timezone.now() + timedelta(days=1)).replace(hour=14, minute=0, second=0, microsecond=0)
    schedule(ticket, engineer, window_start=start, window_end=start + timedelta(hours=2), address="海淀区中关村大街1号")
    page = _page(client, client_ip, ticket)
    window = f"{start:%Y-%m-%d} 14:00–16:00"
    assert 'data-testid="progress-visit"' in page and window in page
    next_step = page[page.index('data-testid="progress-next"'):]
    assert next_step.index(window) < next_step.index("</span>")  # the next step names the window


def test_a_refund_ticket_speaks_of_the_refund_never_of_a_repair(walk, engineer, reception, client, client_ip):
    ticket = walk(solve=False)
    ticket_solve(ticket=ticket, actor=engineer, kind="return_refund", plan="退货退款", result="已收到退货")
    page = _page(client, client_ip, ticket)
    assert "维修完成" not in page and "修复" not in page
    assert 'data-testid="progress-refund"' in page and "待退款" in page
    assert "退款" in page[page.index('data-testid="progress-status"'):page.index('data-testid="progress-steps"')]

    refund_mark_paid(refund=ticket.refunds.get(), actor=reception, amount=Decimal("3999.00"), method="alipay")
    page = _page(client, client_ip, ticket)
    refund = page[page.index('data-testid="progress-refund"'):]
    assert "¥3,999.00" in refund[:400] and "维修完成" not in page
    assert "¥3,999.00" in page[page.index('data-testid="progress-status"'):page.index('data-testid="progress-next"')]


def test_a_repair_still_says_the_repair_is_done(walk, client, client_ip):
    ticket = walk()  # solved as a shop repair
    page = _page(client, client_ip, ticket)
    assert "维修完成" in page and 'data-testid="progress-refund"' not in page


def test_the_hotline_is_on_the_page_from_the_setting(client, client_ip, settings, walk):
    settings.SERVICE_HOTLINE = "400-123-4567"
    assert "400-123-4567" in client.get(URL).content.decode()
    miss = client.post(URL, {"number": "SD-20260101-0001", "phone": "13800138000"}, REMOTE_ADDR=client_ip)
    assert 'href="tel:400-123-4567"' in miss.content.decode()


def test_the_link_in_a_message_fills_in_the_ticket_number(client):
    page = client.get(URL + "?number=SD-20261202-0007").content.decode()
    assert 'value="SD-20261202-0007"' in page
