"""The keyboard intake page (issue 15) without a browser: dates typed as digits reach the ticket, a bad or
far-off date is a field error (400, never a 500), the complaint's promise belongs to complaints only — hidden,
disabled and ignored for any other kind — and the short lists render as one-Tab-stop widgets."""
from datetime import timedelta

import pytest
from django.utils import timezone

from callbacks.models import Complaint
from tickets.models import Ticket
from warranty.models import WarrantyDecision

pytestmark = pytest.mark.django_db
IMEI = "356938035643809"


def intake(**changes) -> dict:
    return {"phone": "13800138000", "name": "张三", "kind": "repair", "channel": "phone", "priority": "normal",
            "fault_description": "开机黑屏", "category": "phone", "imei": IMEI, **changes}


def test_dates_typed_as_digits_are_stored_as_dates(reception_client):
    today = timezone.localdate()
    bought = today - timedelta(days=40)
    response = reception_client.post("/tickets/new/", intake(
        purchase_date=bought.strftime("%Y%m%d"), invoice_date=today.strftime("%m%d"),
        factory_date=(bought - timedelta(days=30)).isoformat()))
    assert response.status_code == 302, response.content.decode()[:3000]
    device = Ticket.objects.get().device
    assert (device.purchase_date, device.invoice_date, device.factory_date) == (
        bought, today, bought - timedelta(days=30))
    assert WarrantyDecision.objects.get().facts["purchase_date"] == bought.isoformat()


@pytest.mark.parametrize(("typed", "message"), [
    ("99991231", "请输入 2000-01-01 至 2100-12-31 之间的日期。"),
    ("1345", "请输入日期，如 20261127、2026-11-27 或 1127（今年）。"),
    ("yesterday", "请输入日期，如 20261127、2026-11-27 或 1127（今年）。"),
])
def test_a_bad_date_is_a_field_error_on_the_page_not_a_500(reception_client, typed, message):
    response = reception_client.post("/tickets/new/", intake(purchase_date=typed))
    assert response.status_code == 400
    assert response.context["form"].errors["purchase_date"] == [message]
    assert 'data-testid="error-purchase_date"' in response.content.decode()
    assert not Ticket.objects.exists()


def test_the_live_decision_reads_the_same_typed_dates(reception_client):
    bought = timezone.localdate() - timedelta(days=40)
    response = reception_client.post("/warranty/preview/", {
        "category": "phone", "component": "main_unit", "fault_kind": "performance", "imei": IMEI,
        "purchase_date": bought.strftime("%Y%m%d"), "invoice_number": "I-1", "warranty_card_number": "W-1"})
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="remedy-repair"' in page
    refused = reception_client.post("/warranty/preview/", {"category": "phone", "purchase_date": "99991231"})
    assert 'data-testid="warranty-errors"' in refused.content.decode()


def test_the_promise_is_hidden_and_disabled_unless_the_kind_is_a_complaint(reception_client):
    page = reception_client.get("/tickets/new/").content.decode()
    box = page.split('data-testid="kind-only-promised_answer_at"', 1)[1].split("</div></div>", 1)[0]
    assert page.count('data-kinds="complaint"') == 1
    assert box.startswith(" hidden>") and 'name="promised_answer_at"' in box and " disabled" in box
    complaint = reception_client.post("/tickets/new/", intake(kind="complaint", phone="1380013")).content.decode()
    box = complaint.split('data-testid="kind-only-promised_answer_at"', 1)[1].split("</div></div>", 1)[0]
    assert not box.startswith(" hidden") and " disabled" not in box  # the form came back: shown for a complaint


def test_a_promise_posted_with_another_kind_is_ignored_not_an_error(reception_client):
    response = reception_client.post("/tickets/new/", intake(promised_answer_at="not a time"))
    assert response.status_code == 302
    assert not Complaint.objects.exists()


def test_a_complaint_stores_the_promise_typed_as_digits(reception_client):
    refused = reception_client.post("/tickets/new/", intake(kind="complaint", promised_answer_at="1205"))
    assert refused.status_code == 400
    assert refused.context["form"].errors["promised_answer_at"] == [
        "请输入日期和时间，如 1127 18:00、20261127 1800 或 2026-11-27 18:00。"]
    when = timezone.localtime() + timedelta(days=3)
    response = reception_client.post("/tickets/new/", intake(kind="complaint",
                                                             promised_answer_at=when.strftime("%Y%m%d 1800")))
    assert response.status_code == 302, response.content.decode()[:3000]
    promised = timezone.localtime(Complaint.objects.get().promised_answer_at)
    assert (promised.date(), promised.hour, promised.minute) == (when.date(), 18, 0)


def test_short_lists_are_one_tab_stop_each(reception_client):
    page = reception_client.get("/tickets/new/").content.decode()
    # four channels and four priorities: radio groups (native radios: Tab reaches the checked one only)
    for name in ("channel", "priority"):
        assert f'id="id_{name}" role="radiogroup"' in page
        assert page.count(f'type="radio" class="btn-check" name="{name}"') == 4
    assert 'name="channel" id="id_channel_0" value="phone" autocomplete="off" checked' in page
    # thirteen kinds: a select typed ahead by pinyin initials
    assert '<option value="repair" data-initials="wx" selected>维修</option>' in page
    assert '<option value="complaint" data-initials="ts">投诉</option>' in page
    assert '<option value="phone" data-initials="sj" selected>手机</option>' in page
    # dates: one text box each; the calendar button and the picker are out of the Tab order
    assert page.count('data-typed-date="date"') == 3 and 'type="date" name=' not in page
    assert page.count('data-calendar-for="id_purchase_date"') == 1
