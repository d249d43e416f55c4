"""Formatting only: the values come from sla.selectors (and tickets.display for a ticket's due colour)."""
from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core import pagecache
from core.live import loaded_values, poll_seconds
from sla.selectors import due_clock, notifications_unread_for, ticket_clock_lines
from tickets.display import due_tone

register = template.Library()


@register.simple_tag
def sla_clock_lines(ticket):
    """The ticket's started clocks in SOP order with their text and colour (one query, or none if prefetched)."""
    return ticket_clock_lines(ticket=ticket, now=timezone.now())


@register.simple_tag
def sla_due_clock(ticket):
    """The step the ticket owes next and its due time (queue cards): from the clocks the page loaded with the
    rows (tickets.selectors.load_row_extensions → `listed_clocks`), else one query."""
    listed = getattr(ticket, "listed_clocks", None)
    return due_clock(ticket.sla_clocks.all() if listed is None else listed)


@register.filter
def sla_due_tone(due):
    return due_tone(due, timezone.now())


# The bell as drawn, per process, by reader and by what the bell shows: the unread notices' count and newest
# created_at — the "bell" source of the change token (sla/live.py), which a page-cached view's request has
# already read with its user (core/pageuser.py). The same two figures decide the bell poll's 304 (core/live.py);
# an entry is stored under the figures of the rows it was drawn from, so it is never filed under a newer token.
# Drawing it cost a query and ~4,000 Python calls on every list and ticket page rendered afresh. Bounded: emptied
# when full. The salt keeps tests apart (their rolled-back databases hand out the same ids and stamps again).
BELLS_MAX = 1000
_BELLS: dict[tuple, str] = {}


@register.simple_tag(takes_context=True)
def sla_bell(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    stamp = loaded_values(request, ("bell",)) if request is not None and not settings.DEBUG else None
    if stamp is not None:
        # Everything else the drawing depends on: language, time zone (the dates), poll interval (live_attrs).
        reader = (pagecache.KEY_SALT, user.pk, get_language(), timezone.get_current_timezone_name(), poll_seconds())
        if (html := _BELLS.get((*reader, *stamp))) is not None:
            return html
    notifications, unread = notifications_unread_for(user=user)
    # As an inclusion tag renders: the page's context class, only these names (and the CSRF token) in it.
    bell = context.new({"notifications": notifications, "unread": unread, "request": request})
    if (csrf_token := context.get("csrf_token")) is not None:
        bell["csrf_token"] = csrf_token
    html = mark_safe(context.template.engine.get_template("sla/_bell.html").render(bell))
    if stamp is not None:
        if len(_BELLS) >= BELLS_MAX:
            _BELLS.clear()
        _BELLS[(*reader, unread, notifications[0].latest if notifications else None)] = html
    return html
