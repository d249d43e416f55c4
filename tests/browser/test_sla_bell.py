"""SLA in the browser: the ticket's clocks, coloured, and the bell with its unread count, marked read
through HTMX — on a desk-sized window and on a 375 px phone."""
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from sla.enforcement import sla_events_notify, sla_sweep
from sla.models import SlaEvent, WorkingCalendar
from tests.sla.conftest import intake, make_policy
from tickets import services

pytestmark = pytest.mark.browser


@pytest.fixture
def late_ticket(reception, manager, engineer):
    # Registered 2 h ago and dispatched 40 min ago, no reply yet: reply breached (30 min), solution running.
    # Round the clock, so the states do not depend on the hour the test runs at (the shipped policy keeps
    # desk hours), and the desk is told.
    make_policy(code="round-the-clock", calendar=WorkingCalendar.objects.get(always_open=True), rank=1,
                warn_to=("reception",), breach_to=("reception",))
    start = timezone.now() - timedelta(hours=2)
    with time_machine.travel(start, tick=False) as t:
        ticket = services.ticket_create(created_by=reception, **intake())
        t.move_to(start + timedelta(minutes=20))
        ticket = services.ticket_preprocess(ticket=ticket, actor=reception)
        t.move_to(timezone.now() + timedelta(minutes=60))
        ticket = services.ticket_dispatch(ticket=ticket, actor=reception, engineer=engineer)
    sla_sweep(now=timezone.now())
    sla_events_notify(event_ids=list(SlaEvent.objects.values_list("pk", flat=True)))
    return ticket


@pytest.mark.parametrize("width", [1280, 375], ids=["desk", "phone"])
def test_clocks_and_bell(page, login, screenshot, settings, reception, late_ticket, width):
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]  # live_server with DEBUG=0
    page.set_viewport_size({"width": width, "height": 900})
    login(page, reception)
    page.goto(f"/tickets/{late_ticket.number}/")
    clocks = page.get_by_test_id("sla-clocks")
    expect(clocks.get_by_test_id("clock-first_reply")).to_have_attribute("data-state", "breached")
    expect(clocks.get_by_test_id("clock-solution")).to_have_attribute("data-state", "running")
    expect(clocks.get_by_test_id("clock-preprocess")).to_have_attribute("data-state", "met")
    if width < 768:
        page.locator(".navbar-toggler").click()
    bell = page.get_by_test_id("bell")
    count = bell.get_by_test_id("bell-count")
    unread = int(count.inner_text())
    assert unread >= 1
    screenshot(page, f"sla-ticket-clocks-{width}")
    bell.locator("a.nav-link").click()
    expect(bell.get_by_test_id("bell-item").first).to_be_visible()
    screenshot(page, f"sla-bell-open-{width}", full_page=False)
    # An entry is a group of notices (one step and kind); marking it read takes all of them off the count.
    grouped = int(bell.get_by_test_id("bell-item").first.get_attribute("data-count"))
    page.get_by_test_id("bell-read").first.click()
    if unread == grouped:
        expect(page.get_by_test_id("bell-count")).to_have_count(0)
    else:
        expect(page.get_by_test_id("bell-count")).to_have_text(str(unread - grouped))
