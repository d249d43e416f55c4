"""What makes an engineer's reply, solution or wait acceptable. Pure: values in, problems out.

Each function returns {field: Problem}; forms and serializers show them all at once, services raise
the first (tickets/engineering/services.py). "today" and the size limit are arguments, never read here."""
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ..choices import ReplyTo, SolutionKind, WaitReason


@dataclass(frozen=True)
class Problem:
    code: str
    message: str | Promise
    # 400: the input is wrong (fix the field); 409: the input is fine but the state says no.
    status: int = 400


def refusal(code: str, message) -> Problem:
    return Problem(code, message, status=409)


def _required(value: str, message) -> Problem | None:
    return Problem("required", message) if not (value or "").strip() else None


def _too_long(value: str, limit: int) -> Problem | None:
    if len(value or "") > limit:
        return Problem("too_long", _("Keep this under %(max)d characters.") % {"max": limit})
    return None


def _collect(**checks: Problem | None) -> dict[str, Problem]:
    return {field: problem for field, problem in checks.items() if problem is not None}


def reply_problems(*, difficulty: str, next_step: str, replied_to: str, limit: int) -> dict[str, Problem]:
    """Seed 002: a reply is due even without a solution; it names the difficulty and the next step."""
    return _collect(
        difficulty=_required(difficulty, _("Say what makes this difficult, even if there is no solution yet."))
        or _too_long(difficulty, limit),
        next_step=_required(next_step, _("Say what happens next and when.")) or _too_long(next_step, limit),
        replied_to=None if replied_to in ReplyTo.values else Problem("invalid", _("Choose who was answered.")),
    )


def solution_problems(
    *, kind: str, plan: str, result: str, reference: str, sent_on: date | None, returned_on: date | None,
    today: date, limit: int,
) -> dict[str, Problem]:
    problems = _collect(
        kind=None if kind in SolutionKind.values else Problem("invalid", _("Choose the type of solution.")),
        plan=_required(plan, _("Describe the plan.")) or _too_long(plan, limit),
        result=_required(result, _("Describe the result.")) or _too_long(result, limit),
    )
    if kind != SolutionKind.MANUFACTURER:
        return problems
    # 返厂 is tracked: without the manufacturer's reference nobody can chase the product.
    if not (reference or "").strip():
        problems["manufacturer_reference"] = Problem(
            "reference_required", _("Enter the manufacturer's reference number."))
    if sent_on is None:
        problems["sent_on"] = Problem("required", _("Enter the date the product was sent."))
    elif sent_on > today:
        problems["sent_on"] = Problem("future", _("This date is in the future."))
    if returned_on is None:
        problems["returned_on"] = Problem("required", _("Enter the date the product came back."))
    elif returned_on > today:
        problems["returned_on"] = Problem("future", _("This date is in the future."))
    elif sent_on is not None and returned_on < sent_on:
        problems["returned_on"] = Problem("before_sent", _("The product cannot come back before it was sent."))
    return problems


def wait_problems(
    *, reason: str, note: str, reference: str, expected_on: date | None, today: date, limit: int,
) -> dict[str, Problem]:
    problems = _collect(
        reason=None if reason in WaitReason.values else Problem("invalid", _("Choose what the ticket waits for.")),
        note=_required(note, _("Say why the ticket has to wait.")) or _too_long(note, limit),
        expected_on=Problem("past", _("This date has already passed."))
        if expected_on is not None and expected_on < today else None,
    )
    if reason == WaitReason.MANUFACTURER and not (reference or "").strip():
        problems["manufacturer_reference"] = Problem(
            "reference_required", _("Enter the manufacturer's reference number."))
    return problems


def note_problems(*, note: str, limit: int) -> dict[str, Problem]:
    return _collect(note=_too_long(note, limit))


def reason_problems(*, reason: str, limit: int, message) -> dict[str, Problem]:
    return _collect(reason=_required(reason, message) or _too_long(reason, limit))


# ---- dispatch: whom to suggest -------------------------------------------------------------------------

@dataclass(frozen=True)
class EngineerLoad:
    """An engineer's open work as the dispatch panel shows it (tickets.engineering.selectors.engineers_with_load)."""

    engineer_id: int
    name: str
    open_count: int
    last_assigned_at: datetime | None  # when last given a ticket (dispatch or reassignment); None: never
    categories: frozenset[str] = frozenset()  # ProductCategory values handled; empty: every category

    def handles(self, category: str) -> bool:
        return not self.categories or not category or category in self.categories


def engineers_for_category(loads: Sequence[EngineerLoad], category: str) -> list[EngineerLoad]:
    """Who handles `category` (a ticket's device category; "" when the ticket has no device): those whose
    categories include it or who list none. If nobody does, everybody: a ticket is never left without a choice."""
    return [e for e in loads if e.handles(category)] or list(loads)


def engineer_suggested(loads: Sequence[EngineerLoad], category: str = "") -> int | None:
    """The engineer to preselect for a ticket of `category`: among those who handle it (everybody, if nobody
    does), the least open work; among equals, round robin — who was given a ticket longest ago (never first),
    then by name and id, so the same loads always give the same suggestion."""
    candidates = engineers_for_category(loads, category)
    if not candidates:
        return None
    first = min(candidates, key=lambda e: (e.open_count, e.last_assigned_at is not None,
                                           e.last_assigned_at or datetime.min, e.name, e.engineer_id))
    return first.engineer_id
