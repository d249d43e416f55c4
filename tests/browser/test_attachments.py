"""Attachments on the ticket page, in Chromium: upload a photo with HTMX, see a refused file's error."""
import pytest
from playwright.sync_api import expect

from attachments.models import Attachment
from tests.factories import TicketFactory

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02" + b"\x00" * 100

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_a_photo_and_see_a_refusal(page, login, screenshot, reception, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]  # live_server with DEBUG=0
    ticket = TicketFactory()
    page.set_viewport_size({"width": 375, "height": 900})
    login(page, reception)
    page.goto(f"/tickets/{ticket.number}/")
    panel = page.get_by_test_id("attachments")
    expect(panel).to_be_visible()

    panel.locator("select[name=kind]").select_option("fault_photo")
    panel.locator("input[type=file]").set_input_files(
        files=[{"name": "屏幕裂痕.png", "mimeType": "image/png", "buffer": PNG}])
    panel.locator("button[type=submit]").click()
    expect(page.get_by_test_id("attachment")).to_have_count(1)
    expect(page.get_by_test_id("attachment")).to_contain_text("屏幕裂痕.png")
    expect(page.get_by_test_id("attachments-count")).to_contain_text("1 / 20")

    page.get_by_test_id("attachments").locator("input[type=file]").set_input_files(
        files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": b"just some text, not a photo\n"}])
    page.get_by_test_id("attachments").locator("button[type=submit]").click()
    expect(page.get_by_test_id("error-file")).to_be_visible()
    expect(page.get_by_test_id("attachment")).to_have_count(1)
    page.get_by_test_id("attachments").scroll_into_view_if_needed()
    screenshot(page, "attachments-refused-375")
    assert Attachment.objects.filter(ticket=ticket).count() == 1
