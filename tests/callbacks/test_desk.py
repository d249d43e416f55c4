"""The callback desk page (issue 15 §5): filters in the URL with a count each, 25 compact cards a page,
one script panel, a constant number of queries and a page well under 100 KB."""
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from callbacks import services
from callbacks.choices import CallbackKind
from callbacks.models import Callback
from callbacks.scripts import SITUATIONAL
from tests.callbacks.conftest import intake
from tickets import services as ticket_services
from tickets.engineering.services import ticket_solve

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
DESK = reverse("callbacks:desk")
T = datetime(2026, 3, 2, 14, 0, tzinfo=SH)  # a Monday afternoon, within calling hours


@pytest.fixture
def solved_by(reception):
    """solved_by(engineer, at, phone=…): a ticket walked to a solution by `engineer` at `at` → its callback."""
    count = iter(range(10, 100))

    def make(engineer, at: datetime, phone: str | None = None) -> Callback:
        with time_machine.travel(at, tick=False):
            ticket = ticket_services.ticket_create(created_by=reception,
                                                   **intake(phone or f"+86138001380{next(count):02d}"))
            ticket = ticket_services.ticket_preprocess(ticket=ticket, actor=reception)
            ticket = ticket_services.ticket_dispatch(ticket=ticket, actor=reception, engineer=engineer)
            ticket_solve(ticket=ticket, actor=engineer, kind="shop_repair", plan="更换屏幕排线", result="测试正常")
        return Callback.objects.get(ticket=ticket)

    return make


def _get(client, query: str = "", at: datetime = T):
    with time_machine.travel(at, tick=False):
        response = client.get(f"{DESK}?{query}" if query else DESK)
    return response, response.content.decode()


def _numbers(html: str) -> list[str]:
    return re.findall(r'data-testid="callback-ticket">(SD-[\d-]+)<', html)


def _total(html: str) -> int:
    return int(re.search(r'data-testid="callback-total">\D*(\d+)', html).group(1))


def _count(html: str, name: str) -> int:
    return int(re.search(rf'data-testid="count-{name}">(\d+)<', html).group(1))


@pytest.fixture
def four(solved_by, engineer, other_engineer, reception, reception_client):
    """At T: `retry` (E, not reached at 10:30, retry due 12:30), `soon` (E, due 14:10), `later_o` (O, due 15:20),
    `later_e` (E, due 14:50: beyond the 30 minutes of "due now")."""
    retry = solved_by(engineer, T.replace(hour=10))
    with time_machine.travel(T.replace(hour=10, minute=30), tick=False):
        services.callback_record(callback=retry, actor=reception, reached=False)
    soon = solved_by(engineer, T.replace(hour=13, minute=50))
    later_o = solved_by(other_engineer, T.replace(hour=15))
    later_e = solved_by(engineer, T.replace(hour=14, minute=30))
    reception_client.force_login(reception)  # the session outlives no frozen-clock jump: log in on the day
    return {name: cb.ticket.number for name, cb in
            {"retry": retry, "soon": soon, "later_o": later_o, "later_e": later_e}.items()}


def test_each_filter_narrows_the_list_and_shows_its_count(four, reception_client, other_engineer):
    _r, html = _get(reception_client)
    assert _numbers(html) == [four["retry"], four["soon"], four["later_e"], four["later_o"]]  # due time order
    assert (_count(html, "due"), _count(html, "retries")) == (2, 1)
    assert _total(html) == 4

    _r, html = _get(reception_client, "due=1")
    assert _numbers(html) == [four["retry"], four["soon"]]
    _r, html = _get(reception_client, "retries=1")
    assert _numbers(html) == [four["retry"]]
    _r, html = _get(reception_client, f"engineer={other_engineer.pk}")
    assert _numbers(html) == [four["later_o"]]
    assert re.search(rf'<option value="{other_engineer.pk}" selected>[^<]*\(1\)</option>', html)


def test_filters_combine_and_each_count_keeps_the_other_filters(four, reception_client, engineer, other_engineer):
    _r, html = _get(reception_client, "due=1&retries=1")
    assert _numbers(html) == [four["retry"]]

    _r, html = _get(reception_client, f"due=1&engineer={other_engineer.pk}")
    assert _numbers(html) == [] and 'data-testid="callbacks-empty"' in html
    # Ticking "due now" for O's list shows nothing; E has two due now; O stays chosen at 0.
    assert (_count(html, "due"), _count(html, "retries")) == (0, 0)
    assert re.search(rf'<option value="{engineer.pk}">[^<]*\(2\)</option>', html)
    assert re.search(rf'<option value="{other_engineer.pk}" selected>[^<]*\(0\)</option>', html)
    assert 'name="due" value="1" id="f-due" data-submit-on-change checked' in html


