"""The ticket list's rows rendered in Python (tickets/templatetags/ticket_rows.py) are the HTML the Django
template they replaced gives (templates/tickets/_list_row_reference.html, the row markup of commit 6417ade),
for tickets in every status, with and without engineer, product, due time and 三包 decision, and names that
need escaping. Issue 11: the speed work keeps a parity test against the template it replaces."""
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template.loader import render_to_string
from django.utils import translation

from core.roles import Role
from tests.conftest import make_user
from tests.factories import CustomerFactory, DeviceFactory, TicketFactory
from tests.tickets.test_services import intake
from tickets import services
from tickets.choices import ProductCategory, Status
from tickets.display import due_tone
from tickets.models import Ticket
from tickets.templatetags.ticket_rows import ticket_rows

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
NASTY = '<b>"A&B\'</b>'  # every character html.escape and Django's escape turn into an entity


def normalized(html: str) -> str:
    # The template has newlines and indentation between cells; the Python rows have none.
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


@pytest.fixture
def varied(reception):
    """One ticket per status, cycling through engineer / product / due time / escaping variants, plus two
    registered through the service so that they carry a 三包 decision (the bare rows carry none)."""
    engineer = make_user(Role.ENGINEER, "eng-nasty")
    engineer.last_name, engineer.first_name = NASTY, "工"
    engineer.save()
    plain_engineer = make_user(Role.ENGINEER, "eng-plain")
    dues = [None, NOW - timedelta(hours=2), NOW + timedelta(minutes=10), NOW + timedelta(hours=5)]
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        for index, status in enumerate(Status.values):
            customer = CustomerFactory(name=NASTY if index % 3 == 0 else f"客户{index}")
            device = None
            if index % 4:
                device = DeviceFactory(customer=customer, category=ProductCategory.COMPUTER, imei="",
                                       brand=NASTY if index % 4 == 1 else "联想", model="ThinkPad X1",
                                       serial=f"SN{index:09d}")
            TicketFactory(status=status, customer=customer, device=device, next_due_at=dues[index % len(dues)],
                          engineer=(engineer, plain_engineer, None)[index % 3],
                          fault_description=(NASTY * 8 if index % 2 else "开机后屏幕闪烁，偶尔黑屏"))
        for phone in ("13800138000", "13900139000"):
            services.ticket_create(created_by=reception, **intake(customer={"phone": phone, "name": NASTY}))
    tickets = list(Ticket.objects.select_related("customer", "device", "engineer").order_by("id"))
    assert {t.status for t in tickets} == set(Status.values)
    assert any(hasattr(t, "warranty_decision") for t in tickets), "no ticket with a 三包 decision"
    assert not all(hasattr(t, "warranty_decision") for t in tickets), "no ticket without a 三包 decision"
    return tickets


@pytest.mark.parametrize("selectable", [False, True], ids=["plain", "desk-checkboxes"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_python_rows_equal_the_template_rows(varied, language, selectable):
    with translation.override(language), time_machine.travel(NOW, tick=False):
        fast = str(ticket_rows(varied, selectable))
        reference = render_to_string("tickets/_list_row_reference.html", {"tickets": varied, "selectable": selectable})
    assert normalized(fast) == normalized(reference)
    # The comparison covers what it claims: every variant is in the HTML, escaped, never raw.
    row_start = '<tr tabindex="0" data-bulk-row>' if selectable else "<tr>"
    assert fast.count(row_start) == len(varied)
    # The desk's rows carry one checkbox each (issue 14 bulk bar), tied to its form; others carry none.
    assert fast.count('form="bulk-form"') == (len(varied) if selectable else 0)
    if selectable:
        label = "选择" if language == "zh-hans" else "Select"
        assert f'value="{varied[0].number}" form="bulk-form" aria-label="{label} {varied[0].number}"' in fast
    assert NASTY not in fast and "&lt;b&gt;&quot;A&amp;B&#x27;&lt;/b&gt;" in fast
    for tone in ("danger", "warning", "success"):
        assert f'data-testid="due-{tone}"' in fast
    assert "<td>—</td>" in fast and "<td><small>—</small></td>" in fast  # no due time, no engineer / product


def test_a_changed_row_is_caught(varied):
    """The comparison can fail: one cell changed in the Python rows is a difference."""
    with time_machine.travel(NOW, tick=False):
        reference = normalized(render_to_string("tickets/_list_row_reference.html", {"tickets": varied}))
        fast = normalized(str(ticket_rows(varied)))
        selectable = normalized(str(ticket_rows(varied, True)))
        selectable_reference = normalized(render_to_string("tickets/_list_row_reference.html",
                                                           {"tickets": varied, "selectable": True}))
    assert fast.replace('class="fault"', 'class="fault x"', 1) != reference
    assert selectable.replace("data-bulk-check", "data-bulk-chek", 1) != selectable_reference
    assert selectable != reference  # the checkbox cell is a difference, not ignored


@pytest.mark.parametrize(("offset", "tone"), [
    (timedelta(seconds=-1), "danger"), (timedelta(0), "warning"), (timedelta(minutes=30), "warning"),
    (timedelta(minutes=30, seconds=1), "success"), (None, "")])
def test_due_tone_uses_the_sweeps_deadline(offset, tone):
    """tickets.display.due_tone reads "overdue" exactly when sla.clockmath.is_past_due does (inclusive)."""
    from sla.clockmath import is_past_due

    due = None if offset is None else NOW + offset
    assert due_tone(due, NOW) == tone
    if due is not None:
        assert (tone == "danger") == is_past_due(due, NOW)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_pages_plain_rows_draw_what_the_tickets_draw(varied, language):
    """The list page reads its rows as values (tickets/list_rows.py), not models: the same tickets as ListRows give
    the same HTML as Ticket instances, in the Python rows and in the reference template alike, in the list's order."""
    from tickets.list_rows import ListRow
    from tickets.selectors import keyset_page

    # A contact of the ticket's own (corrected on it) and none at all (the customer's name and phone are shown).
    Ticket.objects.filter(pk=varied[1].pk).update(contact_name="赵联系", contact_phone="+8613711112222")
    Ticket.objects.filter(pk=varied[2].pk).update(contact_name="", contact_phone="")
    rows, _next = keyset_page(Ticket.objects.all(), sort="created_at", cursor=None, size=len(varied))
    assert all(type(row) is ListRow for row in rows)
    tickets = list(Ticket.objects.select_related("customer", "device", "engineer").order_by("created_at", "id"))
    assert [row.number for row in rows] == [t.number for t in tickets]
    with translation.override(language), time_machine.travel(NOW, tick=False):
        for selectable in (False, True):
            fast = normalized(str(ticket_rows(rows, selectable)))
            assert fast == normalized(str(ticket_rows(tickets, selectable)))
            assert fast == normalized(render_to_string("tickets/_list_row_reference.html",
                                                       {"tickets": rows, "selectable": selectable}))
    # Every variant is there: no engineer, no product, an escaped name, a ticket's own contact phone.
    assert any(row.engineer is None for row in rows) and any(row.device is None for row in rows)
    assert "&lt;b&gt;&quot;A&amp;B&#x27;&lt;/b&gt;" in fast
    assert "赵联系 <small class=\"text-muted\">13711112222</small>" in fast
