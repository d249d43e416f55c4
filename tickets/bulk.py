"""Bulk actions on the ticket list (issue 14, part 4): one request, one result per row.

Each ticket goes through the same service as on its own page (ticket_dispatch, ticket_edit for the
priority, ticket_add_note, ticket_cancel), each in **its own transaction**: a row the status table refuses
is reported and rolls back alone, the others are done. Never one transaction around the loop — one refusal
would undo 49 dispatches, and 50 tickets' locks would be held until the last one.

The rows are read once (one query for all, scoped by tickets_visible_to, so a number the user may not see is
"not found", never revealed); then each row costs the same fixed number of queries (the step, its timeline
entry, its hooks), whatever the count — tests/tickets/test_bulk.py pins it.
"""
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from core.roles import Role, user_has_role

from .choices import Priority
from .editing import ticket_edit
from .lifecycle import CancelReason, ticket_cancel
from .models import Ticket
from .selectors import tickets_visible_to
from .services import ticket_add_note, ticket_dispatch

BULK_MAX = 100  # four pages of the list; a bigger batch is a script's job, not a click


class BulkAction(models.TextChoices):
    DISPATCH = "dispatch", _("Dispatch to an engineer")
    PRIORITY = "priority", _("Change the priority")
    NOTE = "note", _("Add a note")
    CANCEL = "cancel", _("Cancel")


@dataclass(frozen=True)
class RowResult:
    number: str
    ok: bool
    message: str  # what happened, or why not, in the reader's language
    status: str = ""  # the ticket's status after the attempt ("" when not found)
    status_label: str = ""


def _refuse(field: str, message) -> ApplicationError:
    return ApplicationError(message, code="invalid", field=field, status=400)


def _check_input(*, actor, action: str, engineer, priority: str, note: str, reason: str) -> None:
    """Refuse the whole request before any row is touched: a bad choice would fail every row the same way."""
    if not user_has_role(actor, Role.RECEPTION, Role.MANAGER):
        raise ApplicationError(_("Your role may not do this."), code="forbidden", status=403)
    if action not in BulkAction.values:
        raise _refuse("action", _("Choose what to do with the selected tickets."))
    if action == BulkAction.DISPATCH and (engineer is None or not engineer.is_active
                                          or not user_has_role(engineer, Role.ENGINEER)):
        raise _refuse("engineer", _("Choose an active engineer."))
    if action == BulkAction.PRIORITY and priority not in Priority.values:
        raise _refuse("priority", _("Choose the new priority."))
    if action == BulkAction.NOTE and not (note or "").strip():
        raise _refuse("note", _("Write a note first."))
    if action == BulkAction.CANCEL:
        if reason not in CancelReason.values:
            raise _refuse("reason", _("Choose why the tickets are cancelled."))
        if reason == CancelReason.OTHER and not (note or "").strip():
            raise _refuse("note", _("Say why the tickets are cancelled."))


def _apply_one(ticket: Ticket, *, actor, action: str, engineer, priority: str, note: str, reason: str) -> str:
    """One row's step; returns what was done (raises ApplicationError to refuse)."""
    if action == BulkAction.DISPATCH:
        ticket_dispatch(ticket=ticket, actor=actor, engineer=engineer, note=note)
        return str(_("Dispatched."))
    if action == BulkAction.PRIORITY:
        before = ticket.version
        ticket_edit(ticket=ticket, actor=actor, expected_version=ticket.version, changes={"priority": priority})
        return str(_("Priority changed.") if ticket.version != before else _("Already this priority."))
    if action == BulkAction.NOTE:
        ticket_add_note(ticket=ticket, actor=actor, note=note)
        return str(_("Note added."))
    ticket_cancel(ticket=ticket, actor=actor, reason=reason, note=note)
    return str(_("Cancelled."))


def tickets_bulk_apply(*, actor, numbers: Sequence[str], action: str, engineer=None, priority: str = "",
                       note: str = "", reason: str = "") -> list[RowResult]:
    """Apply `action` to each ticket of `numbers` (in that order, each once), each in its own transaction."""
    _check_input(actor=actor, action=action, engineer=engineer, priority=priority, note=note, reason=reason)
    wanted = list(dict.fromkeys(number.strip().upper() for number in numbers))
    if not wanted:
        raise _refuse("tickets", _("Select at least one ticket."))
    if len(wanted) > BULK_MAX:
        raise _refuse("tickets", _("Select at most %(max)d tickets at a time.") % {"max": BULK_MAX})
    found = {t.number: t for t in tickets_visible_to(user=actor).filter(number__in=wanted)
             .select_related("customer", "device")}
    results = []
    for number in wanted:
        ticket = found.get(number)
        if ticket is None:
            results.append(RowResult(number=number, ok=False, message=str(_("No ticket with this number."))))
            continue
        try:
            with transaction.atomic():  # this row alone: a refusal rolls back this row only
                done = _apply_one(ticket, actor=actor, action=action, engineer=engineer, priority=priority,
                                  note=note, reason=reason)
        except ApplicationError as exc:
            ticket.refresh_from_db(fields=["status"])
            results.append(RowResult(number=number, ok=False, message=str(exc.message), status=ticket.status,
                                     status_label=str(ticket.get_status_display())))
        else:
            results.append(RowResult(number=number, ok=True, message=done, status=ticket.status,
                                     status_label=str(ticket.get_status_display())))
    return results
