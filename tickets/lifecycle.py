"""Cancel and reopen (issue 14, part 2): two steps of the status table with rules of their own.

- **Cancel** from any open status with a reason from a fixed list (other → a note saying what). The step
  is `ticket_transition("cancel")`, so its effects run through the hooks in the same transaction: the
  SLA clocks still owed are cancelled (neither met nor breached: they leave the figures), open callbacks
  and visits are cancelled, partners get `ticket.cancelled`. A partner may cancel its own ticket (the
  selector shows it no other); engineers may not.
- **Reopen** a closed ticket within the reopen window (tickets/policies.py ReopenPolicy; 30 days when no
  version exists), desk only, with a reason. SLA starts a new round of the targets flagged
  `restart_on_reopen`; the ticket goes back to its last engineer, or to the one the desk chooses, as a
  dispatch in the same transaction (the engineer can work on it at once and the dispatch promise is met).
"""
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from core.roles import Role, user_has_role

from .choices import Status
from .models import Ticket
from .policies import DEFAULT_REOPEN_WINDOW_DAYS, ReopenPolicy
from .services import ticket_dispatch, ticket_transition


class CancelReason(models.TextChoices):
    DUPLICATE = "duplicate", _("Duplicate of another ticket")
    WITHDRAWN = "withdrawn", _("Customer withdrew the request")
    MISTAKE = "mistake", _("Registered by mistake")
    OTHER = "other", _("Other (say what)")


def _bad(field: str, message, code: str) -> ApplicationError:
    return ApplicationError(message, code=code, field=field, status=400)


def _note(note: str) -> str:
    text = (note or "").strip()
    if len(text) > settings.NOTE_MAX:
        raise _bad("note", _("Keep the note under %(max)d characters.") % {"max": settings.NOTE_MAX}, "too_long")
    return text


@transaction.atomic
def ticket_cancel(*, ticket: Ticket, actor, reason: str, note: str = "") -> Ticket:
    if reason not in CancelReason.values:
        raise _bad("reason", _("Choose why the ticket is cancelled."), "reason_required")
    text = _note(note)
    if reason == CancelReason.OTHER and not text:
        raise _bad("note", _("Say why the ticket is cancelled."), "note_required")
    if not ticket.is_open:
        raise ApplicationError(_("This ticket is already closed or cancelled."), code="ticket_closed", field="status")
    waiting = {"wait_reason": "", "resume_status": ""} if ticket.wait_reason or ticket.resume_status else None
    return ticket_transition(ticket=ticket, action="cancel", actor=actor, note=text, changes=waiting,
                             data={"reason": reason})


def reopen_window(*, at: datetime) -> tuple[int, int | None]:
    """(days, policy id) of the reopen window in force at `at`: the latest version already effective."""
    policy = ReopenPolicy.objects.filter(effective_from__lte=at).order_by("-effective_from", "-id").first()
    return (policy.window_days, policy.pk) if policy else (DEFAULT_REOPEN_WINDOW_DAYS, None)


def reopen_deadline(*, ticket: Ticket, at: datetime | None = None) -> datetime | None:
    """Until when a closed ticket may be reopened (None: not closed)."""
    if ticket.status != Status.CLOSED or ticket.closed_at is None:
        return None
    days, _policy = reopen_window(at=at or timezone.now())
    return ticket.closed_at + timedelta(days=days)


@transaction.atomic
def ticket_reopen(*, ticket: Ticket, actor, reason: str, engineer=None) -> Ticket:
    """Closed → reopened (a new round of clocks), then dispatched back to the last engineer (or `engineer`)."""
    if not user_has_role(actor, Role.RECEPTION, Role.MANAGER):
        raise ApplicationError(_("Only the desk may reopen a ticket."), code="forbidden", status=403)
    text = _note(reason)
    if not text:
        raise _bad("reason", _("Say why the ticket is reopened."), "reason_required")
    if ticket.status != Status.CLOSED:
        raise ApplicationError(_("Only a closed ticket can be reopened."), code="not_closed", field="status")
    now = timezone.now()
    days, policy_id = reopen_window(at=now)
    if ticket.closed_at is None or now > ticket.closed_at + timedelta(days=days):
        raise ApplicationError(
            _("This ticket was closed more than %(days)d days ago: register a new ticket instead.") % {"days": days},
            code="reopen_window_passed", field="status")
    target = engineer or ticket.engineer
    if target is not None and (not target.is_active or not user_has_role(target, Role.ENGINEER)):
        if engineer is not None:
            raise _bad("engineer", _("Choose an active engineer."), "not_engineer")
        target = None  # the last engineer left: the desk dispatches it like any reopened ticket
    # closed_at is cleared: the next close stamps its own instant, and the next window counts from it.
    ticket = ticket_transition(ticket=ticket, action="reopen", actor=actor, note=text, changes={"closed_at": None},
                               data={"window_days": days, "policy_id": policy_id,
                                     "closed_at": ticket.closed_at.isoformat()})
    if target is not None:
        back = _("Back to the last engineer after reopening.") if target.pk == ticket.engineer_id \
            else _("Dispatched to another engineer after reopening.")
        ticket = ticket_dispatch(ticket=ticket, actor=actor, engineer=target, note=str(back))
    return ticket
