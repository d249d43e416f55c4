"""Issue 14, part 5 through the real page: a known phone typed with another name asks what it means, by
keyboard; "this ticket only" is the default and leaves the customer record and earlier tickets alone, "update
this customer's name" renames the record for future tickets but not the earlier ones."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.translation import gettext, override
from playwright.sync_api import expect

from tests.factories import TicketFactory
from tickets.models import Customer, Ticket

pytestmark = pytest.mark.browser

PHONE = "13912345678"


def t(msgid: str) -> str:
    with override("zh-hans"):
        return gettext(msgid)


def start_ticket(page, name: str) -> None:
    """The new-ticket page by keyboard: the known number, then a name; the rest of the call filled in."""
    page.goto("/tickets/new/")
    page.keyboard.type(PHONE)  # the phone field has the focus
    expect(page.get_by_test_id("stored-name")).to_have_text("张三")  # found as the number is typed
    page.keyboard.press("Tab")
    page.keyboard.type(name)
    bought = (timezone.localdate() - timedelta(days=40)).isoformat()
    page.get_by_label(t("Fault description")).fill("开机黑屏")
    page.get_by_label("IMEI").fill("356938035643809")
    page.get_by_label(t("Purchase date")).fill(bought)
    page.get_by_label(t("Invoice date")).fill(bought)
    page.get_by_label(t("Customer name")).focus()


def test_reception_chooses_what_another_name_on_a_known_phone_means(page, login, screenshot, reception):
    earlier = TicketFactory(customer__phone="+86" + PHONE, customer__name="张三")
    login(page, reception)

    # Another person on this phone: the choice appears with "this ticket only" already chosen.
    start_ticket(page, "李四")
    choice = page.get_by_test_id("name-choice")
    expect(choice).to_be_visible()
    expect(page.get_by_label(t("Another person on this phone (this ticket only)"))).to_be_checked()
    screenshot(page, "known-phone-another-name")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_test_id("ticket-number")).to_have_text(re.compile(r"^SD-"))
    expect(page.get_by_test_id("contact-name")).to_have_text("李四")
    assert Customer.objects.get().name == "张三"

    # The same name as stored: nothing to choose.
    start_ticket(page, "张三")
    expect(choice).to_be_hidden()

    # A corrected spelling for the customer from now on: Tab to the choice, arrow to "update", register.
    start_ticket(page, "张叁")
    expect(choice).to_be_visible()
    for _ in range(6):  # name → "Use this name" → "Customer page" → the chosen radio
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "name_policy":
            break
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label(t("Update this customer's name from now on"))).to_be_checked()
    page.keyboard.press("Control+Enter")
    expect(page.get_by_test_id("contact-name")).to_have_text("张叁")

    assert Customer.objects.get().name == "张叁"
    assert list(Ticket.objects.order_by("id").values_list("contact_name", flat=True)) == ["张三", "李四", "张叁"]
    page.goto(f"/tickets/{earlier.number}/")
    expect(page.get_by_test_id("contact-name")).to_have_text("张三")  # the earlier ticket never changes
    expect(page.get_by_test_id("customer-record")).to_contain_text("张叁")
