"""Formatting only: the values come from sla.selectors (and tickets.display for a ticket's due colour)."""
from django import template
from django.utils import timezone

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


@register.inclusion_tag("sla/_bell.html", takes_context=True)
def sla_bell(context):
    request = context.get("request")
    notifications, unread = notifications_unread_for(user=getattr(request, "user", None))
    return {"notifications": notifications, "unread": unread, "request": request,
            "csrf_token": context.get("csrf_token")}
