"""Display helpers for 三包 decisions: labels in the reader's language, the panel on the ticket page."""
from django import template
from django.core.exceptions import ObjectDoesNotExist

from .. import choices
from ..api.serializers import message_for_language

register = template.Library()


@register.filter
def remedy_label(remedy: dict) -> str:
    return choices.remedy_label(remedy.get("remedy", ""), remedy.get("charge", ""))


@register.filter
def document_label(code: str) -> str:
    return choices.document_label(code)


@register.filter
def component_label(code: str) -> str:
    return choices.component_label(code)


@register.filter
def fault_label(code: str) -> str:
    return str(dict(choices.FaultKind.choices).get(code, code))


@register.filter
def reason_message(reason: dict) -> str:
    return message_for_language(reason)


def decision_of(ticket):
    """The ticket's stored decision or None, without a query when the selector joined it."""
    try:
        return ticket.warranty_decision
    except ObjectDoesNotExist:
        return None


@register.filter
def remedy_code_label(code: str) -> str:
    """"exchange:free" (as the timeline stores an override) → its label."""
    remedy, _sep, charge = str(code).partition(":")
    return choices.remedy_label(remedy, charge)