def test_a_bad_filter_value_is_a_400_with_the_field_named(four, reception_client):
    response, html = _get(reception_client, "engineer=abc")
    assert response.status_code == 400
    assert 'data-testid="filter-error"' in html


def _periodic(ticket, n: int, at: datetime) -> None:
    """n periodic callbacks (one per past period of the same device): cheap rows to fill pages."""
    policy = services.policy_current(at=at)
    Callback.objects.bulk_create(
        Callback(kind=CallbackKind.PERIODIC, customer=ticket.customer, device=ticket.device, policy=policy,
                 period_due_on=date(2020, 1, 1) + timedelta(days=i), due_at=at - timedelta(minutes=n - i),
                 first_due_at=at, created_at=at)
        for i in range(n))


def test_twenty_five_cards_a_page_and_the_next_page_keeps_the_filters(solved_by, engineer, reception_client):
    first = solved_by(engineer, T.replace(hour=9))
    _periodic(first.ticket, 30, T)
    _r, html = _get(reception_client, "due=1")
    assert html.count('data-testid="callback-card"') == 25
    assert _total(html) == 31
    assert 'href="?due=1&amp;page=2"' in html
    _r, html = _get(reception_client, "due=1&page=2")
    assert html.count('data-testid="callback-card"') == 6
    _r, html = _get(reception_client, "due=1&page=99")  # past the end: the last page, not an error
    assert html.count('data-testid="callback-card"') == 6


def test_the_scripts_are_one_collapsed_panel_not_repeated_per_card(solved_by, engineer, reception_client):
    for hour in (9, 10, 11):
        solved_by(engineer, T.replace(hour=hour))
    _r, html = _get(reception_client)
    assert html.count('data-testid="callback-card"') == 3
    assert html.count('data-testid="script-panel"') == 1
    assert re.search(r'<details class="[^"]*" id="scripts" data-testid="script-panel">', html)  # closed
    for seed_line in ("您好↑，您的电话已接通。", "对不起，电话声音太小", "请您将手机换个方向", "我理解您的心情",
                      "请问您还有其它问题吗↑？"):
        assert html.count(seed_line) == 1
    for script in SITUATIONAL:  # each situation opens on its own
        assert f'name="script" id="script-{script.key}" data-script="{script.key}"' in html
    # The opening names the customer of the card in focus: the first one until the caller moves.
    assert '请问是<span data-fill="customer">张三</span>吗' in html
    assert html.count('data-customer="张三"') == 3


def test_the_desk_queries_do_not_grow_with_cards_or_filters(solved_by, engineer, other_engineer, reception,
                                                            reception_client, django_assert_max_num_queries):
    retry = solved_by(engineer, T.replace(hour=10))
    with time_machine.travel(T.replace(hour=10, minute=30), tick=False):
        services.callback_record(callback=retry, actor=reception, reached=False)
    reception_client.force_login(reception)
    with CaptureQueriesContext(connection) as few, time_machine.travel(T, tick=False):
        reception_client.get(DESK)
    for minute in range(0, 60, 5):
        solved_by(other_engineer if minute % 10 else engineer, T.replace(hour=12, minute=minute))
    _periodic(retry.ticket, 20, T)
    reception_client.force_login(reception)
    for query in ("", f"due=1&retries=1&engineer={engineer.pk}", "due=1&page=2"):
        with django_assert_max_num_queries(len(few)), time_machine.travel(T, tick=False):
            response = reception_client.get(f"{DESK}?{query}")
        assert response.status_code == 200
    assert len(few) <= 12, [q["sql"][:120] for q in few.captured_queries]


def test_a_page_of_25_cards_weighs_well_under_100_kb(solved_by, engineer, reception_client):
    # Issue 15: 50 full cards with their scripts weighed 474 KB; bench/callback_desk_weight.py prints the figure.
    for minute in range(26):
        solved_by(engineer, T.replace(hour=9) + timedelta(minutes=minute))
    response, html = _get(reception_client)
    assert html.count('data-testid="callback-card"') == 25
    assert len(response.content) < 90_000, len(response.content)
