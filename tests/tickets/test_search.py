"""Search that finds fragments (issue 15, item 2): the end of a number, digits of a phone, part of a name or
model, words of the fault — on the page and the API alike; the capped match count; the text kept current."""
import re
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import pagecache
from tests.factories import CustomerFactory, DeviceFactory, TicketFactory, intake_payload
from tickets import selectors, services
from tickets.models import Ticket
from tickets.search import search_q, search_text_for, search_text_refresh

pytestmark = pytest.mark.django_db
ROW = re.compile(r'<a href="/tickets/(SD-[\w-]+)/" class="fw-semibold">')
COUNT = re.compile(r'data-testid="match-count">([^<]*)<')


def page(client, **params) -> str:
    response = client.get(reverse("tickets:list"), params)
    assert response.status_code == 200
    return response.content.decode()


def page_numbers(client, **params) -> list[str]:
    return ROW.findall(page(client, **params))


def api_numbers(client, **params) -> list[str]:
    response = client.get(reverse("api:ticket-list"), params)
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


@pytest.fixture
def haystack():
    target = TicketFactory(
        number="SD-20261201-0317", customer=CustomerFactory(name="欧阳娜娜", phone="+8613712343708"),
        device=DeviceFactory(brand="华为", model="Mate 60 Pro"), fault_description="开机后屏幕闪烁，偶尔黑屏")
    # Every fragment of the target's is near one of these, but none matches: 0317 is in this number's date,
    # 1234 in this phone, the surname 欧阳 in the name, "60" in the model, 屏幕 in the fault.
    noise = [
        TicketFactory(number="SD-20260317-0042", customer=CustomerFactory(name="李欧", phone="+8613900001234"),
                      device=DeviceFactory(brand="Apple", model="iPhone 16"), fault_description="充电很慢，电池掉电快"),
        TicketFactory(number="SD-20261201-3170", customer=CustomerFactory(name="欧阳锋", phone="+8618600002222"),
                      device=DeviceFactory(brand="小米", model="14 Pro"), fault_description="屏幕碎裂，触摸失灵"),
    ]
    return {"target": target, "noise": noise}


@pytest.mark.parametrize("query", [
    pytest.param("0317", id="end-of-number"),
    pytest.param("1201-0317", id="end-of-number-with-its-dash"),
    pytest.param("3708", id="four-digits-of-a-phone"),
    pytest.param("1234-3708", id="phone-digits-with-a-dash"),
    pytest.param("娜娜", id="end-of-a-name"),
    pytest.param("阳娜", id="middle-of-a-name"),
    pytest.param("欧阳娜", id="name-three-characters"),
    pytest.param("mate", id="model-word"),
    pytest.param("MATE 60", id="model-any-case-two-words"),
    pytest.param("ｍａｔｅ", id="model-full-width"),
    pytest.param("60 pro", id="model-two-words-one-short"),
    pytest.param("黑屏", id="fault-two-characters"),
    pytest.param("屏幕闪烁", id="fault-four-characters"),
    pytest.param("闪烁 黑屏", id="fault-two-words"),
    pytest.param("娜娜 3708 黑屏", id="name-phone-and-fault-together"),
])
def test_a_fragment_finds_exactly_the_ticket(manager_client, manager_api, haystack, query):
    want = [haystack["target"].number]
    assert page_numbers(manager_client, q=query) == want
    assert api_numbers(manager_api, q=query) == want


@pytest.mark.parametrize("query", [
    pytest.param("诸葛", id="a-name-nobody-has"),
    pytest.param("9999", id="digits-nobody-has"),
    pytest.param("洗衣机", id="a-word-nobody-wrote"),
    pytest.param("黑屏 充电", id="every-word-must-match"),
    pytest.param("317", id="three-digits-are-a-whole-word-only"),
    pytest.param("2026", id="a-number-is-matched-at-its-end-only"),
])
def test_what_nobody_has_finds_nothing(manager_client, manager_api, haystack, query):
    assert page_numbers(manager_client, q=query) == []
    assert api_numbers(manager_api, q=query) == []
    assert "data-testid=\"no-tickets\"" in page(manager_client, q=query)


