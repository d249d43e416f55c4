"""Intake validation the 三包 rules add, shared by the reception form and the API (TicketCreateInput)."""
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from .selectors import component_error


def intake_warranty_errors(cleaned: Mapping[str, Any]) -> dict[str, str]:
    """Field errors the 三包 rules add to an intake: a component the product's policy does not know."""
    category, component = cleaned.get("category"), cleaned.get("component") or "main_unit"
    if not category:
        return {}
    known = component_error(category=category, sold_online=bool(cleaned.get("sold_online")), component=component)
    if known is None:
        return {}
    return {"component": _("Not a part this product's 三包 policy covers; choose one of: %(known)s.")
            % {"known": known}}
