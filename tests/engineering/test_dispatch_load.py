"""Dispatch that knows load (issue 15 §10): each engineer's open tickets and nearest due time beside their
name, one query for all of them, and a suggested engineer — least open work, then round robin. Product categories:
test_dispatch_skills.py."""
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.roles import Role
from tests.conftest import make_user
from tests.factories import TicketFactory
from tickets.choices import Status
from tickets.engineering.rules import EngineerLoad, engineer_suggested
from tickets.engineering.selectors import engineer_load, engineers_with_load
from tickets.forms import DispatchForm

SH = ZoneInfo("Asia/Shanghai")
T = datetime(2026, 12, 2, 9, 0, tzinfo=SH)


def load(pk, name, count, last=None):
    return EngineerLoad(engineer_id=pk, name=name, open_count=count, last_assigned_at=last)


@pytest.mark.parametrize(("loads", "expected"), [
    pytest.param([], None, id="nobody"),
    pytest.param([load(1, "王工", 3), load(2, "李工", 1), load(3, "张工", 2)], 2, id="least-open-work"),
    pytest.param([load(1, "王工", 2, T), load(2, "李工", 2, T + timedelta(minutes=5))], 1,
                 id="tie-least-recently-assigned"),
    pytest.param([load(1, "王工", 0), load(2, "李工", 1, T - timedelta(days=3))], 1, id="load-before-recency"),
    pytest.param([load(1, "王工", 1, T), load(2, "李工", 1)], 2, id="nothing-open-dates-count-as-longest-ago"),
    pytest.param([load(7, "a-eng", 0), load(3, "b-eng", 0)], 7, id="full-tie-stable-by-name-not-id"),
])
def test_the_suggestion_rule(loads, expected):
    assert engineer_suggested(loads) == expected


def test_round_robin_among_equals_rotates():
    """Three idle engineers take turns: after each dispatch the next one is suggested, never the same twice."""
    loads = {pk: load(pk, name, 0) for pk, name in ((1, "a"), (2, "b"), (3, "c"))}
    picked = []
    for minute in range(3):
        pk = engineer_suggested(list(loads.values()))
        picked.append(pk)
        loads[pk] = load(pk, loads[pk].name, 1, T + timedelta(minutes=minute))
    assert sorted(picked) == [1, 2, 3]
    assert engineer_suggested(list(loads.values())) == picked[0]  # all at one ticket: the first in line again


@pytest.fixture
def crew(db):
    """Three engineers: busy (2 open, one due soonest, plus closed history), light (1 open), idle (0)."""
    busy, light, idle = (make_user(Role.ENGINEER, name) for name in ("busy", "light", "idle"))
    make_user(Role.RECEPTION, "desk-only")  # not an engineer: never offered
    TicketFactory(engineer=busy, status=Status.DISPATCHED, next_due_at=T + timedelta(minutes=30), dispatched_at=T)
    TicketFactory(engineer=busy, status=Status.WAITING, next_due_at=None, dispatched_at=T - timedelta(hours=1))
    TicketFactory(engineer=light, status=Status.REPLIED, next_due_at=T + timedelta(hours=20), dispatched_at=T)
    for status in (Status.CLOSED, Status.SOLVED, Status.CANCELLED):  # not the engineer's work any more
        TicketFactory(engineer=idle, status=status, next_due_at=T, dispatched_at=T)
    return busy, light, idle


def test_loads_count_only_the_engineers_queue(crew):
    busy, light, idle = crew
    # Tickets written around the services (factories): the last assignment is the latest open dispatch.
    rows = {u.username: (u.open_count, u.nearest_due_at, engineer_load(u).last_assigned_at)
            for u in engineers_with_load()}
    assert rows == {"busy": (2, T + timedelta(minutes=30), T), "light": (1, T + timedelta(hours=20), T),
                    "idle": (0, None, None)}


def test_one_query_for_all_engineers_however_many(crew, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(DispatchForm()["engineer"].field.choices) == 4  # the empty choice and three engineers
    for n in range(8):
        engineer = make_user(Role.ENGINEER, f"more-{n}")
        TicketFactory.create_batch(2, engineer=engineer, status=Status.DISPATCHED, next_due_at=T)
    with django_assert_num_queries(1):
        form = DispatchForm()
        html = str(form["engineer"])
    assert html.count("<option") == 12


def test_an_unused_dispatch_form_asks_nothing(crew, django_assert_num_queries):
    with django_assert_num_queries(0):
        DispatchForm()


def test_the_dispatch_panel_shows_loads_and_preselects_the_suggestion(crew, reception_client):
    busy, light, idle = crew
    ticket = TicketFactory(status=Status.PREPROCESSED)
    html = reception_client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    select = re.search(r'<select name="engineer".*?</select>', html, re.S).group(0)
    option = {name: re.search(rf'<option value="{u.pk}"[^>]*>([^<]*)</option>', select).group(0)
              for name, u in (("busy", busy), ("light", light), ("idle", idle))}
    assert "在办 2 单" in option["busy"] and "最近到期 12-02 09:30" in option["busy"]
    assert "在办 1 单" in option["light"] and "最近到期 12-03 05:00" in option["light"]
    assert "在办 0 单" in option["idle"] and "最近到期" not in option["idle"]
    assert "selected" in option["idle"] and "建议" in option["idle"]
    assert not any("selected" in option[name] or "建议" in option[name] for name in ("busy", "light"))


def test_the_detail_page_does_not_grow_with_engineers(crew, reception_client, settings):
    settings.PAGE_CACHE = False  # every view is drawn (core/pagecache.py would serve the second from its store)
    ticket = TicketFactory(status=Status.PREPROCESSED)
    url = reverse("tickets:detail", args=[ticket.number])
    reception_client.get(url)  # warm caches (policies, session)
    with CaptureQueriesContext(connection) as few:
        reception_client.get(url)
    for n in range(10):
        TicketFactory(engineer=make_user(Role.ENGINEER, f"extra-{n}"), status=Status.DISPATCHED, next_due_at=T)
    reception_client.get(url)  # new users move the session users' token (core/usercache.py): the reader is read again
    with CaptureQueriesContext(connection) as many:
        reception_client.get(url)
    assert len(many) == len(few)