def test_a_common_fragment_finds_every_ticket_that_has_it(manager_api, haystack):
    noise = haystack["noise"]
    assert set(api_numbers(manager_api, q="欧阳")) == {haystack["target"].number, noise[1].number}
    assert set(api_numbers(manager_api, q="屏幕")) == {haystack["target"].number, noise[1].number}
    assert set(api_numbers(manager_api, q="pro")) == {haystack["target"].number, noise[1].number}
    assert set(api_numbers(manager_api, q="1234")) == {haystack["target"].number, noise[0].number}


def test_digits_find_the_end_of_a_long_sequence_only(manager_api):
    """A day past 9,999 tickets has five-digit sequences: 3170 and 13170 are the end of SD-20261201-13170,
    1317 is in its middle (and the date's digits are not searched)."""
    ticket = TicketFactory(number="SD-20261201-13170", customer=CustomerFactory(phone="+8613800000000"))
    assert api_numbers(manager_api, q="3170") == [ticket.number]
    assert api_numbers(manager_api, q="13170") == [ticket.number]
    assert api_numbers(manager_api, q="1317") == []
    assert api_numbers(manager_api, q="1201") == []


def test_a_ticket_with_an_older_text_gets_its_number_from_the_refresh(manager_api, haystack):
    """Migration 0012 runs search_text_refresh over every ticket: a text written before the number was part of it
    is found by the end of its number afterwards."""
    target = haystack["target"]
    Ticket.objects.filter(pk=target.pk).update(search_text=target.search_text.rsplit(" №", 1)[0])
    assert api_numbers(manager_api, q="0317") == []
    assert search_text_refresh(Ticket.objects.all()) == 1  # only the row whose text differs is written
    assert api_numbers(manager_api, q="0317") == [target.number]


def test_search_stays_inside_what_the_user_may_see(engineer_client, engineer, haystack):
    mine = TicketFactory(engineer=engineer, status="dispatched", fault_description="偶尔黑屏")
    assert page_numbers(engineer_client, q="黑屏") == [mine.number]


# --- the text is kept by the writers ----------------------------------------------------------------------------

def test_a_registered_ticket_is_found_by_its_model_and_fault(reception, reception_api):
    body = intake_payload(fault_description="摄像头无法对焦")
    body["device"]["model"] = "Magic6 Pro"
    number = reception_api.post(reverse("api:ticket-list"), body, format="json").json()["number"]
    assert api_numbers(reception_api, q="magic6") == [number]
    assert api_numbers(reception_api, q="对焦") == [number]
    assert api_numbers(reception_api, q=number[-4:]) == [number]


def test_a_returning_device_with_a_new_model_is_found_by_it_on_every_ticket(reception, reception_api):
    first = reception_api.post(reverse("api:ticket-list"), intake_payload(), format="json").json()["number"]
    body = intake_payload()
    body["device"]["model"] = "Mate 60 RS"  # the same IMEI, the model told more precisely this time
    second = reception_api.post(reverse("api:ticket-list"), body, format="json").json()["number"]
    assert set(api_numbers(reception_api, q="60 rs")) == {first, second}


def test_an_edit_moves_what_the_ticket_is_found_by(reception, reception_api, haystack):
    target, other = haystack["target"], TicketFactory(fault_description="无法开机")
    Ticket.objects.filter(pk=other.pk).update(device=target.device)  # the same phone, an earlier visit
    services.ticket_update(ticket=Ticket.objects.get(pk=target.pk), actor=reception, expected_version=target.version,
                           changes={"fault_description": "耳机左声道无声", "contact_name": "诸葛亮"})
    assert api_numbers(reception_api, q="左声道") == [target.number]
    assert api_numbers(reception_api, q="黑屏") == []  # the old words are gone
    assert api_numbers(reception_api, q="诸葛") == [target.number]

    target = Ticket.objects.get(pk=target.pk)
    services.ticket_edit(ticket=target, actor=reception, expected_version=target.version, changes={},
                         device={"model": "Pura 70"})
    # The device is one row: every ticket about it is now found by the corrected model, none by the old one.
    assert set(api_numbers(reception_api, q="pura")) == {target.number, other.number}
    assert api_numbers(reception_api, q="mate") == []


# --- how many match -----------------------------------------------------------------------------------------------

