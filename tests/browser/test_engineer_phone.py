"""Issue 15 §3 and §10 in Chromium: an engineer on a 390×844 phone finds the reply form on the first screen of
an assigned ticket and sends it; the queue names the step due with a countdown as people say it; the desk's
dispatch panel at 1366 px shows each engineer's load and preselects the suggested one."""
import re

import pytest
from playwright.sync_api import expect

from django.utils.translation import override

from core.roles import Role
from sla.choices import Step
from tests.conftest import make_user
from tests.factories import TicketFactory
from tests.tickets.test_services import intake
from tickets import services
from tickets.choices import Status
from tickets.models import Ticket

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 900}


def assigned(reception, engineer, phone):
    ticket = services.ticket_create(created_by=reception, **intake(customer={"phone": phone, "name": "张三"}))
    ticket = services.ticket_preprocess(ticket=ticket, actor=reception)
    return services.ticket_dispatch(ticket=ticket, actor=reception, engineer=engineer)


def test_the_engineer_replies_from_the_first_screen_of_a_phone(page, login, screenshot, reception, engineer):
    ticket = assigned(reception, engineer, "+8613800138000")
    assigned(reception, engineer, "+8613900139000")  # a second card in the queue
    page.set_viewport_size(PHONE)
    login(page, engineer)

    page.goto("/tickets/mine/")
    cards = page.get_by_test_id("queue-card")
    expect(cards).to_have_count(2)
    with override("zh-hans"):
        step = str(Step.FIRST_REPLY.label)
    for card in cards.all():  # every card says which step is due and how long is left, as people say it
        expect(card.get_by_test_id("queue-countdown")).to_have_text(re.compile(rf"^{step} · (剩余|超时) \d+ (分钟|小时)"))
    screenshot(page, "engineer-queue-390", full_page=False)

    page.get_by_test_id("queue-ticket").filter(has_text=ticket.number).click()
    reply = page.locator("#panel-reply")
    expect(reply).to_be_visible()
    box = reply.bounding_box()
    assert box is not None and box["y"] < PHONE["height"], f"the reply form starts at y={box and box['y']}"
    button = page.get_by_test_id("do-reply").bounding_box()
    assert button["y"] + button["height"] <= PHONE["height"], "the send button is below the first screen"
    assert page.locator("#actions").bounding_box()["y"] < page.get_by_test_id("fault").bounding_box()["y"]
    screenshot(page, "engineer-ticket-390", full_page=False)

    page.locator("#id_reply-difficulty").fill("外机不启动，疑似启动电容损坏")
    page.locator("#id_reply-next_step").fill("今天下午上门检测")
    page.get_by_test_id("do-reply").click()
    expect(page.get_by_test_id("timeline")).to_contain_text("今天下午上门检测")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.REPLIED
    expect(page.locator("#panel-reply")).to_have_count(0)

    page.set_viewport_size(DESK)  # the desktop layout keeps details left, actions right
    page.reload()
    details, actions = page.get_by_test_id("fault").bounding_box(), page.locator("#actions").bounding_box()
    assert actions["x"] > details["x"] + details["width"] - 1 and actions["y"] < details["y"] + 200
    screenshot(page, "engineer-ticket-1366", full_page=False)


def test_dispatch_shows_loads_and_preselects_the_least_loaded(page, login, screenshot, reception, engineer):
    busy = make_user(Role.ENGINEER, "busy")
    busy.last_name, busy.first_name = "王", "工"
    busy.save()
    engineer.last_name, engineer.first_name = "李", "工"
    engineer.save()
    for n in range(3):
        assigned(reception, busy, f"+86137001370{n:02d}")
    assigned(reception, engineer, "+8613600136000")
    idle = make_user(Role.ENGINEER, "idle")
    idle.last_name, idle.first_name = "张", "工"
    idle.save()
    TicketFactory(engineer=idle, status=Status.CLOSED)  # history is not load
    ticket = services.ticket_preprocess(
        ticket=services.ticket_create(created_by=reception, **intake(customer={"phone": "+8613500135000"})),
        actor=reception)
    page.set_viewport_size(DESK)
    login(page, reception)

    page.goto(f"/tickets/{ticket.number}/")
    select = page.locator("#id_engineer")
    expect(select.locator("option", has_text="王工")).to_contain_text("在办 3 单")
    expect(select.locator("option", has_text="李工")).to_contain_text("在办 1 单")
    expect(select.locator("option", has_text="张工")).to_contain_text("在办 0 单 · 建议")
    assert select.input_value() == str(idle.pk)
    expect(select.locator("option", has_text="王工")).to_contain_text("最近到期")
    page.evaluate("document.querySelector('#id_engineer').size = 4")  # the screenshot shows the options
    screenshot(page, "dispatch-1366", full_page=False)
    page.evaluate("document.querySelector('#id_engineer').size = 0")

    page.get_by_test_id("do-dispatch").click()
    expect(page.get_by_test_id("engineer")).to_contain_text("张工")
    assert Ticket.objects.get(pk=ticket.pk).engineer_id == idle.pk
