"""Formatting for work-order pages and the ticket page's work-order panel (context: fieldservice.views)."""
from django import template
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _


register = template.Library()


@register.filter
def yes_no(value) -> str:
    return "—" if value is None else (_("Yes") if value else _("No"))


@register.filter
def iso_datetime(value):
    """An ISO string kept in timeline `data` → an aware datetime for |date (None when unreadable)."""
    return parse_datetime(value) if isinstance(value, str) else value
