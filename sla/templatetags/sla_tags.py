from django import template
from django.utils import timezone

from sla.display import clock_line, due_tone
from sla.notifications import notifications_unread_for
from sla.services import STEP_ORDER

register = template.Library()


@register.simple_tag
def sla_clock_lines(ticket):
    """The ticket's started clocks in SOP order with their text and colour (one query, or none if prefetched)."""
    now = timezone.now()
    clocks = sorted((c for c in ticket.sla_clocks.all() if c.started_at is not None),
                    key=lambda c: (STEP_ORDER[c.step], c.round))
    return [clock_line(c, now) for c in clocks]


@register.filter
def sla_due_tone(due):
    return due_tone(due, timezone.now())


@register.inclusion_tag("sla/_bell.html", takes_context=True)
def sla_bell(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    notifications, unread = notifications_unread_for(user=user)
    return {"notifications": notifications, "unread": unread, "request": request,
            "csrf_token": context.get("csrf_token")}
