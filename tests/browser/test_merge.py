"""Issue 14 part 3 through the real ticket page, as reception: open the merge panel of a duplicate, choose the
other ticket of the same caller, merge; the browser lands on the survivor, which shows both histories, and
the duplicate's number still leads there."""
import pytest
from playwright.sync_api import expect

from tests.tickets.test_services import intake
from tickets import services
from tickets.choices import Status
from tickets.models import Ticket

pytestmark = pytest.mark.browser


def register(reception):
    kwargs = intake(customer={"name": "张三", "phone": "13800138000"})
    kwargs["device"]["imei"] = "490154203237518"
    return services.ticket_create(created_by=reception, **kwargs)


def test_reception_merges_a_duplicate_into_the_first_ticket(page, login, screenshot, reception):
    first, duplicate = register(reception), register(reception)
    login(page, reception)

    page.goto(f"/tickets/{duplicate.number}/")
    page.get_by_test_id("merge-panel").locator("summary").click()
    candidate = page.get_by_test_id("merge-candidate").filter(has_text=first.number)
    expect(candidate).to_have_count(1)
    candidate.locator("input[type=radio]").check()
    screenshot(page, "merge-panel")
    page.get_by_test_id("do-merge").click()

    page.wait_for_url(f"**/tickets/{first.number}/")
    expect(page.get_by_test_id("ticket-number")).to_have_text(first.number)
    expect(page.get_by_test_id("timeline")).to_contain_text(duplicate.number)  # both histories, the other one named
    screenshot(page, "merge-survivor")
    stored = Ticket.objects.get(pk=duplicate.pk)
    assert (stored.status, stored.merged_into_id) == (Status.MERGED, first.pk)

    page.goto(f"/tickets/{duplicate.number}/")  # the merged number still finds the case
    page.wait_for_url(f"**/tickets/{first.number}/")
