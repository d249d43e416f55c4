"""The ticket list's rows, rendered in Python.

The list is the desk's busiest page. As a template, its 25 rows cost ~8 ms of CPU — about 35 variable
lookups, filters and includes per row, each a few microseconds in Django's engine — a quarter of the
page (bench/README.md). Here one row is one format_html call: the same markup, escaped the same way.
"""
from django import template
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from core.templatetags.desk import person
from sla.display import due_tone
from tickets.models import Ticket

register = template.Library()

# Bootstrap colour of each status's badge; tickets/_status_badge.html keeps the same mapping for one badge.
STATUS_TONES = {"closed": "secondary", "cancelled": "light", "waiting": "warning", "reopened": "danger",
                "solved": "success", "called_back": "success"}

ROW = ('<tr><td><a href="{}" class="fw-semibold">{}</a></td>'
       '<td><span class="badge rounded-pill text-bg-{}" data-testid="status">{}</span></td>'
       '<td>{}</td><td>{} <small class="text-muted">{}</small></td><td><small>{}</small></td>'
       '<td class="fault"><small>{}</small></td><td>{}</td><td><time>{}</time></td><td>{}</td></tr>\n')

DUE = '<time datetime="{}" class="text-{}{}" data-testid="due-{}">{}{}</time>'
ALARM = mark_safe('<i class="bi bi-alarm"></i> ')


def _due_cell(due, now) -> SafeString | str:
    if due is None:
        return "—"
    tone, local = due_tone(due, now), timezone.localtime(due)
    danger = tone == "danger"
    return format_html(DUE, local.isoformat(), tone, " fw-semibold" if danger else "", tone,
                       ALARM if danger else "", local.strftime("%m-%d %H:%M"))


@register.simple_tag
def ticket_rows(tickets: list[Ticket]) -> SafeString:
    """<tr> per ticket: number (link), status, kind, customer, product, fault, engineer, registered, next due."""
    now = timezone.now()
    # Numbers are [A-Z0-9-]: one reverse() for the page, not one per row (~40 µs each).
    detail_url = reverse("tickets:detail", args=["NUMBER"])
    rows = [format_html(
        ROW, detail_url.replace("NUMBER", t.number), t.number, STATUS_TONES.get(t.status, "primary"),
        t.get_status_display(), t.get_kind_display(), t.customer.name, t.customer.phone_display,
        str(t.device) if t.device_id else "—", truncatechars(t.fault_description, 40), person(t.engineer),
        timezone.localtime(t.created_at).strftime("%Y-%m-%d %H:%M"), _due_cell(t.next_due_at, now),
    ) for t in tickets]
    return mark_safe("".join(rows))
