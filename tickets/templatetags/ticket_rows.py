"""The ticket list's rows, rendered in Python.

The list is the desk's busiest page. As a template, its 25 rows cost ~8 ms of CPU — about 35 variable
lookups, filters and includes per row, each a few microseconds in Django's engine — a quarter of the
page (bench/README.md). Here one row is one string: the same markup, every value escaped as Django's
`escape` does (it is `html.escape(str(value))`), without format_html's per-argument lazy-string checks.
"""
import functools
from html import escape

from django import template
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.durations import countdown_text
from core.templatetags.desk import person
from tickets.display import due_tone
from tickets.models import Ticket

register = template.Library()

# Bootstrap colour of each status's badge, here and in tickets/_status_badge.html (the `status_tone` filter).
STATUS_TONES = {"closed": "secondary", "cancelled": "light", "waiting": "warning", "reopened": "danger",
                "solved": "success", "called_back": "success"}


@register.filter
def status_tone(status: str) -> str:
    return STATUS_TONES.get(status, "primary")

ROW = ('<tr{attrs}>{select}<td><a href="{url}" class="fw-semibold">{number}</a></td>'
       '<td><span class="badge rounded-pill text-bg-{tone}" data-testid="status">{status}</span></td>'
       '<td>{kind}</td><td>{name} <small class="text-muted">{phone}</small></td><td><small>{device}</small></td>'
       '<td class="fault"><small>{fault}</small></td><td>{engineer}</td><td><time>{created}</time></td>'
       '<td>{due}</td></tr>\n')


def _due_cell(due, now, tz, words) -> str:
    if due is None:
        return "—"
    tone, local = due_tone(due, now), due.astimezone(tz)
    stamp = local.isoformat()
    # "剩余 2 小时 5 分" / "超时 37 分钟" beside the instant, as the queue and the clocks read (core.durations).
    # data-countdown / data-due-tone: static/js/live.js ticks the text and the colour each minute, no request.
    left = (f' <small class="text-nowrap" data-testid="due-countdown" data-countdown data-due="{stamp}">'
            f'{escape(countdown_text(due, now, gettext=words))}</small>')
    if tone == "danger":
        return (f'<time datetime="{stamp}" class="text-danger fw-semibold" data-testid="due-danger">'
                f'<i class="bi bi-alarm"></i> {local:%m-%d %H:%M}</time>{left}')
    return (f'<time datetime="{stamp}" class="text-{tone}" data-testid="due-{tone}" '
            f'data-due-tone="text-" data-due="{stamp}">'
            f'{local:%m-%d %H:%M}</time>{left}')


# `selectable` (the desk's list): a checkbox per row, tied to the bulk bar's form, and a focusable row that
# static/js/bulk.js toggles with the space bar (tickets/views_bulk.py).
SELECT = ('<td><input class="form-check-input" type="checkbox" name="ticket" value="{number}" form="bulk-form" '
          'aria-label="{label}" data-bulk-check></td>')


def _short(text: str, length: int = 40) -> str:
    # truncatechars' answer without its Truncator when the text is short enough to show whole (most faults are):
    # Truncator counts no more characters than len() does, so it would return the text unchanged.
    return text if len(text) <= length else truncatechars(text, length)


@register.simple_tag
def ticket_rows(tickets: list[Ticket], selectable: bool = False) -> SafeString:
    """<tr> per ticket: [select,] number (link), status, kind, customer, product, fault, engineer, registered,
    next due. `tickets`: Ticket instances or the list page's plain rows (tickets/list_rows.py)."""
    now, tz = timezone.now(), timezone.get_current_timezone()  # looked up once, not per row and cell (~3 µs each)
    # Numbers are [A-Z0-9-]: one reverse() for the page, not one per row (~40 µs each).
    detail_url = reverse("tickets:detail", args=["NUMBER"])
    attrs = ' tabindex="0" data-bulk-row' if selectable else ""  # the row takes the focus: space ticks it
    select = str(_("Select %(number)s"))
    # Labels translated once per page: status and kind repeat down the page (get_<field>_display's labels).
    statuses, kinds = {}, {}
    words = functools.cache(_)  # the countdowns' few words, translated once a page (not ~3 times a row)
    rows = []
    for t in tickets:
        number = escape(t.number)
        if (status := statuses.get(t.status)) is None:
            status = statuses[t.status] = escape(str(t.get_status_display()))
        if (kind := kinds.get(t.kind)) is None:
            kind = kinds[t.kind] = escape(str(t.get_kind_display()))
        rows.append(ROW.format(
            attrs=attrs,
            select=SELECT.format(number=number, label=escape(select % {"number": t.number})) if selectable else "",
            url=escape(detail_url.replace("NUMBER", t.number)), number=number, tone=status_tone(t.status),
            status=status, kind=kind, name=escape(t.contact_name_shown), phone=escape(t.contact_phone_display),
            device=escape(str(t.device)) if t.device_id else "—", fault=escape(_short(t.fault_description)),
            engineer=escape(person(t.engineer)), created=f"{t.created_at.astimezone(tz):%Y-%m-%d %H:%M}",
            due=_due_cell(t.next_due_at, now, tz, words),
        ))
    return mark_safe("".join(rows))
