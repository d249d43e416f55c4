"""How callbacks and complaints react to ticket steps. Called from tickets/effects.py inside the
ticket's transaction, so a step and its callback commit or roll back together."""
from datetime import datetime

from tickets.choices import Kind

from . import services
from .complaints import complaint_mark_answered, complaint_register

# Leaving SOLVED by these steps settles the callback; when the desk recorded the call itself, the
# callback is already finished and nothing is left to settle.
SETTLING_ACTIONS = frozenset({"callback_ok", "callback_failed", "close_unreachable"})


def callbacks_on_ticket_created(*, ticket, at: datetime, actor) -> None:
    if ticket.kind == Kind.COMPLAINT:
        complaint_register(ticket=ticket, at=at)


def callbacks_on_ticket_transition(*, ticket, action: str, from_status: str, at: datetime, actor) -> None:
    if action == "solve":
        services.callback_schedule_for_solution(ticket=ticket, at=at)
        if ticket.kind == Kind.COMPLAINT:
            complaint_mark_answered(ticket=ticket, at=at)  # the solution of a complaint is its answer
    elif action in SETTLING_ACTIONS:
        services.callbacks_settle_elsewhere(ticket=ticket, at=at, actor=actor)
