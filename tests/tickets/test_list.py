"""The ticket list, page and API: constant query count, search, filters and keyset pagination."""
import re
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CustomerFactory, DeviceFactory, TicketFactory, valid_imei
from tickets.choices import Kind, Status
from tickets.selectors import MATCH_COUNT_CAP

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
ROW = re.compile(r'<a href="/tickets/(SD-[\w-]+)/" class="fw-semibold">')


def page_numbers(client, **params) -> list[str]:
    response = client.get(reverse("tickets:list"), params)
    assert response.status_code == 200
    return ROW.findall(response.content.decode())


def api_numbers(client, **params) -> list[str]:
    response = client.get(reverse("api:ticket-list"), params)
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


def varied_tickets(n: int, engineers) -> None:
    """Rows that differ in every related object the list shows, so a missing join would show as N+1."""
    for i in range(n):
        TicketFactory(status=Status.DISPATCHED if i % 2 else Status.REGISTERED,
                      engineer=engineers[i % len(engineers)] if i % 2 else None,
                      device=None if i % 5 == 0 else DeviceFactory())


# --- the query count does not grow with the rows -----------------------------------------------------------

def test_list_page_queries_do_not_grow_with_rows(manager_client, engineer, other_engineer,
                                                  django_assert_max_num_queries):
    varied_tickets(3, [engineer, other_engineer])
    # Two a page: full, so it counts its matches as the 25 of 60 below do (a page that is not full needs no count).
    with mock.patch("tickets.views.PAGE_SIZE", 2), CaptureQueriesContext(connection) as few:
        assert len(page_numbers(manager_client)) == 2
    budget = len(few)  # now: the test client's next request clears the connection's query log
    varied_tickets(57, [engineer, other_engineer])
    with django_assert_max_num_queries(budget):
        assert len(page_numbers(manager_client)) == 25
    response = manager_client.get(reverse("tickets:list"), {"status": ["registered", "dispatched"]})
    more = re.search(r'hx-get="\?([^"]+)"', response.content.decode()).group(1).replace("&amp;", "&")
    with django_assert_max_num_queries(budget):  # the "More" fragment too
        assert manager_client.get(f"{reverse('tickets:list')}?{more}", HTTP_HX_REQUEST="true").status_code == 200


@pytest.mark.parametrize("page_size", [3, 100])
def test_list_api_queries_do_not_grow_with_rows_or_page_size(manager_api, engineer, other_engineer, page_size,
                                                             django_assert_max_num_queries):
    varied_tickets(3, [engineer, other_engineer])
    with CaptureQueriesContext(connection) as few:
        assert len(api_numbers(manager_api, page_size=3)) == 3
    budget = len(few)  # now: the test client's next request clears the connection's query log
    varied_tickets(57, [engineer, other_engineer])
    with django_assert_max_num_queries(budget):
        assert len(api_numbers(manager_api, page_size=page_size)) == min(page_size, 60)


def ticket_counts(sqls: list[str]) -> list[str]:
    """Queries counting tickets (not the live token's COUNT of unread notifications beside a MAX over tickets)."""
    counting = re.compile(r'^SELECT COUNT\(\*\)(?: AS "__count")? FROM (?:\(SELECT )?"tickets_ticket"')
    return [sql for sql in sqls if counting.search(sql)]


