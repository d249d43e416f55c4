"""The callback desk page, the manager's flagged list, and the ticket page's callback panel."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from callbacks import services
from callbacks.choices import CallbackState
from callbacks.models import Callback, Complaint
from tickets.choices import Kind, Status
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
DESK = reverse("callbacks:desk")


def _post(client, callback, htmx=True, **fields):
    data = {f"cb{callback.pk}-{key}": value for key, value in fields.items()}
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("callbacks:record", args=[callback.pk]), data, HTTP_ACCEPT_LANGUAGE="en", **extra)


def test_the_desk_lists_due_callbacks_by_due_time_with_the_phone_scripts(walk, reception_client):
    with time_machine.travel(datetime(2026, 3, 2, 10, 30, tzinfo=SH), tick=False):
        later = walk(phone="+8613800138002")
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=SH), tick=False):
        earlier = walk(phone="+8613800138001")
    page = reception_client.get(DESK).content.decode()

    assert page.index(earlier.number) < page.index(later.number)
    assert page.count('data-testid="callback-card"') == 2
    assert "2026-03-02 10:20" in page and "2026-03-02 10:50" in page
    # The opening names the customer (the page's one script panel fills in the card in focus: callbacks.js,
    # tests/browser/test_callback_desk.py); every seed script is on the page once (tests/callbacks/test_desk.py).
    assert '请问是<span data-fill="customer">张三</span>吗' in page and 'data-customer="张三"' in page
    for seed_line in ("您好↑，您的电话已接通。", "麻烦您大声一点", "信号比较弱", "我理解您的心情",
                      "请问您还有其它问题吗↑？"):
        assert seed_line in page
    assert 'data-hold-timer' in page  # waiting > 2 minutes → offer to call back
    assert 'href="tel:+8613800138001"' in page


def test_a_retry_shows_the_scripts_for_a_line_that_failed_before(solved, reception, reception_client):
    _ticket, callback = solved
    services.callback_record(callback=callback, actor=reception, reached=False)
    with time_machine.travel(timezone.now() + timedelta(days=4), tick=False):
        reception_client.force_login(reception)  # sessions last 12 h (issue 13): the desk logs in that day
        page = reception_client.get(DESK).content.decode()
    # The card points at the scripts for a line that failed before; the link opens them in the panel.
    assert 'href="#script-silent_line" data-open-script="silent_line" data-testid="script-suggested"' in page
    assert 'data-testid="callback-attempts"' in page


def test_the_desk_uses_a_constant_number_of_queries(walk, reception_client, django_assert_max_num_queries):
    walk(phone="+8613800138001")
    with CaptureQueriesContext(connection) as few:
        reception_client.get(DESK)
    for n in range(2, 9):
        walk(phone=f"+86138001380{n:02d}")
    with django_assert_max_num_queries(len(few)):
        response = reception_client.get(DESK)
    assert response.content.decode().count('data-testid="callback-card"') == 8


def test_recording_fixed_by_htmx_swaps_the_card_and_closes_the_ticket(solved, reception_client):
    ticket, callback = solved
    response = _post(reception_client, callback, reached="yes", outcome="fixed", score_attitude="5",
                     score_quality="4", score_price="4")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'data-testid="callback-done"' in html and "5/4/4" in html
    assert 'hx-swap-oob="true"' in html and "Callback recorded" in html
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED


def test_a_refusal_is_a_200_fragment_with_the_field_error(solved, reception_client):
    ticket, callback = solved
    response = _post(reception_client, callback, reached="yes", outcome="not_fixed", score_attitude="3")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="callback-form"' in html and 'data-testid="error-comments"' in html
    assert "Say what is still wrong" in html
    assert Ticket.objects.get(pk=ticket.pk).status == Status.SOLVED


def test_a_refusal_without_htmx_is_a_400_page(solved, reception_client):
    _ticket, callback = solved
    response = _post(reception_client, callback, htmx=False, reached="yes", outcome="fixed", score_price="9")
    assert response.status_code == 400
    assert 'data-testid="error-score_price"' in response.content.decode()


def test_a_refusal_from_the_service_shows_on_the_card(walk, reception_client):
    ticket = walk(solve=False)
    stray = Callback.objects.create(ticket=ticket, customer=ticket.customer, policy=services.policy_current(
        at=timezone.now()), due_at=timezone.now(), first_due_at=timezone.now(), created_at=timezone.now())
    response = _post(reception_client, stray, reached="yes", outcome="fixed")
    assert response.status_code == 200
    assert "No solution is recorded on this ticket" in response.content.decode()


def test_engineers_may_not_open_the_desk_or_record(solved, engineer_client):
    _ticket, callback = solved
    assert engineer_client.get(DESK).status_code == 403
    assert _post(engineer_client, callback, reached="yes", outcome="fixed").status_code == 403
    assert Callback.objects.get(pk=callback.pk).state == CallbackState.DUE


def test_the_manager_sees_and_acknowledges_unreachable_closures(solved, reception, manager_client):
    ticket, callback = solved
    services.callback_record(callback=callback, actor=reception, reached=False)
    for _ in range(2):  # each retry when it is due (an earlier one is refused: tests/callbacks/test_attempts.py)
        with time_machine.travel(Callback.objects.get(pk=callback.pk).due_at, tick=False):
            services.callback_record(callback=callback, actor=reception, reached=False)
    page = manager_client.get(reverse("callbacks:flagged")).content.decode()
    assert 'data-testid="flagged-callback"' in page and ticket.number in page

    response = manager_client.post(reverse("callbacks:acknowledge", args=[callback.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and Callback.objects.get(pk=callback.pk).flag_acknowledged_at
    assert 'data-testid="flagged-callback"' not in manager_client.get(reverse("callbacks:flagged")).content.decode()


def test_reception_may_not_open_the_manager_list(reception_client):
    assert reception_client.get(reverse("callbacks:flagged")).status_code == 403


def test_the_ticket_page_shows_the_callback_history(solved, reception, reception_client):
    ticket, callback = solved
    services.callback_record(callback=callback, actor=reception, reached=True, outcome="fixed", score_attitude=5,
                             score_quality=4, score_price=4)
    with translation.override("en"):
        page = reception_client.get(reverse("tickets:detail", args=[ticket.number]),
                                    HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="callback-history"' in page
    assert '<span data-testid="callback-scores">5/4/4</span>' in page
    assert "Callback: fixed" in page


def test_a_complaint_shows_its_promise_and_the_desk_may_change_it(reception, reception_client):
    from tests.callbacks.conftest import intake
    from tickets import services as ticket_services

    ticket = ticket_services.ticket_create(created_by=reception, **{**intake(), "kind": Kind.COMPLAINT})
    url = reverse("tickets:detail", args=[ticket.number])
    promise = timezone.localtime(Complaint.objects.get(ticket=ticket).promised_answer_at)
    assert f'data-testid="complaint-promise" datetime="{promise.isoformat()}"' in reception_client.get(url).content.decode()

    new = (timezone.localtime() + timedelta(hours=3)).replace(second=0, microsecond=0)
    response = reception_client.post(reverse("callbacks:complaint-promise", args=[ticket.number]),
                                     {"promised_answer_at": new.strftime("%Y-%m-%dT%H:%M")}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and new.strftime("%Y-%m-%d %H:%M") in response.content.decode()
    assert Complaint.objects.get(ticket=ticket).promised_answer_at == new

    past = reception_client.post(reverse("callbacks:complaint-promise", args=[ticket.number]),
                                 {"promised_answer_at": "2020-01-01T10:00"}, HTTP_HX_REQUEST="true",
                                 HTTP_ACCEPT_LANGUAGE="en")
    assert "must be in the future" in past.content.decode()
    assert Complaint.objects.get(ticket=ticket).promised_answer_at == new


def test_the_nav_links_to_the_desk(reception_client):
    assert 'data-testid="nav-callbacks"' in reception_client.get(reverse("tickets:list")).content.decode()


def test_the_nav_hides_the_desk_from_engineers(engineer_client):
    assert 'data-testid="nav-callbacks"' not in engineer_client.get(reverse("tickets:mine")).content.decode()


def _new_ticket_form(**overrides) -> dict:
    from datetime import date

    body = {"phone": "13800138000", "name": "张三", "kind": "complaint", "channel": "phone", "priority": "normal",
            "fault_description": "上门工程师态度差", "category": "phone", "brand": "华为", "model": "Mate 60",
            "imei": "490154203237518", "purchase_date": str(date.today() - timedelta(days=10)),
            "fault_kind": "performance"}
    return {**body, **overrides}


def test_the_promise_is_captured_on_the_new_ticket_form(reception_client):
    promised = (timezone.localtime() + timedelta(hours=5)).replace(second=0, microsecond=0)
    response = reception_client.post(reverse("tickets:new"),
                                     _new_ticket_form(promised_answer_at=promised.strftime("%Y-%m-%dT%H:%M")))
    assert response.status_code == 302, response.content.decode()[:3000]
    complaint = Complaint.objects.get()
    assert complaint.promised_answer_at == promised
    assert complaint.ticket.events.filter(action="complaint_promise").exists()


def test_a_past_promise_on_the_new_ticket_form_is_refused(reception_client):
    response = reception_client.post(reverse("tickets:new"), _new_ticket_form(promised_answer_at="2020-01-01T10:00"),
                                     HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert 'data-testid="error-promised_answer_at"' in response.content.decode()
    assert not Ticket.objects.exists()
