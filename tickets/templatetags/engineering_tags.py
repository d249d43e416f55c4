"""Template helpers for the engineer's panels and queue; they keep tickets/views.py untouched."""
from datetime import timedelta

from django import template
from django.utils import timezone

from tickets.choices import Status
from tickets.engineering.selectors import manufacturer_wait_latest
from tickets.engineering.views import ENGINEER_FORMS

# Engineer panels shown collapsed: their forms load when opened (tickets/views_panels.py).
LAZY = frozenset({"solve", "wait", "hand_back"})

register = template.Library()

DUE_SOON = timedelta(minutes=30)


@register.inclusion_tag("tickets/_engineer_actions.html", takes_context=True)
def engineer_actions(context):
    """The actions the user may take now (`shown`) and the forms shown open: reply and resume, the solution once
    replied, a failed form with its errors. The collapsed ones load when opened (tickets/views_panels.py)."""
    ticket, actions = context["ticket"], context.get("actions") or []
    failed = context.get("engineer_forms") or {}
    shown = [action for action in ENGINEER_FORMS if action in actions]
    forms = {}
    for action in shown:
        if action in failed:
            forms[action] = failed[action]
        elif action not in LAZY or (action == "solve" and ticket.status == Status.REPLIED):
            forms[action] = engineer_form(action, ticket=ticket, timeline=context.get("timeline"))
    return {"ticket": ticket, "forms": forms, "shown": shown, "failed_action": context.get("failed_action"),
            "csrf_token": context.get("csrf_token"), "request": context.get("request")}


def engineer_form(action: str, *, ticket, timeline=None):
    """A blank engineer form; the solution's manufacturer fields start from the latest 返厂 wait."""
    form_class = ENGINEER_FORMS[action][0]
    initial = manufacturer_wait_latest(ticket=ticket, timeline=timeline) if action == "solve" else {}
    return form_class(prefix=action, initial=initial)


@register.filter
def due_state(due_at) -> str:
    """overdue / soon / ok: the colour of a due time on the queue."""
    if due_at is None:
        return "none"
    now = timezone.now()
    if due_at <= now:
        return "overdue"
    return "soon" if due_at - now <= DUE_SOON else "ok"


@register.filter
def minutes_until(due_at) -> int:
    return int((due_at - timezone.now()).total_seconds() // 60) if due_at else 0


def _choice_sets():
    from tickets.choices import ReplyTo, SolutionKind, WaitReason

    return {"solution": SolutionKind, "wait": WaitReason, "reply_to": ReplyTo}


@register.filter
def choice_label(value, kind: str) -> str:
    """A stored code (timeline `data`) → its label in the reader's language."""
    choices = _choice_sets().get(kind)
    if choices is None or value not in choices.values:
        return value or ""
    return choices(value).label
