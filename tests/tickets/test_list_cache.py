"""The desk's list page served from the cache while unchanged (core/pagecache.py, issue 16 §4): what a user sees
is what a fresh render would show them — never another user's page, never a stale list after a change, a
working CSRF token of their own — and with Redis away the page still renders."""
import re

import pytest
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_user
from tests.resilience.outage import redis_down
from tests.tickets.conftest import named
from tickets import services

from .test_services import intake

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_minute")]
REAL_MINUTE = __import__("core.pagecache", fromlist=["_minute"])._minute  # before any test pins it


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE = True
URL = "/tickets/"
# Masked CSRF tokens: in the forms' hidden field and in htmx's X-CSRFToken header on <body>.
TOKEN = re.compile(r'(?:name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")([A-Za-z0-9]{64})"')


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _load(client, url=URL):
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    return page, len(queries)


def test_an_unchanged_list_is_served_again_without_rendering(reception):
    services.ticket_create(created_by=reception, **intake())
    client = _client(reception)
    first, rendered = _load(client)
    again, cached = _load(client)
    assert cached == 1 < rendered  # the session's user read with the change token (core/pageuser.py)
    strip = lambda page: TOKEN.sub("", page.content.decode())
    assert strip(again) == strip(first)


def test_the_readers_own_csrf_token_is_in_a_served_page(reception):
    client = _client(reception)
    _load(client)
    page, _queries = _load(client)
    tokens = TOKEN.findall(page.content.decode())
    assert len(tokens) >= 2, "the list's forms and htmx's header carry a CSRF token"
    secret = client.cookies["csrftoken"].value
    assert all(_unmask_cipher_token(token) == secret for token in tokens)
    other = _client(make_user("reception", "reception-b"))
    other_page, _queries = _load(other)
    assert _unmask_cipher_token(TOKEN.findall(other_page.content.decode())[0]) == other.cookies["csrftoken"].value


def test_a_new_ticket_shows_at_once(reception):
    client = _client(reception)
    _load(client)
    ticket = services.ticket_create(created_by=reception, **intake())
    page, _queries = _load(client)
    assert ticket.number in page.content.decode()


def test_users_of_other_scopes_never_get_each_others_page(reception, engineer, other_engineer):
    named(reception, "前台甲"), named(engineer, "工程师乙"), named(other_engineer, "工程师丙")
    mine = services.ticket_create(created_by=reception, **intake())
    services.ticket_preprocess(ticket=mine, actor=reception)
    services.ticket_dispatch(ticket=mine, actor=reception, engineer=engineer)
    theirs = services.ticket_create(created_by=reception, **intake(fault_description="别人的工单"))
    desk_page = _load(_client(reception))[0].content.decode()
    assert mine.number in desk_page and theirs.number in desk_page and "前台甲" in desk_page
    for user, name, shown, hidden in ((engineer, "工程师乙", [mine.number], [theirs.number]),
                                      (other_engineer, "工程师丙", [], [mine.number, theirs.number])):
        client = _client(user)
        for _ in range(2):  # rendered, then from the cache: the same scope both times
            page = client.get(URL).content.decode()
            assert all(n in page for n in shown) and not any(n in page for n in hidden)
            assert name in page and "前台甲" not in page


def test_two_users_of_one_role_each_see_their_own_header(reception):
    other = named(make_user("reception", "reception-two"), "前台丁")
    named(reception, "前台甲")
    services.ticket_create(created_by=reception, **intake())
    for user, name, not_name in ((reception, "前台甲", "前台丁"), (other, "前台丁", "前台甲")) * 2:
        page = _load(_client(user))[0].content.decode()
        assert name in page and not_name not in page


def test_a_waiting_message_is_shown_not_a_stored_page(reception):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage

    client = _client(reception)
    _load(client), _load(client)  # stored
    client.cookies["messages"] = CookieStorage(None)._encode([Message(constants.SUCCESS, "已派发给工程师乙")])
    page = client.get(URL)
    assert "已派发给工程师乙" in page.content.decode()
    assert "已派发给工程师乙" not in client.get(URL).content.decode()  # shown once, as without the cache


def test_with_redis_away_the_list_still_renders(reception):
    ticket = services.ticket_create(created_by=reception, **intake())
    client = _client(reception)
    with redis_down():
        for _ in range(2):
            page = client.get(URL)
            assert page.status_code == 200 and ticket.number in page.content.decode()


def test_filters_and_languages_are_separate_pages(reception):
    ticket = services.ticket_create(created_by=reception, **intake())
    client = _client(reception)
    assert ticket.number in client.get(URL).content.decode()
    assert ticket.number not in client.get(URL, {"status": "closed"}).content.decode()
    assert ticket.number in client.get(URL).content.decode()
    english = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en"' in english and '<html lang="en"' not in client.get(URL).content.decode()


def test_the_page_is_rendered_again_when_the_minute_turns(reception, monkeypatch):
    """Countdowns and overdue colours move with the clock, in whole minutes, without any row changing."""
    from datetime import timedelta

    from django.utils import timezone

    from core import pagecache

    monkeypatch.setattr(pagecache, "_minute", REAL_MINUTE)  # unpinned: this test turns the minute itself
    now = timezone.now().replace(second=0)
    monkeypatch.setattr("core.pagecache.timezone.now", lambda: now)
    services.ticket_create(created_by=reception, **intake())
    client = _client(reception)
    _load(client)
    assert _load(client)[1] == 1
    later = now + timedelta(minutes=1)
    monkeypatch.setattr("core.pagecache.timezone.now", lambda: later)
    assert _load(client)[1] > 1