def test_the_list_says_how_many_match(manager_client, haystack):
    assert COUNT.findall(page(manager_client, q="欧阳")) == ["共 2 张工单符合条件"]
    assert COUNT.findall(page(manager_client, q="0317")) == ["共 1 张工单符合条件"]
    english = manager_client.get(reverse("tickets:list"), {"q": "欧阳"}, HTTP_ACCEPT_LANGUAGE="en")
    assert COUNT.findall(english.content.decode()) == ["2 tickets match"]
    assert COUNT.findall(page(manager_client)) == ["共 3 张工单符合条件"]  # no filter: every ticket


def test_beyond_the_cap_the_count_says_plus(manager_client, haystack):
    with mock.patch.object(selectors, "MATCH_COUNT_CAP", 2):
        assert COUNT.findall(page(manager_client)) == ["共 2+ 张工单符合条件"]  # 3 match: capped
        assert COUNT.findall(page(manager_client, q="欧阳")) == ["共 2 张工单符合条件"]  # exactly the cap: exact
        english = manager_client.get(reverse("tickets:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert COUNT.findall(english) == ["2+ tickets match"]


def many_matching(haystack, n: int) -> None:
    """n more tickets whose fault is 咨询保修期 (found by 保修), besides the haystack's three."""
    t = haystack["target"]
    now = timezone.now()
    Ticket.objects.bulk_create([
        Ticket(number=f"SD-20260102-{i:04d}", customer=t.customer, kind=t.kind, channel=t.channel,
               fault_description="咨询保修期", created_by=t.created_by, created_at=now, updated_at=now,
               status_changed_at=now, search_text=search_text_for(number=f"SD-20260102-{i:04d}", contact_name="王伟",
                                                                   contact_phone="", fault="咨询保修期"))
        for i in range(n)])


def test_two_hundred_and_one_read_200_plus(manager_client, haystack):
    assert selectors.MATCH_COUNT_CAP == 200
    many_matching(haystack, 200)
    english = manager_client.get(reverse("tickets:list"), {"q": "保修"}, HTTP_ACCEPT_LANGUAGE="en")
    assert COUNT.findall(english.content.decode()) == ["200 tickets match"]  # exactly the cap: exact
    english = manager_client.get(reverse("tickets:list"), HTTP_ACCEPT_LANGUAGE="en")
    assert COUNT.findall(english.content.decode()) == ["200+ tickets match"]  # 203
    assert COUNT.findall(page(manager_client)) == ["共 200+ 张工单符合条件"]
    assert COUNT.findall(page(manager_client, q="王伟 保修")) == ["共 200 张工单符合条件"]


def test_a_cap_in_thousands_reads_with_a_separator(manager_client, haystack):
    many_matching(haystack, 1000)
    with mock.patch.object(selectors, "MATCH_COUNT_CAP", 1000):
        english = manager_client.get(reverse("tickets:list"), {"q": "保修"}, HTTP_ACCEPT_LANGUAGE="en")
        assert COUNT.findall(english.content.decode()) == ["1,000 tickets match"]
        english = manager_client.get(reverse("tickets:list"), HTTP_ACCEPT_LANGUAGE="en")
        assert COUNT.findall(english.content.decode()) == ["1,000+ tickets match"]  # 1,003
        assert COUNT.findall(page(manager_client)) == ["共 1,000+ 张工单符合条件"]


def test_a_page_that_is_not_full_is_its_own_count(manager_client, haystack):
    """A rare word: the rows shown are every match, so no COUNT runs; a full page still counts."""
    with mock.patch.object(pagecache, "_cacheable_request", return_value=False):
        with CaptureQueriesContext(connection) as rare:
            assert COUNT.findall(page(manager_client, q="欧阳")) == ["共 2 张工单符合条件"]
        with mock.patch("tickets.views.PAGE_SIZE", 1), CaptureQueriesContext(connection) as full:
            assert COUNT.findall(page(manager_client, q="欧阳")) == ["共 2 张工单符合条件"]
    counting = [q["sql"] for q in rare.captured_queries if q["sql"].startswith("SELECT COUNT(*) FROM (SELECT")]
    assert counting == []
    counting = [q["sql"] for q in full.captured_queries if q["sql"].startswith("SELECT COUNT(*) FROM (SELECT")]
    assert len(counting) == 1 and counting[0].endswith(f"LIMIT {selectors.MATCH_COUNT_CAP + 1}) subquery"), counting


def test_more_pages_do_not_count_again(manager_client, haystack):
    with mock.patch.object(selectors, "MATCH_COUNT_CAP", 2), \
            mock.patch("tickets.views.PAGE_SIZE", 1):
        first = page(manager_client)
        more = re.search(r'hx-get="(\?[^"]+)"', first).group(1).replace("&amp;", "&")
        with CaptureQueriesContext(connection) as captured:
            rows = manager_client.get(reverse("tickets:list") + more, HTTP_HX_REQUEST="true").content.decode()
    assert "match-count" not in rows
    assert not any("COUNT(" in q["sql"].upper() and 'FROM "tickets_ticket"' in q["sql"]
                   for q in captured.captured_queries)


# --- cost -----------------------------------------------------------------------------------------------------------

def test_a_searched_page_costs_what_an_unsearched_one_does(manager_client, haystack):
    """The search adds no query: its condition goes into the list's own queries (the page: session, user, roles,
    the engineer choices, the rows, the bounded count…). One row a page, so the plain list (3 tickets) is full and
    counts; a word found once fills no page and needs no count (the page is every match), digits count in their
    one ordered scan."""
    page(manager_client)  # warm the per-process caches
    with mock.patch.object(pagecache, "_cacheable_request", return_value=False), \
            mock.patch("tickets.views.PAGE_SIZE", 1):  # rendered, not a stored page
        with CaptureQueriesContext(connection) as plain:
            page(manager_client)
        for query, fewer in (("0317", 0), ("黑屏", 1), ("mate 60", 1), ("欧阳娜娜", 1)):
            with CaptureQueriesContext(connection) as searched:
                assert page_numbers(manager_client, q=query) == [haystack["target"].number]
            assert len(searched) == len(plain) - fewer, (query, [q["sql"] for q in searched.captured_queries])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm indexes are PostgreSQL's")
@pytest.mark.parametrize(("query", "index"), [
    ("黑屏", "ticket_search_trgm"), ("mate", "ticket_search_trgm"), ("3708", "ticket_search_trgm"),
    ("0317", "ticket_search_trgm"),  # the end of a number: its sequence is the text's last word
    ("1201-0317", "ticket_number_trgm"),  # with its date: the number's own index
])
def test_the_trigram_index_can_answer_each_fragment(manager, haystack, query, index):
    """The condition's shape must match the index (`LIKE` on the column itself, not UPPER(…) or a join): with
    sequential scans off, PostgreSQL answers it from the GIN index — and for the search text the index alone
    picks the row (a two-character `%黑屏%` would read every entry and leave the recheck to drop them). At 1M
    rows the planner picks the index by itself (bench/README.md)."""
    qs = selectors.ticket_filter(user=manager, filters={"q": query}).values("pk")
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # and plain index scans: only a bitmap scan is left
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Bitmap Index Scan on {index}" in plan, plan
    if index == "ticket_search_trgm":
        assert "Rows Removed by Index Recheck" not in plan, plan
        # One condition on one index: no OR with the number's index, whose date digits gave thousands of
        # candidates at 1M (every number of 17 March has 0317).
        assert "ticket_number_trgm" not in plan, plan


# --- the pure part ----------------------------------------------------------------------------------------------

def test_search_text_has_the_short_words_between_spaces_and_the_number_last():
    text = search_text_for(number="SD-20261201-0317", contact_name="王伟", contact_phone="+86 137-1234-3708",
                           brand="OPPO", model="Find X7", fault="WiFi 经常断开")
    main, words = text.split(" | ")
    assert main == "王伟 8613712343708 oppo find x7 wifi 经常断开"
    # Every 2-character Chinese run, every 2–3 character word; then the number's sequence, without its date.
    assert words == "王伟 x7 经常 常断 断开 №0317"


def test_one_character_words_are_not_a_search():
    assert search_q("王") is None
    assert search_q("a b 7") is None
    assert search_q("王 黑屏") is not None  # the one-character word is dropped, the others are searched
