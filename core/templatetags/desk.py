from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def person(user, empty: str = "—") -> str:
    """A user's display name (Chinese order: 姓 then 名), or `empty` when there is none."""
    if user is None:
        return empty
    full = f"{user.last_name}{user.first_name}".strip()
    return full or user.get_username()


@register.filter
def actor(user) -> str:
    return person(user, _("system"))
