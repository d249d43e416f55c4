"""The work-order panel on the ticket page (slot tickets/_detail_extra.html)."""
from django import template
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from core.roles import user_has_role
from fieldservice.selectors import work_orders_for_ticket
from fieldservice.services import WORKABLE_TICKET
from fieldservice.workflow import STEP_ROLES

register = template.Library()


@register.inclusion_tag("fieldservice/_ticket_panel.html", takes_context=True)
def ticket_work_orders(context):
    ticket, request = context["ticket"], context.get("request")
    orders = list(work_orders_for_ticket(ticket=ticket))
    user = getattr(request, "user", None)
    can_schedule = bool(
        user is not None and user_has_role(user, *STEP_ROLES["create"]) and ticket.engineer_id
        and ticket.status in WORKABLE_TICKET and not any(order.is_open for order in orders))
    return {"ticket": ticket, "work_orders": orders, "can_schedule": can_schedule}


@register.filter
def yes_no(value) -> str:
    return "—" if value is None else (_("Yes") if value else _("No"))


@register.filter
def iso_datetime(value):
    """An ISO string kept in timeline `data` → an aware datetime for |date (None when unreadable)."""
    return parse_datetime(value) if isinstance(value, str) else value
