"""The dashboard in a browser, desktop and phone width: screenshots into test-artifacts/."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import *  # noqa: F401,F403  (page, login, screenshot fixtures)
from tests.conftest import PASSWORD

QUERY = "?date_from=2026-02-20&date_to=2026-03-02"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_dashboard_desktop_and_phone(history_in_the_past, page, login, screenshot):
    manager = history_in_the_past["manager"]
    manager.set_password(PASSWORD)
    manager.save()
    login(page, manager)
    page.get_by_test_id("nav-dashboard").click()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/dashboard/" + QUERY)
    expect(page.get_by_test_id("step-preprocess").get_by_test_id("breached")).to_have_text("1")
    expect(page.get_by_test_id("kpi-breaches")).to_have_text("3")
    # Issue 15: the open breaches are in the rate, and the page says how the rate is made.
    expect(page.get_by_test_id("step-first_reply").get_by_test_id("open-breached")).to_be_visible()
    expect(page.get_by_test_id("ontime-formula")).to_contain_text("3")
    expect(page.get_by_test_id("compliance-note")).to_be_visible()
    screenshot(page, "dashboard-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.get_by_test_id("compliance")).to_be_visible()
    expect(page.get_by_test_id("ontime-formula")).to_be_visible()
    screenshot(page, "dashboard-390")
    page.get_by_test_id("step-preprocess").get_by_test_id("breached").click()
    expect(page.get_by_test_id("drilldown")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(1)
