"""Issue 16: the two requests users feel most keep their query budgets — API create ≤ 9 queries for the whole
request (session user included, BEGIN/COMMIT counted; ≤ 8 with a partner's API key, verified once; 5 for a new
caller with a new phone on PostgreSQL), the ticket page ≤ 8 for a typical open ticket — and
what the cuts rely on still says the same as a read from the database would."""
import json

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.factories import intake_payload
from tickets import services
from tickets.engineering.services import ticket_reply

from .test_services import intake

pytestmark = pytest.mark.django_db(transaction=True)  # real BEGIN/COMMIT, as in production
CREATE_REQUEST_MAX_QUERIES = 9  # issue 16 asked ≤ 11; counter, ticket and event are one statement
DETAIL_MAX_QUERIES = 8


def _desk(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_api_create_takes_at_most_nine_queries_and_answers_what_a_read_says(
        reception, django_assert_max_num_queries):
    client = _desk(reception)
    url = reverse("api:ticket-list")
    client.post(url, json.dumps(intake_payload()), content_type="application/json")  # per-process caches warm
    for phone in ("13800138000", "13900139000"):  # a returning caller, then a new one
        body = json.dumps(intake_payload(customer={"phone": phone}))
        with django_assert_max_num_queries(CREATE_REQUEST_MAX_QUERIES):
            created = client.post(url, body, content_type="application/json")
        assert created.status_code == 201
        # The answer is built from the ticket as created (no read back): it must equal a fresh read.
        read = client.get(reverse("api:ticket-detail", args=[created.json()["number"]]))
        assert created.json() == read.json()
        assert created.json()["clocks"] and created.json()["warranty"]["policy"]["name"]
        assert created["ETag"] == read["ETag"]


# BEGIN, caller + device, number + ticket + event, 三包 + clocks, COMMIT (the session user is remembered,
# core/usercache.py)
NEW_CALLER_MAX_QUERIES = 5


def test_a_new_caller_with_a_new_phone_costs_five_queries_on_postgresql(reception, django_assert_max_num_queries):
    """The common first call: nothing to find, no history to read (tickets/caller.py, core.sql.inserts_batched)."""
    if connection.vendor != "postgresql":
        pytest.skip("one statement per step is PostgreSQL's")
    client, url = _desk(reception), reverse("api:ticket-list")
    client.post(url, json.dumps(intake_payload()), content_type="application/json")  # per-process caches warm
    body = json.dumps(intake_payload(customer={"phone": "13700137000"}, device={"imei": "356938035643809"}))
    with django_assert_max_num_queries(NEW_CALLER_MAX_QUERIES):
        created = client.post(url, body, content_type="application/json")
    assert created.status_code == 201
    assert created.json() == client.get(reverse("api:ticket-detail", args=[created.json()["number"]])).json()
    assert created.json()["warranty"]["remedies"] and len(created.json()["clocks"]) >= 1


def test_api_create_with_a_partner_key_reads_neither_the_key_nor_a_session(django_assert_max_num_queries):
    from tests.partners.conftest import key_client, make_partner
    from partners.services import api_key_create

    _key, raw = api_key_create(partner=make_partner("courier-budget"), name="budget")
    client, url = key_client(raw), reverse("api:ticket-list")
    assert client.post(url, intake_payload(), format="json").status_code == 201  # key verified, caches warm
    with django_assert_max_num_queries(CREATE_REQUEST_MAX_QUERIES - 1):
        created = client.post(url, intake_payload(customer={"phone": "13700137000"}), format="json")
    assert created.status_code == 201 and created.json()["partner"] == "courier-budget"


def _typical_ticket(reception, engineer):
    """Mid-way, as most open tickets are: 三包 decided, clocks running, dispatched, replied, a note."""
    ticket = services.ticket_create(created_by=reception, **intake())
    ticket = services.ticket_preprocess(ticket=ticket, actor=reception, note="已核实三包")
    ticket = services.ticket_dispatch(ticket=ticket, actor=reception, engineer=engineer)
    ticket = ticket_reply(ticket=ticket, actor=engineer, difficulty="主板故障", next_step="预约上门检测")
    services.ticket_add_note(ticket=ticket, actor=reception, note="客户来电催促进度")
    return ticket


@pytest.mark.parametrize("who", ["reception", "engineer", "manager"])
def test_the_ticket_page_takes_at_most_eight_queries(who, reception, engineer, manager,
                                                     django_assert_max_num_queries):
    ticket = _typical_ticket(reception, engineer)
    client = _desk({"reception": reception, "engineer": engineer, "manager": manager}[who])
    url = reverse("tickets:detail", args=[ticket.number])
    assert client.get(url).status_code == 200  # warm: per-process policy caches
    # A change since: the page is drawn again, not served from the page cache (core/pagecache.py) — the budget is
    # the rendering's, change token included.
    services.ticket_add_note(ticket=ticket, actor=reception, note="客户再次来电")
    with django_assert_max_num_queries(DETAIL_MAX_QUERIES):
        page = client.get(url)
    assert page.status_code == 200
    assert "客户来电催促进度" in page.content.decode()  # the timeline is there, not skipped
    assert "客户再次来电" in page.content.decode()  # rendered afresh


def test_panels_with_rows_still_show_them(reception, engineer, reception_client):
    """The page's ticket query says which cards have rows (`has_<app>`): a card with rows reads and shows them."""
    from tickets.engineering.services import ticket_solve

    ticket = _typical_ticket(reception, engineer)
    ticket_solve(ticket=ticket, actor=engineer, kind="shop_repair", plan="更换屏幕排线", result="测试正常")  # a callback
    page = reception_client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert 'data-testid="callback-state"' in page
