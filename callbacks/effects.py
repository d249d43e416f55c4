"""How callbacks and complaints take part in a ticket's life, plugged into tickets.hooks from
callbacks/apps.py, inside the ticket's transaction: a step and its callback commit or roll back together."""
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from tickets.choices import Kind

from . import services
from .complaints import complaint_mark_answered, complaint_promise, complaint_register
from .forms import complaint_promise_field

# Leaving SOLVED by these steps settles the callback; when the desk recorded the call itself, the
# callback is already finished and nothing is left to settle.
SETTLING_ACTIONS = frozenset({"callback_ok", "callback_failed", "close_unreachable"})


def on_created(*, ticket, at: datetime, actor, extras: Mapping[str, Any]) -> None:
    """A complaint carries a promised answer time from the start: the one made on the call (intake), or
    the policy's default — in the ticket's own transaction, so a crash leaves neither."""
    if ticket.kind != Kind.COMPLAINT:
        return
    complaint_register(ticket=ticket, at=at)
    if promised := extras.get("callbacks"):
        complaint_promise(ticket=ticket, actor=actor, promised_answer_at=promised)


def on_transitioned(*, ticket, action: str, from_status: str, at: datetime, actor) -> None:
    if action == "solve":
        services.callback_schedule_for_solution(ticket=ticket, at=at)
        if ticket.kind == Kind.COMPLAINT:
            complaint_mark_answered(ticket=ticket, at=at)  # the solution of a complaint is its answer
    elif action in SETTLING_ACTIONS:
        services.callbacks_settle_elsewhere(ticket=ticket, at=at, actor=actor)
    elif action in ("cancel", "merge"):  # a merged duplicate is cancelled like any ticket (tickets/merging.py)
        services.callbacks_cancel_with_ticket(ticket=ticket, at=at, actor=actor)


def intake_form_fields() -> dict:
    return {"promised_answer_at": complaint_promise_field()}  # 投诉: the answer time promised on the call


def intake_form_value(cleaned: Mapping[str, Any]):
    return cleaned.get("promised_answer_at") if cleaned.get("kind") == Kind.COMPLAINT else None