def test_list_query_counts_are_reported(manager_client, manager_api, engineer, other_engineer, capsys):
    # Not a limit (the tests above are): prints the figures the lead quotes in the README.
    varied_tickets(30, [engineer, other_engineer])
    with CaptureQueriesContext(connection) as page:
        page_numbers(manager_client)
    page_sql = [query["sql"] for query in page.captured_queries]
    with CaptureQueriesContext(connection) as api:
        api_numbers(manager_api)
    api_sql = [query["sql"] for query in api.captured_queries]
    with capsys.disabled():
        print(f"\nticket list: page {len(page_sql)} queries, GET /api/v1/tickets/ {len(api_sql)} queries (25 rows)")
    # keyset pages never count the table (a million rows): the page's "N tickets match" is one COUNT over a
    # LIMIT 201 subquery (it stops at the 201st row); the API counts nothing. Small per-user counts are fine.
    counts = ticket_counts(page_sql + api_sql)
    assert [sql for sql in page_sql if sql in counts] == counts and len(counts) == 1, counts
    assert f"LIMIT {MATCH_COUNT_CAP + 1}" in counts[0], counts[0]
    # Digits searched count in their page's own scan instead: up to 201 ids in the list's order, no second scan.
    with CaptureQueriesContext(connection) as searched:
        page_numbers(manager_client, q="0001")
    searched_sql = [query["sql"] for query in searched.captured_queries]
    assert ticket_counts(searched_sql) == [], searched_sql
    scans = [sql for sql in searched_sql if sql.startswith('SELECT "tickets_ticket"."id" AS "pk" FROM')]
    assert len(scans) == 1 and scans[0].endswith(f"LIMIT {MATCH_COUNT_CAP + 1}"), searched_sql
    # Words keep the count that stops at the 201st match in any order (an ordered scan sorted 76,753 rows
    # for "mate 60" at 1M, where the planner expected 4,498).
    with mock.patch("tickets.views.PAGE_SIZE", 10), CaptureQueriesContext(connection) as words:  # a full page
        page_numbers(manager_client, q="mate 60")
    assert len(ticket_counts([query["sql"] for query in words.captured_queries])) == 1


# --- search: one box, the shape of the query decides ----------------------------------------------------------

@pytest.fixture
def haystack():
    target_customer = CustomerFactory(name="欧阳娜娜", phone="+8613800138000")
    target = TicketFactory(customer=target_customer,
                           device=DeviceFactory(customer=target_customer, imei=valid_imei(777), serial=""))
    by_serial = TicketFactory(device=DeviceFactory(category="appliance", imei="", serial="SN-AC-2026-42"))
    noise = [TicketFactory(customer=CustomerFactory(name="欧文", phone=f"+8613900139{i:03d}")) for i in range(3)]
    return {"target": target, "by_serial": by_serial, "noise": noise}


@pytest.mark.parametrize(("query", "expected"), [
    pytest.param(lambda h: h["target"].number, "target", id="number"),
    pytest.param(lambda h: h["target"].number.lower(), "target", id="number-lower-case"),
    pytest.param(lambda h: "13800138000", "target", id="phone-as-dialled"),
    pytest.param(lambda h: "+86 138 0013 8000", "target", id="phone-international-with-spaces"),
    pytest.param(lambda h: valid_imei(777), "target", id="imei"),
    pytest.param(lambda h: "SN-AC-2026-42", "by_serial", id="serial"),
    pytest.param(lambda h: "欧阳", "target", id="name-prefix"),
])
def test_search_finds_exactly_the_ticket(manager_client, manager_api, haystack, query, expected):
    q, want = query(haystack), [haystack[expected].number]
    assert page_numbers(manager_client, q=q) == want
    assert api_numbers(manager_api, q=q) == want


def test_one_character_is_a_name_prefix_two_are_a_fragment_anywhere(manager_api, haystack):
    assert len(api_numbers(manager_api, q="欧")) == 4  # 欧阳娜娜 and the three 欧文
    assert api_numbers(manager_api, q="娜") == []  # one character: a prefix only (too common to mean anything)
    # Two or more: anywhere in the name (issue 15; was a prefix only). More kinds: tests/tickets/test_search.py.
    assert api_numbers(manager_api, q="娜娜") == [haystack["target"].number]
    assert api_numbers(manager_api, q="阳娜") == [haystack["target"].number]


# --- filters -------------------------------------------------------------------------------------------------

def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def filterable(engineer, other_engineer):
    return {
        "early_repair": TicketFactory(created_at=at(1, 23, 59), kind=Kind.REPAIR, status=Status.REGISTERED),
        "first_minute": TicketFactory(created_at=at(2, 0, 0), kind=Kind.COMPLAINT, status=Status.DISPATCHED,
                                      engineer=engineer),
        "last_minute": TicketFactory(created_at=at(2, 23, 59), kind=Kind.REPAIR, status=Status.SOLVED,
                                     engineer=other_engineer),
        "next_day": TicketFactory(created_at=at(3, 0, 0), kind=Kind.INSTALLATION, status=Status.CLOSED,
                                  engineer=engineer),
    }


