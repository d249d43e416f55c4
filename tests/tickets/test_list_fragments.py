"""The desk list's filter bar and bulk bar are drawn once per distinct content (core/templatetags/fragments.py):
a reader must never see another request's values, an engineer list that is out of date or another language,
and the page keeps its query budget (both engineer selects from one query)."""
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.templatetags import fragments
from tests.conftest import make_user
from tests.factories import TicketFactory
from core.roles import Role

pytestmark = pytest.mark.django_db
FILTERS = re.compile(r'<form method="get"[^>]*id="filters">.*?</form>', re.S)
BULK = re.compile(r'<form id="bulk-form".*?</form>', re.S)


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def bars(client, **params) -> tuple[str, str]:
    """(filter bar, bulk bar without its per-request CSRF token) of the list page."""
    response = client.get(reverse("tickets:list"), params)
    assert response.status_code == 200
    html = response.content.decode()
    return FILTERS.search(html).group(0), CSRF.sub("csrf", BULK.search(html).group(0))


def selected(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)" selected', select)


def test_each_request_shows_its_own_filters(reception_client, engineer):
    TicketFactory()
    first, _ = bars(reception_client, kind="repair", q="黑屏", engineer=engineer.pk)
    second, _ = bars(reception_client, kind="complaint")
    assert selected(first, "kind") == ["repair"] and selected(second, "kind") == ["complaint"]
    assert 'value="黑屏"' in first and "黑屏" not in second
    assert selected(first, "engineer") == [str(engineer.pk)] and selected(second, "engineer") == [""]
    again, _ = bars(reception_client, kind="repair", q="黑屏", engineer=engineer.pk)
    assert again == first


def test_a_new_or_renamed_engineer_shows_in_both_selects_at_once(reception_client, engineer):
    filters, bulk = bars(reception_client)
    assert "李新人" not in filters and "李新人" not in bulk
    newcomer = make_user(Role.ENGINEER, "newcomer")
    newcomer.first_name, newcomer.last_name = "新人", "李"
    newcomer.save()
    filters, bulk = bars(reception_client)
    assert f'<option value="{newcomer.pk}">李新人 · newcomer</option>' in filters
    assert re.search(rf'<option value="{newcomer.pk}"[^>]*>李新人 · newcomer</option>', bulk)
    newcomer.last_name = "王"
    newcomer.save()
    filters, bulk = bars(reception_client)
    assert "王新人" in filters and "王新人" in bulk and "李新人" not in filters + bulk


def test_the_bars_follow_the_language(reception_client, engineer):
    zh, zh_bulk = bars(reception_client)
    response = reception_client.get(reverse("tickets:list"), HTTP_ACCEPT_LANGUAGE="en")
    en = FILTERS.search(response.content.decode()).group(0)
    en_bulk = BULK.search(response.content.decode()).group(0)
    assert "All kinds" in en and "All kinds" not in zh
    assert en_bulk != zh_bulk


def test_cached_bars_are_the_bars_drawn_afresh(reception_client, engineer, other_engineer):
    fragments._HTML.clear()
    fresh = bars(reception_client, status=["registered", "dispatched"], sort="-updated_at")
    assert fragments._HTML, "the bars were not cached"
    assert bars(reception_client, status=["registered", "dispatched"], sort="-updated_at") == fresh
    # The CSRF token is outside the cached fields: each response carries its own, as a form must.
    tokens = {re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"',
                        reception_client.get(reverse("tickets:list")).content.decode()).group(1) for _ in range(2)}
    assert len(tokens) == 2


def test_a_wrong_filter_is_marked_not_served_from_the_cache(reception_client):
    bars(reception_client, created_to="2026-01-01")
    response = reception_client.get(reverse("tickets:list"), {"created_to": "9999-12-31"})
    assert response.status_code == 400
    assert 'data-testid="error-created_to"' in response.content.decode()
    assert 'is-invalid' in FILTERS.search(response.content.decode()).group(0)
    assert "is-invalid" not in bars(reception_client, created_to="2026-01-01")[0]


def test_the_desk_list_reads_the_engineers_once(reception_client, engineer, other_engineer,
                                                django_assert_max_num_queries, settings):
    # The render's own queries are counted: an unchanged list would otherwise come whole from the page cache
    # (core/pagecache.py, tests/tickets/test_list_cache.py), reading no engineer at all.
    settings.PAGE_CACHE = False
    for _ in range(3):
        TicketFactory(engineer=engineer)
    bars(reception_client)  # warm: the same budget whether the bars come from the cache or not
    fragments._HTML.clear()
    with CaptureQueriesContext(connection) as captured:
        bars(reception_client)
    engineers = [q["sql"] for q in captured.captured_queries if 'WHERE ("auth_group"."name" = ' in q["sql"]]
    assert len(engineers) == 1, [q["sql"] for q in captured.captured_queries]
    # Session user with roles, live token, the page's rows, the capped count, the bell, the engineers.
    with django_assert_max_num_queries(6):
        bars(reception_client)


def test_a_live_poll_brings_the_count_above_the_rows(reception_client):
    """The rows of the first page refresh by themselves (core/live.py); the "共 N 张" above them comes in the same
    answer, as an htmx partial aimed at it, so a new ticket never shows under a count that leaves it out."""
    TicketFactory.create_batch(3)
    poll = reception_client.get(reverse("tickets:list"), HTTP_HX_REQUEST="true", HTTP_X_LIVE_POLL="1")
    partial = re.search(r'<template hx type="partial" hx-target="#match-count"[^>]*>(.*?)</template>',
                        poll.content.decode(), re.S)
    assert partial and 'id="match-count"' in partial.group(1) and "3" in partial.group(1)
    page = reception_client.get(reverse("tickets:list")).content.decode()
    assert page.count('data-testid="match-count"') == 1  # the full page draws it once, above the table
