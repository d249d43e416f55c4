"""The ticket page served from the cache while unchanged (core/pagecache.py, issue 16 §3): a re-viewed page costs
one query (the session's user read with the change token), and whatever changed since — a step, a note, an SLA warning, a notice,
a message's delivery — shows at once; each reader gets their own page with their own CSRF token; Redis away, the
page renders as usual."""
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_user
from tests.resilience.outage import redis_down
from tests.tickets.conftest import named
from tickets import services
from tickets.engineering.services import ticket_reply

from .test_services import intake

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_minute")]


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE = True

TOKEN = re.compile(r'(?:name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")([A-Za-z0-9]{64})"')
HEADER_NAME = re.compile(r'<i class="bi bi-person-circle"></i> ([^<]+)</a>')
CACHED_MAX_QUERIES = 1  # the session's user with the change token and the ticket's version (core/pageuser.py)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(ticket) -> str:
    return reverse("tickets:detail", args=[ticket.number])


def _load(client, ticket):
    with CaptureQueriesContext(connection) as queries:
        page = client.get(_url(ticket))
    assert page.status_code == 200
    return page.content.decode(), len(queries)


def _dispatched(reception, engineer):
    ticket = services.ticket_create(created_by=reception, **intake())
    ticket = services.ticket_preprocess(ticket=ticket, actor=reception)
    return services.ticket_dispatch(ticket=ticket, actor=reception, engineer=engineer)


def _cached(client, ticket) -> str:
    """Viewed twice: the second view is the stored page."""
    _load(client, ticket)
    page, queries = _load(client, ticket)
    assert queries <= CACHED_MAX_QUERIES
    return page


def test_a_second_view_is_served_from_the_cache(reception, engineer):
    ticket = _dispatched(reception, engineer)
    client = _client(reception)
    first, rendered = _load(client, ticket)
    again, cached = _load(client, ticket)
    assert cached <= CACHED_MAX_QUERIES < rendered
    assert TOKEN.sub("", again) == TOKEN.sub("", first)


def test_a_view_after_a_change_keeps_the_pages_query_budget(reception, engineer):
    """A miss pays the change token on top of the rendering: still within the page's 8 (test_hot_budget.py)."""
    ticket = _dispatched(reception, engineer)
    client = _client(reception)
    _cached(client, ticket)
    services.ticket_add_note(ticket=ticket, actor=reception, note="客户来电催促进度")
    page, queries = _load(client, ticket)
    assert "客户来电催促进度" in page and CACHED_MAX_QUERIES < queries <= 8


def test_a_step_and_a_note_show_at_once(reception, engineer):
    ticket = _dispatched(reception, engineer)
    client = _client(reception)
    assert "预约上门检测" not in _cached(client, ticket)
    ticket = ticket_reply(ticket=ticket, actor=engineer, difficulty="主板故障", next_step="预约上门检测")
    page, queries = _load(client, ticket)
    assert "预约上门检测" in page and queries > CACHED_MAX_QUERIES
    assert "客户来电催促进度" not in _cached(client, ticket)
    services.ticket_add_note(ticket=ticket, actor=reception, note="客户来电催促进度")
    assert "客户来电催促进度" in _load(client, ticket)[0]


def test_a_change_of_another_ticket_renders_the_page_again(reception, engineer):
    """The dispatch select shows each engineer's load: any ticket's change may move it."""
    ticket = services.ticket_create(created_by=reception, **intake())
    client = _client(reception)
    _cached(client, ticket)
    _dispatched(reception, engineer)
    assert _load(client, ticket)[1] > CACHED_MAX_QUERIES


def test_an_sla_warning_and_a_notice_show_at_once(reception, engineer):
    from sla.enforcement import sla_sweep
    from sla.models import Notification, SlaClock

    ticket = _dispatched(reception, engineer)
    client = _client(reception)
    page = _cached(client, ticket)
    assert 'data-testid="bell-count"' not in page
    # The warning time passes (the minute's key would catch that too) and the sweep records the warning.
    now = timezone.now()
    clock = SlaClock.objects.filter(ticket=ticket, met_at=None).exclude(due_at=None).order_by("due_at").first()
    SlaClock.objects.filter(pk=clock.pk).update(warn_at=now - timedelta(minutes=5), due_at=now + timedelta(hours=2),
                                                next_check_at=now - timedelta(minutes=5))
    page = _cached(client, ticket)  # stored again within the minute: the moved warn time alone is not seen here
    sla_sweep(now=now)
    page = _load(client, ticket)[0]
    assert re.search(rf'data-testid="clock-{clock.step}"[^>]*>', page)
    assert re.search(r'badge text-bg-warning" data-testid="clock-status"', page)
    _cached(client, ticket)
    Notification.objects.create(user=reception, ticket=ticket, text="工单即将超时")
    page = _load(client, ticket)[0]
    assert re.search(r'data-testid="bell-count">1<', page)


