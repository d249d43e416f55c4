"""The callback desk in Chromium at 1366 px and 390 px (issue 15 §5), by keyboard only: j moves from card to
card with a visible focus, the one script panel names the customer of the focused card, 1 picks "fixed",
Enter saves, the card turns into its outcome in place and the focus goes on to the next card; 0 + Enter
records "not reached"."""
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from callbacks.choices import CallbackState
from callbacks.models import Callback
from tests.callbacks.conftest import intake
from tickets import services
from tickets.choices import Status
from tickets.engineering.services import ticket_solve
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NAMES = ("周星星", "吴孟达", "朱茵")


def _solved(reception, engineer, phone: str, name: str) -> Ticket:
    body = intake(phone)
    body["customer"]["name"] = name
    ticket = services.ticket_create(created_by=reception, **body)
    ticket = services.ticket_preprocess(ticket=ticket, actor=reception)
    ticket = services.ticket_dispatch(ticket=ticket, actor=reception, engineer=engineer)
    ticket_solve(ticket=ticket, actor=engineer, kind="shop_repair", plan="更换屏幕排线", result="测试正常")
    return Ticket.objects.get(pk=ticket.pk)


def _focused_number(page) -> str:
    return page.evaluate("document.activeElement.closest('[data-testid=callback-card]')"
                         "?.querySelector('[data-testid=callback-ticket]')?.textContent || ''")


@pytest.mark.parametrize("width", [1366, 390])
def test_record_outcomes_by_keyboard_only(page, login, screenshot, reception, engineer, width):
    tickets = [_solved(reception, engineer, f"+861390013900{i}", name) for i, name in enumerate(NAMES)]
    # Due now whatever the hour: solved after 17:30 Beijing time, a callback is due the next working morning.
    Callback.objects.filter(ticket__in=tickets).update(due_at=timezone.now())
    page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
    login(page, reception)
    page.goto("/callbacks/")
    cards = page.get_by_test_id("callback-card")
    expect(cards).to_have_count(3)
    expect(page.get_by_test_id("count-due")).to_have_text("3")
    panel = page.get_by_test_id("script-panel")
    expect(panel).not_to_have_attribute("open", "")  # collapsed until asked for

    page.locator("body").focus()
    page.keyboard.press("j")
    assert _focused_number(page) == tickets[0].number
    page.keyboard.press("j")
    assert _focused_number(page) == tickets[1].number
    # The focus is visible: an outline on the card in focus, none on the others.
    assert cards.nth(1).evaluate("e => getComputedStyle(e).outlineStyle") == "solid"
    assert cards.nth(0).evaluate("e => getComputedStyle(e).outlineStyle") == "none"
    expect(page.get_by_test_id("script-customer")).to_have_text(NAMES[1])

    page.keyboard.press("s")  # the scripts, for the card in focus
    expect(panel).to_have_attribute("open", "")
    opening = panel.locator("[data-script=opening]")
    opening.evaluate("e => e.open = true")  # what a click on the summary does; the focus stays on the card
    expect(opening).to_contain_text(f"请问是{NAMES[1]}吗")
    assert _focused_number(page) == tickets[1].number

    page.keyboard.press("1")
    expect(cards.nth(1).get_by_label("已联系上", exact=True)).to_be_checked()
    expect(cards.nth(1).get_by_label("回访结果")).to_have_value("fixed")
    page.keyboard.press("Enter")
    done = page.get_by_test_id("callback-done")
    expect(done).to_have_count(1)
    expect(done).to_contain_text("已修复")
    expect(page.get_by_test_id("flash").first).to_be_visible()
    expect(page.get_by_test_id("callback-card")).to_have_count(2)  # swapped in place, the others stay
    page.wait_for_function("document.activeElement.dataset.testid === 'callback-card'")
    assert _focused_number(page) == tickets[2].number  # on to the next call
    screenshot(page, f"callback-desk-{width}")

    page.keyboard.press("0")  # not reached
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("callback-done")).to_have_count(2)
    assert Ticket.objects.get(pk=tickets[1].pk).status == Status.CLOSED
    assert Callback.objects.get(ticket=tickets[1]).state == CallbackState.DONE
    third = Callback.objects.get(ticket=tickets[2])
    assert (third.state, third.attempts) == (CallbackState.UNREACHABLE, 1)
    assert Callback.objects.get(ticket=tickets[0]).state == CallbackState.DUE
