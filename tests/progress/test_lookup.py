"""The customer's progress page: public, the right pair shows the steps, any miss looks the same."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from callbacks import services as callback_services
from core import ratelimit
from callbacks.models import Callback
from progress.texts import NEXT_STEP, STATUS_PLAIN, STEP_PLAIN
from tickets.choices import Status

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
URL = reverse("progress:lookup")
PHONE = "+8613800138000"


def _lookup(client, ip, number, phone):
    # The page speaks the request's language: ask in the one the test is reading (zh-hans by default).
    return client.post(URL, {"number": number, "phone": phone}, REMOTE_ADDR=ip,
                       HTTP_ACCEPT_LANGUAGE=translation.get_language())


@pytest.fixture
def repaired(walk, reception):
    t0 = datetime(2026, 3, 2, 9, 0, 40, tzinfo=SH)
    with time_machine.travel(t0, tick=False) as clock:
        ticket = walk(solve=False)
        clock.move_to(t0 + timedelta(minutes=47))
        from tickets.engineering.services import ticket_solve

        ticket_solve(ticket=ticket, actor=ticket.engineer, kind="shop_repair", plan="换排线", result="正常")
        clock.move_to(t0 + timedelta(minutes=61))
        callback_services.callback_record(callback=Callback.objects.get(ticket=ticket), actor=reception,
                                          reached=True, outcome="fixed", score_attitude=5)
    ticket.refresh_from_db()
    return ticket


def test_the_page_is_public(client):
    response = client.get(URL)
    assert response.status_code == 200 and 'name="number"' in response.content.decode()


def test_the_right_pair_shows_status_steps_engineer_and_times(client, client_ip, repaired):
    with translation.override("en"):
        page = _lookup(client, client_ip, repaired.number.lower(), "138 0013 8000").content.decode()
        assert 'data-testid="progress"' in page
        assert str(STATUS_PLAIN[Status.CLOSED]) in page
        steps = [str(STEP_PLAIN[a]) for a in ("register", "preprocess", "dispatch", "solve", "callback_ok", "close")]
    positions = [page.index(label) for label in steps]
    assert positions == sorted(positions)  # in order
    assert "2026-03-02 09:00" in page and "2026-03-02 09:47" in page and "2026-03-02 10:01" in page
    assert f'data-testid="progress-engineer">{repaired.engineer.first_name}' in page
    assert "已核实三包" not in page  # internal notes never reach the customer


def test_the_next_step_is_shown_while_the_ticket_is_open(client, client_ip, walk):
    ticket = walk(solve=True)
    with translation.override("en"):
        page = _lookup(client, client_ip, ticket.number, PHONE).content.decode()
        assert str(STATUS_PLAIN[Status.SOLVED]) in page and str(NEXT_STEP[Status.SOLVED]) in page


def test_a_wrong_phone_and_an_unknown_number_give_the_same_answer(client, client_ip, repaired):
    wrong_phone = _lookup(client, client_ip, repaired.number, "13900139000")
    unknown_number = _lookup(client, client_ip, "SD-20260302-9999", PHONE)
    malformed = _lookup(client, client_ip, "'; drop table", "not a phone")
    assert wrong_phone.status_code == unknown_number.status_code == malformed.status_code == 200
    assert wrong_phone.content == unknown_number.content == malformed.content
    assert b'data-testid="progress-not-found"' in wrong_phone.content
    assert repaired.number.encode() not in wrong_phone.content
    assert b"13900139000" not in wrong_phone.content  # nothing typed is echoed back


def test_a_hit_and_a_miss_run_the_same_queries(client, client_ip, repaired, django_assert_num_queries):
    with CaptureQueriesContext(connection) as miss:
        _lookup(client, client_ip, repaired.number, "13900139000")
    with CaptureQueriesContext(connection) as unknown:
        _lookup(client, client_ip, "SD-20260302-9999", PHONE)
    with django_assert_num_queries(len(miss)):
        _lookup(client, client_ip, repaired.number, PHONE)
    # The pair, the public steps, the planned visit and the refund (issue 15): four on a hit and on any miss.
    assert len(miss) == len(unknown) == 4
    shape = lambda ctx: [q["sql"].split(" WHERE ")[0] for q in ctx.captured_queries]  # noqa: E731
    assert shape(miss) == shape(unknown)


def test_queries_do_not_grow_with_the_timeline(client, client_ip, repaired, manager, django_assert_num_queries):
    from tickets.services import ticket_add_note, ticket_transition

    ticket = ticket_transition(ticket=repaired, action="reopen", actor=manager)
    for n in range(20):
        ticket_add_note(ticket=ticket, actor=manager, note=f"内部备注 {n}")
    with django_assert_num_queries(4):
        page = _lookup(client, client_ip, repaired.number, PHONE).content.decode()
    assert "内部备注" not in page


def test_the_rate_limit_answers_429_after_the_limit(client, client_ip, repaired, settings):
    settings.PROGRESS_RATE_LIMIT = (3, 600)
    codes = [_lookup(client, client_ip, repaired.number, PHONE).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = _lookup(client, client_ip, repaired.number, PHONE)
    assert limited.status_code == 429 and limited["Retry-After"] == "600"
    assert b'data-testid="progress-rate-limited"' in limited.content and repaired.number.encode() not in limited.content
    # Another client is not affected.
    other = "203.0.113.9"
    ratelimit.reset(f"progress:ip:{other}")
    assert _lookup(client, other, repaired.number, PHONE).status_code == 200
    ratelimit.reset(f"progress:ip:{other}")


def test_the_default_limit_is_ten_per_ten_minutes(settings):
    assert settings.PROGRESS_RATE_LIMIT == (10, 600)


def test_behind_our_proxy_each_customer_has_their_own_limit_and_cannot_forge_one(client, repaired, settings):
    """nginx → gunicorn: every request comes from the proxy's address; the proxy appends the real one."""
    settings.PROGRESS_RATE_LIMIT, settings.TRUSTED_PROXY_HOPS = (2, 600), 1
    proxy, alice, bob = "10.0.0.2", "198.51.100.7", "198.51.100.8"
    for ip in (proxy, alice, bob):
        ratelimit.reset(f"progress:ip:{ip}")

    def via_proxy(real_ip, forged=""):
        chain = f"{forged}, {real_ip}" if forged else real_ip
        return client.post(URL, {"number": repaired.number, "phone": PHONE}, REMOTE_ADDR=proxy,
                           HTTP_X_FORWARDED_FOR=chain).status_code

    assert [via_proxy(alice) for _ in range(3)] == [200, 200, 429]
    assert via_proxy(bob) == 200  # the proxy's address is not one shared bucket
    assert via_proxy(alice, forged=bob) == 429  # a forged entry on the left is not read
    for ip in (proxy, alice, bob):
        ratelimit.reset(f"progress:ip:{ip}")
