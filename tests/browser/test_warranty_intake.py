"""Issue 4's acceptance: the new-ticket page shows the 三包 decision and its reasons as reception types,
without a reload — 5 days after purchase a performance fault may be returned, 10 days after only
exchanged or repaired."""
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.translation import gettext, override
from playwright.sync_api import expect

from warranty.periods import after_rest
from warranty.selectors import statutory_rest_days

pytestmark = pytest.mark.browser


def t(msgid: str) -> str:
    with override("zh-hans"):
        return gettext(msgid)


def ago(days: int) -> str:
    return (timezone.localdate() - timedelta(days=days)).isoformat()


def test_intake_shows_the_decision_live_and_it_changes_with_the_purchase_date(page, login, screenshot, reception,
                                                                             settings):
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]  # live_server with DEBUG=0
    login(page, reception)
    page.goto("/tickets/new/")
    page.evaluate("window.__sameDocument = true")  # gone if anything reloads the page

    page.get_by_label(t("Product category")).select_option("phone")
    page.get_by_label(t("Fault kind (三包)")).select_option("performance")
    page.get_by_label("IMEI").fill("356938035643809")
    page.get_by_label(t("Invoice number")).fill("FP-2026-0001")
    page.get_by_label(t("Warranty card number")).fill("BX-88")
    page.get_by_label(t("Purchase date")).fill(ago(5))

    decision = page.get_by_test_id("warranty-decision")
    expect(decision.get_by_test_id("remedy-return")).to_be_visible()
    # Within 7 days: the last day, or the day after the rest when it is a statutory rest day.
    last_day = after_rest(timezone.localdate() + timedelta(days=2), statutory_rest_days())
    expect(decision.get_by_test_id("remedy-return-until")).to_have_text(last_day.isoformat())
    expect(decision).to_contain_text("退货期内")  # the reason, in Chinese, with its rule
    expect(decision.get_by_test_id("warranty-reasons")).to_contain_text("《移动电话机商品修理更换退货责任规定》第十一条")
    expect(decision.get_by_test_id("warranty-reasons")).not_to_contain_text("seed")
    screenshot(page, "warranty-intake-day5")

    page.get_by_label(t("Purchase date")).fill(ago(10))
    expect(decision.get_by_test_id("remedy-return")).to_have_count(0)
    expect(decision.get_by_test_id("remedy-exchange")).to_be_visible()
    expect(decision.get_by_test_id("remedy-repair")).to_be_visible()
    expect(decision).not_to_contain_text("退货期内")
    expect(decision).to_contain_text("换货期内")
    assert page.evaluate("window.__sameDocument") is True
    screenshot(page, "warranty-intake")

    # A part the category does not have is not offered: furniture has only the whole item.
    page.get_by_label(t("Product category")).select_option("furniture")
    expect(page.locator("#id_component option:not([hidden])")).to_have_count(1)
    page.set_viewport_size({"width": 375, "height": 800})
    page.get_by_test_id("warranty-decision").scroll_into_view_if_needed()
    screenshot(page, "warranty-intake-375", full_page=False)


def test_manager_overrides_the_decision_and_the_timeline_shows_it_without_a_reload(page, login, screenshot,
                                                                                     manager, reception, settings):
    from tests.factories import intake_payload
    from tickets.services import ticket_create

    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    body = intake_payload()
    bought = timezone.localdate() - timedelta(days=40)
    ticket = ticket_create(created_by=reception, customer=body["customer"], kind="repair", fault_description="黑屏",
                           device={**body["device"], "purchase_date": bought, "invoice_date": bought,
                                   "invoice_number": "I-1", "warranty_card_number": "W-1"})
    login(page, manager)
    page.goto(f"/tickets/{ticket.number}/")
    page.evaluate("window.__sameDocument = true")
    panel = page.get_by_test_id("warranty-detail")
    expect(panel.get_by_test_id("remedy-repair")).to_be_visible()
    expect(panel.get_by_test_id("remedy-exchange")).to_have_count(0)

    panel.locator("summary").filter(has_text=t("Override (manager)")).click()
    panel.get_by_label(t("Free exchange")).check()
    panel.get_by_test_id("warranty-override-submit").click()  # no reason yet: refused in place
    expect(page.get_by_test_id("error-reason")).to_be_visible()

    page.get_by_label(t("Reason for the override")).fill("主板批次问题，厂家同意换机")
    page.get_by_test_id("warranty-override-submit").click()
    expect(page.get_by_test_id("warranty-overridden")).to_contain_text("主板批次问题")
    expect(page.get_by_test_id("warranty-detail").get_by_test_id("remedy-exchange")).to_be_visible()
    expect(page.get_by_test_id("timeline")).to_contain_text("主板批次问题，厂家同意换机")
    expect(page.get_by_test_id("event-warranty-override")).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True
    screenshot(page, "warranty-override")
