"""Issue 14 parts 1–2 through the real ticket page, as reception: edit a ticket (the timeline shows old → new),
cancel it (a reason is required; then it is cancelled), and reopen a closed ticket back to its engineer."""
import pytest
from django.utils.translation import gettext, override
from playwright.sync_api import expect

from core.templatetags.desk import person
from tests.callbacks.conftest import intake, walk  # noqa: F401  (tickets walked along the SOP)
from tickets import services
from tickets.choices import Kind, Priority, Status
from tickets.models import Ticket

pytestmark = pytest.mark.browser


def t(msgid: str) -> str:
    with override("zh-hans"):
        return gettext(msgid)


def label(choice) -> str:
    with override("zh-hans"):
        return str(choice.label)


def test_reception_edits_cancels_and_reopens(page, login, screenshot, reception, engineer, walk):
    ticket = services.ticket_create(created_by=reception, **intake())
    closed = walk(phone="+8613700137000")
    closed = services.ticket_transition(ticket=closed, action="callback_ok", actor=reception)
    closed = services.ticket_transition(ticket=closed, action="close", actor=reception)
    login(page, reception)

    # --- edit: kind and priority, seen on the timeline as old → new ---------------------------------------
    page.goto(f"/tickets/{ticket.number}/")
    page.get_by_test_id("edit-panel").locator("summary").click()
    page.locator("#id_edit-kind").select_option(Kind.RETURN_EXCHANGE)
    page.locator("#id_edit-priority").select_option(Priority.HIGH)
    page.get_by_test_id("do-edit").click()
    update = page.get_by_test_id("event-update")
    expect(update).to_contain_text(f"{label(Kind.REPAIR)} → {label(Kind.RETURN_EXCHANGE)}")
    expect(update).to_contain_text(f"{label(Priority.NORMAL)} → {label(Priority.HIGH)}")
    screenshot(page, "ticket-edited")

    # --- cancel: without a reason it is refused next to the field, with one it is done ---------------------
    page.get_by_test_id("cancel-panel").locator("summary").click()
    page.get_by_test_id("do-cancel").click()  # no reason: the browser itself refuses to send the form
    expect(page.locator("#id_cancel-reason:invalid")).to_have_count(1)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.REGISTERED
    page.locator("#id_cancel-reason").select_option("other")
    page.get_by_test_id("do-cancel").click()
    expect(page.get_by_test_id("error-note")).to_have_text(t("Say why the ticket is cancelled."))
    page.locator("#id_cancel-reason").select_option("mistake")
    page.get_by_test_id("do-cancel").click()
    expect(page.get_by_test_id("event-cancel")).to_have_text(t("Registered by mistake"))
    expect(page.get_by_test_id("edit-panel")).to_have_count(0)  # a cancelled ticket is not edited any more
    expect(page.get_by_test_id("cancel-panel")).to_have_count(0)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CANCELLED
    screenshot(page, "ticket-cancelled")

    # --- reopen a closed ticket: back to its engineer ------------------------------------------------------
    page.goto(f"/tickets/{closed.number}/")
    panel = page.get_by_test_id("reopen-panel")
    panel.get_by_label(t("Why is the ticket reopened?")).fill("客户反馈问题复现")
    page.get_by_test_id("do-reopen").click()
    expect(page.get_by_test_id("reopen-panel")).to_have_count(0)
    expect(page.get_by_test_id("engineer")).to_have_text(person(engineer))
    stored = Ticket.objects.get(pk=closed.pk)
    assert (stored.status, stored.engineer_id) == (Status.DISPATCHED, engineer.pk)
    screenshot(page, "ticket-reopened")
