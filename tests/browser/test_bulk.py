"""The ticket list's bulk bar in a real browser (issue 14, part 4): tick three rows with the keyboard only
(space on the focused row, ↓ to the next) and dispatch them in one request; each row reports its result."""
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import TicketFactory
from tickets.choices import Status
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_select_three_rows_with_the_keyboard_and_dispatch_them(page, login, screenshot, reception, engineer):
    now = timezone.now()
    # Newest first on the list: rows 1–3 are the three to dispatch, row 4 stays as it is.
    tickets = [TicketFactory(status=Status.PREPROCESSED, created_at=now - timedelta(minutes=i)) for i in range(4)]
    login(page, reception)
    page.goto("/tickets/")
    rows = page.locator("[data-bulk-row]")
    expect(rows).to_have_count(4)
    expect(page.get_by_test_id("bulk-apply")).to_be_disabled()

    rows.first.focus()
    for step in range(3):
        page.keyboard.press("Space")
        if step < 2:
            page.keyboard.press("ArrowDown")
    expect(page.get_by_test_id("bulk-count")).to_have_text("3")
    checks = page.locator("[data-bulk-check]")
    for index, ticked in enumerate((True, True, True, False)):
        (expect(checks.nth(index)).to_be_checked if ticked else expect(checks.nth(index)).not_to_be_checked)()
    expect(page.get_by_test_id("select-all")).not_to_be_checked()  # three of four: indeterminate, not all

    page.locator("#bulk_action").select_option("dispatch")
    page.locator("#bulk_engineer").select_option(str(engineer.pk))
    page.get_by_test_id("bulk-apply").click()

    results = page.get_by_test_id("bulk-row")
    expect(results).to_have_count(3)
    for index in range(3):
        expect(results.nth(index)).to_have_attribute("data-ok", "1")
        expect(results.nth(index)).to_have_attribute("data-number", tickets[index].number)
    screenshot(page, "bulk-dispatch")
    stored = {t.pk: (t.status, t.engineer_id) for t in Ticket.objects.all()}
    assert [stored[t.pk] for t in tickets] == [(Status.DISPATCHED, engineer.pk)] * 3 + [(Status.PREPROCESSED, None)]


def test_select_all_ticks_every_row_on_the_page(page, login, reception):
    for _ in range(3):
        TicketFactory(status=Status.PREPROCESSED)
    login(page, reception)
    page.goto("/tickets/")
    page.get_by_test_id("select-all").check()
    expect(page.get_by_test_id("bulk-count")).to_have_text("3")
    expect(page.locator("[data-bulk-check]:checked")).to_have_count(3)
    page.get_by_test_id("select-all").uncheck()
    expect(page.get_by_test_id("bulk-count")).to_have_text("0")
