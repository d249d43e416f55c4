"""A desk list drawn afresh (a new filter, a new minute) reuses what has not changed since the last drawing:
the bars' forms are not built when their fragments are cached, the filters are cleaned once per distinct query,
the engineers and the bell are read once per change of theirs (tickets/list_filters.py, sla_tags.sla_bell).
What the reader sees must be what drawing everything again would show: a new or read notice, a renamed or
deactivated engineer, a wrong filter — at once."""
import re
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.templatetags import fragments
from sla.models import Notification
from tests.factories import TicketFactory
from tickets import forms, forms_bulk

pytestmark = pytest.mark.django_db
URL = reverse("tickets:list")


@pytest.fixture(autouse=True)
def _drawn_afresh(settings, monkeypatch):
    """Every load drawn, none served whole from the page cache (as bench/list_latency.py --fresh): the change
    token is still read with the user, as on any page-cached view."""
    settings.PAGE_CACHE = True
    monkeypatch.setattr("core.pagecache._cacheable_request", lambda request: False)


def load(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    return response, [q["sql"] for q in queries.captured_queries]


def bell_count(html: str) -> int:
    found = re.search(r'data-testid="bell-count">\s*(\d+)<', html)
    return int(found.group(1)) if found else 0


def test_cached_bars_build_no_form_and_the_page_reads_three_queries(reception_client, engineer):
    TicketFactory.create_batch(3, engineer=engineer)
    for params in ({}, {"status": ["registered", "dispatched"], "kind": "repair"}):
        with mock.patch("tickets.views.PAGE_SIZE", 2):
            first, _ = load(reception_client, **params)
        with mock.patch.object(forms.TicketFilterForm, "__init__", side_effect=AssertionError("built")), \
                mock.patch.object(forms_bulk.BulkForm, "__init__", side_effect=AssertionError("built")), \
                mock.patch("tickets.views.PAGE_SIZE", 2):  # a full page: its matches are counted
            again, queries = load(reception_client, **params)
        assert again.status_code == 200
        # The user with the change token, the rows, the capped count: no engineers, bell or second token query.
        assert len(queries) == 3, queries
        strip = lambda page: re.sub(r'value="[A-Za-z0-9]{64}"|"X-CSRFToken": "[A-Za-z0-9]{64}"', "",
                                    page.content.decode())
        assert strip(again) == strip(first)


def test_bars_drawn_from_stand_ins_are_the_bars_drawn_with_their_forms(reception_client, engineer):
    TicketFactory(engineer=engineer)
    params = {"status": ["dispatched"], "engineer": engineer.pk, "q": "黑屏", "created_from": "2026-01-01"}
    load(reception_client, **params)  # the cleaned filters are kept
    fragments._HTML.clear()  # the bars are drawn again, from the stand-ins' forms
    with_stand_ins = load(reception_client, **params)[0].content.decode()
    with mock.patch("tickets.list_filters._CLEANED", {}):
        fragments._HTML.clear()
        with_forms = load(reception_client, **params)[0].content.decode()
    bar = re.compile(r'<form method="get".*?</form>|<form id="bulk-form".*?</form>', re.S)
    strip = lambda html: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", "".join(bar.findall(html)))
    assert strip(with_stand_ins) == strip(with_forms)
    assert f'<option value="{engineer.pk}" selected>' in with_stand_ins


def test_a_filtered_engineer_deactivated_is_refused_at_once(reception_client, engineer):
    TicketFactory(engineer=engineer)
    assert load(reception_client, engineer=engineer.pk)[0].status_code == 200
    assert load(reception_client, engineer=engineer.pk)[0].status_code == 200  # kept
    engineer.is_active = False
    engineer.save()
    refused = load(reception_client, engineer=engineer.pk)[0]
    assert refused.status_code == 400 and 'data-testid="error-engineer"' in refused.content.decode()


def test_a_wrong_filter_after_valid_ones_is_still_marked(reception_client):
    assert load(reception_client, created_to="2026-01-01")[0].status_code == 200
    for _ in range(2):
        response = load(reception_client, created_to="2026-13-01")[0]
        assert response.status_code == 400 and 'data-testid="error-created_to"' in response.content.decode()


def test_a_renamed_engineer_shows_in_both_selects_at_once(reception_client, engineer):
    load(reception_client)
    engineer.last_name, engineer.first_name = "欧阳", "新名"
    engineer.save()
    html = load(reception_client)[0].content.decode()
    assert html.count("欧阳新名") == 2  # the filter bar's select and the bulk bar's


def test_the_bell_follows_new_and_read_notices_and_is_read_once_per_change(reception_client, reception):
    ticket = TicketFactory()
    Notification.objects.create(user=reception, ticket=ticket, text=f"{ticket.number}: 提醒 1")
    load(reception_client)
    again, queries = load(reception_client)
    assert bell_count(again.content.decode()) == 1
    # Only the change token names the notices: the bell was drawn from it.
    assert sum("sla_notification" in sql for sql in queries) == 1, queries
    second = Notification.objects.create(user=reception, ticket=ticket, text=f"{ticket.number}: 提醒 2")
    html = load(reception_client)[0].content.decode()
    assert bell_count(html) == 2 and "提醒 2" in html
    second.read_at = timezone.now()
    second.save()
    html = load(reception_client)[0].content.decode()
    assert bell_count(html) == 1 and "提醒 2" not in html
    english = reception_client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 unread notification" in english


def test_another_readers_bell_is_their_own(reception_client, reception, manager):
    ticket = TicketFactory()
    Notification.objects.create(user=reception, ticket=ticket, text=f"{ticket.number}: 只给前台")
    assert bell_count(load(reception_client)[0].content.decode()) == 1
    other = Client()
    other.force_login(manager)
    html = other.get(URL).content.decode()
    assert bell_count(html) == 0 and "只给前台" not in html


def test_page_rows_compiled_once_are_the_orms_rows(manager, engineer):
    """tickets/list_rows.page_rows: the statement around the ids is compiled once per ordering; the rows must be
    list_rows' through the ORM for every shape of ids — filtered, searched (LIKE with % and _ in its parameter),
    a list, none."""
    from tickets.list_rows import ListRow, list_rows, page_rows
    from tickets.models import Ticket
    from tickets.selectors import SORTS, ticket_list

    TicketFactory.create_batch(4, engineer=engineer, fault_description="黑屏 100%_off")
    TicketFactory.create_batch(3)

    def values(rows):
        plain = [slot for slot in ListRow.__slots__ if slot not in ("device", "engineer")]
        return [(*(getattr(row, slot) for slot in plain), str(row.device), getattr(row.engineer, "username", None))
                for row in rows]

    for filters, sort in (({}, "-created_at"), ({"status": ["registered"]}, "created_at"),
                          ({"q": "100%_"}, "-updated_at"), ({"engineer": engineer}, "-created_at")):
        ordering = SORTS[sort]
        ids = ticket_list(user=manager, filters=filters).values("pk")[:5]
        expected = list_rows(Ticket.objects.filter(pk__in=ids).order_by(*ordering))
        assert expected and values(page_rows(ids, ordering)) == values(expected), filters
        assert values(page_rows([row.pk for row in expected], ordering)) == values(expected)
    assert page_rows([], SORTS["-created_at"]) == []