def test_a_messages_delivery_shows_on_the_page(reception, engineer):
    """The page carries no delivery status of its own: each message's badge loads it (never stored)."""
    from progress.message_services import customer_message_create
    from progress.models import CustomerMessage, MessageStatus

    ticket = _dispatched(reception, engineer)
    message = customer_message_create(ticket=ticket, actor=reception, channel="sms", text="您的手机已修好")
    client = _client(reception)
    _cached(client, ticket)
    CustomerMessage.objects.filter(pk=message.pk).update(status=MessageStatus.SENT, sent_at=timezone.now())
    page = _load(client, ticket)[0]
    loader = re.search(rf'hx-get="([^"]+\?id={message.pk})" hx-trigger="load"', page)
    assert loader, "the badge asks for the delivery status when the page loads"
    badge = client.get(loader.group(1).replace("&amp;", "&"), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="sent"' in badge


def test_each_reader_gets_their_own_page(reception, engineer, manager):
    named(reception, "前台甲"), named(engineer, "工程师乙"), named(manager, "经理丙")
    other_desk = named(make_user("reception", "reception-two"), "前台丁")
    ticket = _dispatched(reception, engineer)
    for _round in range(2):  # rendered, then stored: the same page each time
        for user, name in ((reception, "前台甲"), (engineer, "工程师乙"), (manager, "经理丙"), (other_desk, "前台丁")):
            page = _load(_client(user), ticket)[0]
            assert HEADER_NAME.findall(page) == [name], user  # the header names the reader, nobody else
            # The desk's composer to the customer is the desk's: never on the engineer's page.
            assert ('id="cmsg-composer"' in page) == (user != engineer)


def test_the_readers_own_csrf_token_is_in_a_served_page(reception, engineer):
    ticket = _dispatched(reception, engineer)
    client = _client(reception)
    page = _cached(client, ticket)
    tokens = TOKEN.findall(page)
    assert tokens, "the page's forms and htmx's header carry a CSRF token"
    assert all(_unmask_cipher_token(token) == client.cookies["csrftoken"].value for token in tokens)
    other = _client(make_user("reception", "reception-b"))
    other_page = _cached(other, ticket)
    assert all(_unmask_cipher_token(token) == other.cookies["csrftoken"].value for token in TOKEN.findall(other_page))


def test_with_redis_away_the_page_still_renders(reception, engineer):
    ticket = _dispatched(reception, engineer)
    client = _client(reception)
    with redis_down():
        for _ in range(2):
            page = client.get(_url(ticket))
            assert page.status_code == 200 and ticket.number in page.content.decode()


def test_a_failed_step_with_its_errors_is_never_stored(reception, engineer):
    """A POST answer (a refusal shown on the page) is not stored, nor served to the next GET."""
    ticket = _dispatched(reception, engineer)
    client = _client(reception)
    _cached(client, ticket)
    refused = client.post(reverse("tickets:action", args=[ticket.number, "note"]), {"note": ""})
    page, queries = _load(client, ticket)
    assert refused.status_code == 400 and "is-invalid" in refused.content.decode()
    assert queries <= CACHED_MAX_QUERIES and "is-invalid" not in page


def test_a_write_stamped_before_the_newest_change_still_shows(reception, engineer):
    """Two writers: the one stamped earlier commits last, so the newest updated_at of all tickets does not move;
    the ticket's own version does."""
    from tickets.timeline import timeline_record

    ticket = _dispatched(reception, engineer)
    stamped = timezone.now()
    services.ticket_create(created_by=reception, **intake())  # the newest updated_at, after `stamped`
    client = _client(reception)
    _cached(client, ticket)
    timeline_record(ticket=ticket, actor=reception, action="note", note="先盖章后提交", at=stamped)
    assert "先盖章后提交" in _load(client, ticket)[0]
