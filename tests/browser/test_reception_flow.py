"""Issue 3's acceptance flow through the real pages: reception registers a caller's fault by keyboard, finds it
by phone and by IMEI, pre-processes and dispatches it; the engineer then sees it on "My tickets"."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.translation import gettext, override
from playwright.sync_api import expect

from tickets.choices import Status
from tickets.models import Ticket

pytestmark = pytest.mark.browser

PHONE, PHONE_SPOKEN = "13912345678", "139 1234 5678"
IMEI = "356938035643809"


def t(msgid: str) -> str:
    """A label as the page shows it (Chinese by default; the msgid itself until translations are compiled)."""
    with override("zh-hans"):
        return gettext(msgid)


def test_reception_registers_dispatches_and_the_engineer_sees_it(page, new_context, login, screenshot,
                                                                 reception, engineer):
    engineer.last_name, engineer.first_name = "李", "工"
    engineer.save()
    bought = (timezone.localdate() - timedelta(days=40)).isoformat()

    # --- register a fault for a new caller, by keyboard --------------------------------------------------------
    login(page, reception)
    expect(page).to_have_url(re.compile(r"/tickets/$"))
    page.get_by_role("link", name=t("New ticket")).first.click()
    expect(page.get_by_label(t("Customer phone"))).to_be_focused()  # the cursor is where the call starts
    page.keyboard.type(PHONE)
    page.keyboard.press("Tab")
    expect(page.get_by_label(t("Customer name"))).to_be_focused()
    page.keyboard.type("周星星")
    page.get_by_label(t("Fault description")).fill("<b>开机黑屏</b>，充电无反应")
    page.get_by_label(t("Brand")).fill("小米")
    page.get_by_label(t("Model"), exact=True).fill("14 Pro")
    page.get_by_label("IMEI").fill(IMEI)
    page.get_by_label(t("Purchase date")).fill(bought)
    page.get_by_label(t("Invoice date")).fill(bought)
    screenshot(page, "new-ticket-form")
    page.get_by_label(t("Invoice number")).press("Control+Enter")  # register without reaching for the mouse

    number_heading = page.get_by_test_id("ticket-number")
    expect(number_heading).to_have_text(re.compile(r"^SD-\d{8}-\d{4}$"))
    number = number_heading.inner_text()
    expect(page.get_by_test_id("fault")).to_have_text("<b>开机黑屏</b>，充电无反应")  # shown as typed, not as HTML

    # --- find it in the list by phone (as the caller says it) and by IMEI ------------------------------------
    for query in (PHONE_SPOKEN, IMEI):
        page.goto("/tickets/")
        page.get_by_role("searchbox").fill(query)
        page.get_by_role("searchbox").press("Enter")
        rows = page.locator("#ticket-rows tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text(number)
        expect(rows.first).to_contain_text("周星星")
    screenshot(page, "ticket-list")

    # --- open it, pre-process and dispatch through the HTMX panels ---------------------------------------------
    page.get_by_role("link", name=number).click()
    expect(page).to_have_url(re.compile(rf"/tickets/{number}/$"))
    page.locator("#id_priority").select_option("high")  # the pre-process panel (the Edit panel has its own)
    page.get_by_label(t("Pre-processing conclusion")).fill("远程指导无效，需工程师上门")
    page.get_by_test_id("do-preprocess").click()
    expect(page.get_by_test_id("status")).to_have_text(t("Pre-processed"))
    expect(page.get_by_test_id("timeline")).to_contain_text("远程指导无效，需工程师上门")

    # engineers are offered by the name the desk calls them
    # The option names the engineer and their load ("李工 · login · 在办 0 单 …", issue 15 §10).
    engineer_select = page.locator("#actions").get_by_label(t("Engineer"))
    expect(engineer_select.locator(f"option[value='{engineer.pk}']")).to_contain_text(
        f"李工 · {engineer.get_username()}")
    engineer_select.select_option(value=str(engineer.pk))
    page.get_by_test_id("do-dispatch").click()
    expect(page.get_by_test_id("status")).to_have_text(t("Dispatched"))
    expect(page.get_by_test_id("engineer")).to_have_text("李工")
    expect(page.get_by_test_id("flash").first).to_be_visible()  # the action said it worked
    screenshot(page, "ticket-page")

    stored = Ticket.objects.get(number=number)
    assert (stored.status, stored.engineer, stored.priority) == (Status.DISPATCHED, engineer, "high")
    assert (stored.customer.phone, stored.device.imei) == ("+86" + PHONE, IMEI)
    assert list(stored.events.order_by("at", "id").values_list("action", flat=True)) == [
        "register", "preprocess", "dispatch"]

    # --- the engineer logs in and finds it on "My tickets", also on a phone-sized screen -------------------------
    for name, viewport in (("my-tickets", {"width": 1280, "height": 900}),
                           ("my-tickets-375", {"width": 375, "height": 812})):
        engineer_page = new_context().new_page()  # a fresh context: its own cookies, so its own login
        engineer_page.set_viewport_size(viewport)
        login(engineer_page, engineer)
        expect(engineer_page).to_have_url(re.compile(r"/tickets/mine/$"))
        card = engineer_page.get_by_test_id("my-tickets")
        expect(card).to_contain_text(number)
        expect(card).to_contain_text("周星星")
        screenshot(engineer_page, name)
    assert engineer_page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing sticks out sideways
