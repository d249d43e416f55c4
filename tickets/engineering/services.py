"""The engineer's steps on a ticket: reply, solution, wait / resume, hand back.

Each is a thin service over `ticket_transition` (the only way to change status): it validates its own
input with tickets/engineering/rules.py and writes its timeline event with structured `data`. SLA clocks
react to the same transitions through tickets/hooks.py, inside the same transaction; other apps may refuse
a step through a guard there (fieldservice: no solution while a visit is open)."""
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError

from .. import hooks
from . import rules
from ..choices import ReplyTo, SolutionKind
from ..models import Ticket, TicketEvent
from .models import TicketSolution
from ..services import _check_actor, ticket_transition
from ..timeline import timeline_record
from ..workflow import next_status

def _precheck(*, ticket: Ticket, action: str, actor) -> None:
    """Who and when before what: a refusal names the real reason (not your ticket, wrong status)
    before any complaint about the input. ticket_transition checks both again under its guard."""
    _check_actor(ticket=ticket, action=action, actor=actor)
    next_status(ticket.status, action, resume_status=ticket.resume_status)


def raise_first(problems: Mapping[str, rules.Problem]) -> None:
    for field, problem in problems.items():
        raise ApplicationError(problem.message, code=problem.code, field=field, status=problem.status)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


@transaction.atomic
def ticket_add_event(*, ticket: Ticket, actor, action: str, note: str = "", data: Mapping[str, Any] | None = None,
                     at=None) -> TicketEvent:
    """A timeline entry that does not change the status (work-order steps, for instance)."""
    return timeline_record(ticket=ticket, actor=actor, action=action, at=at, note=note, data=data)


def ticket_reply(*, ticket: Ticket, actor, difficulty: str, next_step: str,
                 replied_to: str = ReplyTo.CUSTOMER) -> Ticket:
    """工程师答复: due within 30 minutes of dispatch even without a solution (seed 002)."""
    _precheck(ticket=ticket, action="reply", actor=actor)
    difficulty, next_step = (difficulty or "").strip(), (next_step or "").strip()
    raise_first(rules.reply_problems(difficulty=difficulty, next_step=next_step, replied_to=replied_to,
                                     limit=settings.NOTE_MAX))
    return ticket_transition(
        ticket=ticket, action="reply", actor=actor,
        data={"difficulty": difficulty, "next_step": next_step, "replied_to": replied_to},
    )


@transaction.atomic
def ticket_solve(
    *, ticket: Ticket, actor, kind: str, plan: str, result: str, manufacturer_reference: str = "",
    sent_on: date | None = None, returned_on: date | None = None,
) -> TicketSolution:
    """解决方案: the plan and its result. The row is written before the transition so that whatever
    reacts to "solve" (the callback desk's hook) already sees the solution."""
    _precheck(ticket=ticket, action="solve", actor=actor)
    plan, result, reference = (plan or "").strip(), (result or "").strip(), (manufacturer_reference or "").strip()
    raise_first(rules.solution_problems(kind=kind, plan=plan, result=result, reference=reference, sent_on=sent_on,
                                        returned_on=returned_on, today=timezone.localdate(),
                                        limit=settings.NOTE_MAX))
    if kind != SolutionKind.MANUFACTURER:  # the 返厂 fields mean nothing for other solutions
        reference, sent_on, returned_on = "", None, None
    hooks.run_guards(ticket=ticket, action="solve", data={"kind": kind})
    solution = TicketSolution.objects.create(
        ticket=ticket, kind=kind, plan=plan, result=result, manufacturer_reference=reference, sent_on=sent_on,
        returned_on=returned_on, recorded_by=actor, recorded_at=timezone.now(),
    )
    data = {"solution_id": solution.pk, "kind": kind, "plan": plan, "result": result}
    if kind == SolutionKind.MANUFACTURER:
        data.update(manufacturer_reference=reference, sent_on=_iso(sent_on), returned_on=_iso(returned_on))
    ticket_transition(ticket=ticket, action="solve", actor=actor, data=data)
    solution.ticket = ticket
    return solution


def ticket_wait(*, ticket: Ticket, actor, reason: str, note: str, manufacturer_reference: str = "",
                expected_on: date | None = None) -> Ticket:
    """Waiting for the customer, for spare parts (无零配件待修) or at the manufacturer: the SLA clocks pause."""
    _precheck(ticket=ticket, action="wait", actor=actor)
    note, reference = (note or "").strip(), (manufacturer_reference or "").strip()
    raise_first(rules.wait_problems(reason=reason, note=note, reference=reference, expected_on=expected_on,
                                    today=timezone.localdate(), limit=settings.NOTE_MAX))
    data = {"reason": reason, "resume_to": ticket.status, "expected_on": _iso(expected_on)}
    if reference:
        data["manufacturer_reference"] = reference
    return ticket_transition(
        ticket=ticket, action="wait", actor=actor, note=note, data=data,
        changes={"wait_reason": reason, "resume_status": ticket.status},
    )


def ticket_resume(*, ticket: Ticket, actor, note: str = "") -> Ticket:
    _precheck(ticket=ticket, action="resume", actor=actor)
    note = (note or "").strip()
    raise_first(rules.note_problems(note=note, limit=settings.NOTE_MAX))
    waited = int((timezone.now() - ticket.status_changed_at).total_seconds() // 60)
    return ticket_transition(
        ticket=ticket, action="resume", actor=actor, note=note,
        data={"reason": ticket.wait_reason, "waited_minutes": max(waited, 0)},
        changes={"wait_reason": "", "resume_status": ""},
    )


@transaction.atomic
def ticket_hand_back(*, ticket: Ticket, actor, reason: str) -> Ticket:
    """The engineer gives the ticket back to the desk, which dispatches it again."""
    _precheck(ticket=ticket, action="hand_back", actor=actor)
    reason = (reason or "").strip()
    raise_first(rules.reason_problems(reason=reason, limit=settings.NOTE_MAX,
                                      message=_("Say why you hand the ticket back.")))
    hooks.run_guards(ticket=ticket, action="hand_back", data={})
    engineer = ticket.engineer
    return ticket_transition(
        ticket=ticket, action="hand_back", actor=actor, note=reason, changes={"engineer": None},
        data={"engineer_id": ticket.engineer_id, "engineer": engineer.get_username() if engineer else None},
    )
