"""Live pages in the browser (issue 15 §4): a desk list left open sees, without a reload and within 10 s at the
default poll interval, a ticket another user registers, a step done on a ticket (its clock moves on) and the
notice of a recorded SLA warning in the bell; unchanged polls are 304s that swap nothing; countdowns read in
the browser exactly as the server writes them."""
import time
from datetime import datetime, timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone, translation
from playwright.sync_api import expect

from core.durations import countdown_text
from sla.enforcement import sla_events_notify, sla_sweep
from sla.models import SlaEvent
from tests.sla.conftest import intake
from tickets import services

pytestmark = pytest.mark.browser
WITHIN_MS = 10_000  # the promise: a change shows within 10 s


def register(user, phone: str, name: str = "王五"):
    return services.ticket_create(created_by=user, **intake(customer={"name": name, "phone": phone, "email": ""}))


@pytest.mark.parametrize("width", [1366, 390], ids=["desk", "phone"])
def test_open_desk_list_and_bell_follow_changes(page, login, screenshot, settings, reception, manager, width):
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]  # live_server with DEBUG=0
    assert django_settings.LIVE_POLL_SECONDS <= 8  # the default interval, not a test-only speed-up
    first = register(manager, "+8613800138011", "赵六")
    page.set_viewport_size({"width": width, "height": 900})
    login(page, reception)
    page.goto("/tickets/")
    rows = page.locator("#ticket-rows")
    expect(rows.get_by_role("link", name=first.number)).to_be_visible()
    polls: list[int] = []
    page.on("response", lambda r: polls.append(r.status) if r.request.headers.get("x-live-poll") == "1" else None)

    # Nothing changed: polls answer 304, and a 304 swaps nothing (htmx 2 would swap an empty body by default).
    page.wait_for_timeout(django_settings.LIVE_POLL_SECONDS * 1000 + 1500)
    assert 304 in polls, polls
    expect(rows.get_by_role("link", name=first.number)).to_be_visible()

    # Another user registers a ticket: its row appears without a reload.
    started = time.monotonic()
    second = register(manager, "+8613800138012")
    expect(rows.get_by_role("link", name=second.number)).to_be_visible(timeout=WITHIN_MS)
    assert time.monotonic() - started <= WITHIN_MS / 1000 + 1
    expect(page.get_by_test_id("match-count")).to_have_text("共 2 张工单符合条件")  # the count above follows

    # A step done elsewhere: the row's status changes and its clock moves on (pre-process met, dispatch due).
    row = rows.locator("tr", has=page.get_by_role("link", name=first.number))
    due_before = row.locator("time[datetime]").last.get_attribute("datetime")
    services.ticket_preprocess(ticket=first, actor=manager)
    expect(row.get_by_test_id("status")).to_have_text("已预处理", timeout=WITHIN_MS)
    assert row.locator("time[datetime]").last.get_attribute("datetime") != due_before

    # The sweep records a warning (or breach) and its notice: the bell shows it without a reload.
    if width < 768:
        page.locator(".navbar-toggler").click()
    expect(page.get_by_test_id("bell-count")).to_have_count(0)
    sla_sweep(now=timezone.now() + timedelta(days=3))
    sla_events_notify(event_ids=list(SlaEvent.objects.values_list("pk", flat=True)))
    expect(page.get_by_test_id("bell-count")).to_be_visible(timeout=WITHIN_MS)
    page.get_by_test_id("bell").locator("a.nav-link").click()
    expect(page.get_by_test_id("bell-item").first).to_be_visible()
    screenshot(page, f"live-desk-list-{width}", full_page=False)
    assert page.url.endswith("/tickets/")  # never reloaded


@pytest.mark.parametrize(("locale", "language"), [("zh-CN", "zh-hans"), ("en-US", "en")])
def test_countdowns_tick_in_the_servers_words(browser, live_server, login, settings, reception, locale, language):
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    context = browser.new_context(base_url=live_server.url, locale=locale, timezone_id="Asia/Shanghai")
    page = context.new_page()
    login(page, reception)
    page.goto("/tickets/")
    now = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.get_current_timezone())
    offsets = [0, 1, 59, 60, 61, 23 * 60 + 59, 24 * 60, 48 * 60, 48 * 60 + 1, 50 * 60, 72 * 60, 75 * 60 + 30]
    cases = [(now + timedelta(minutes=m, seconds=s), now) for m in offsets for s in (0, 30)]
    cases += [(now - timedelta(minutes=m, seconds=1), now) for m in offsets]  # overdue
    with translation.override(language):
        expected = [countdown_text(due, at) for due, at in cases]
        expected_step = countdown_text(cases[5][0], now)
    got = page.evaluate("cases => cases.map(([due, now]) => window.liveCountdown.text(due, now, ''))",
                        [[due.timestamp() * 1000, at.timestamp() * 1000] for due, at in cases])
    assert got == expected
    stepped = page.evaluate("([due, now]) => window.liveCountdown.text(due, now, 'STEP')",
                            [cases[5][0].timestamp() * 1000, now.timestamp() * 1000])
    assert stepped == f"STEP · {expected_step}"
    context.close()


def test_a_countdown_ticks_without_a_request(page, login, settings, reception, manager):
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    ticket = register(manager, "+8613800138013")
    login(page, reception)
    page.goto(f"/tickets/{ticket.number}/")
    badge = page.get_by_test_id("clock-preprocess").get_by_test_id("clock-status")
    text = badge.inner_text()
    assert badge.get_attribute("data-due")
    # Move the page's clock 3 hours on: the text counts down in the browser, no server involved.
    page.evaluate("""() => { const real = Date.now; Date.now = () => real() + 3 * 3600000; window.liveCountdown.tick(); }""")
    assert badge.inner_text() != text