@pytest.mark.parametrize(("params", "expected"), [
    pytest.param({"status": "registered"}, ["early_repair"], id="one-status"),
    pytest.param({"status": ["solved", "closed"]}, ["next_day", "last_minute"], id="two-statuses"),
    pytest.param({"kind": "repair"}, ["last_minute", "early_repair"], id="kind"),
    pytest.param({"kind": "complaint", "status": ["dispatched", "closed"]}, ["first_minute"], id="kind-and-status"),
    pytest.param({"created_from": "2026-03-02", "created_to": "2026-03-02"}, ["last_minute", "first_minute"],
                 id="one-shanghai-day"),
    pytest.param({"created_from": "2026-03-03"}, ["next_day"], id="from"),
    pytest.param({"created_to": "2026-03-01"}, ["early_repair"], id="to"),
])
def test_filters_on_page_and_api(manager_client, manager_api, filterable, params, expected):
    want = [filterable[key].number for key in expected]
    assert page_numbers(manager_client, **params) == want
    api_params = {k: ",".join(v) if isinstance(v, list) else v for k, v in params.items()}
    assert api_numbers(manager_api, **api_params) == want


def test_api_takes_several_kinds_at_once(manager_api, filterable):
    assert api_numbers(manager_api, kind="complaint,installation") == [
        filterable["next_day"].number, filterable["first_minute"].number]


def test_filter_by_engineer(manager_client, manager_api, filterable, engineer):
    want = [filterable["next_day"].number, filterable["first_minute"].number]
    assert page_numbers(manager_client, engineer=engineer.pk) == want
    assert api_numbers(manager_api, engineer=engineer.pk) == want


def test_sort_oldest_first(manager_client, filterable):
    assert page_numbers(manager_client, sort="created_at") == [
        filterable[k].number for k in ("early_repair", "first_minute", "last_minute", "next_day")]


# --- keyset pagination: "More" and the API cursor ---------------------------------------------------------------

@pytest.fixture
def thirty_with_ties():
    # 30 tickets, ten of them registered in the very same microsecond: the cursor must break ties by id.
    same = at(5, 10)
    tickets = [TicketFactory(created_at=same) for _ in range(10)]
    tickets += [TicketFactory(created_at=at(5, 10) - timedelta(minutes=i)) for i in range(1, 21)]
    return sorted(tickets, key=lambda t: (t.created_at, t.pk), reverse=True)


def test_more_returns_the_next_rows_without_duplicates(manager_client, thirty_with_ties):
    first = manager_client.get(reverse("tickets:list"), {"kind": "repair"}).content.decode()
    more_url = re.search(r'hx-get="(\?[^"]+)"', first).group(1).replace("&amp;", "&")
    assert "kind=repair" in more_url  # the filter is kept on the next page

    more = manager_client.get(reverse("tickets:list") + more_url, HTTP_HX_REQUEST="true").content.decode()

    assert "<html" not in more  # rows for the table, not a page
    assert ROW.findall(first) + ROW.findall(more) == [t.number for t in thirty_with_ties]
    assert 'id="more-row"' not in more  # the last page says so


def test_more_works_oldest_first_too(manager_client, thirty_with_ties):
    first = manager_client.get(reverse("tickets:list"), {"sort": "created_at"}).content.decode()
    more_url = re.search(r'hx-get="(\?[^"]+)"', first).group(1).replace("&amp;", "&")
    more = manager_client.get(reverse("tickets:list") + more_url, HTTP_HX_REQUEST="true").content.decode()
    assert ROW.findall(first) + ROW.findall(more) == [t.number for t in reversed(thirty_with_ties)]


def test_api_cursor_walks_every_row_once(manager_api, thirty_with_ties):
    seen, url, pages = [], reverse("api:ticket-list") + "?page_size=7", 0
    while url:
        body = manager_api.get(url).json()
        assert "count" not in body  # no COUNT(*) over a million rows
        seen += [row["number"] for row in body["results"]]
        url, pages = body["next"], pages + 1
    assert seen == [t.number for t in thirty_with_ties]
    assert pages == 5
