"""Refund writes. Opened by the tickets hook when a return/refund solution is recorded; marked paid by
reception or a manager."""
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from core.roles import Role, user_has_role
from sla.defaults import ALWAYS_OPEN_NAME, OFFICE_NAME
from sla.models import WorkingCalendar
from sla.snapshot import snapshot_get
from tickets.choices import SolutionKind, Status
from tickets.models import Ticket, TicketSolution
from tickets.services import ticket_transition
from tickets.timeline import timeline_record

from .models import Refund, RefundMethod, RefundState
from .rules import refund_due_at

REFUND_WORKING_DAYS = 7  # seed 001
CENT = Decimal("0.01")


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def refund_calendar():
    """The office calendar (working days, holidays, 调休) the SLA uses; 24×7 only if it was deleted."""
    rows = dict(WorkingCalendar.objects.filter(name__in=[OFFICE_NAME, ALWAYS_OPEN_NAME]).values_list("name", "pk"))
    name = OFFICE_NAME if OFFICE_NAME in rows else ALWAYS_OPEN_NAME
    return name, snapshot_get().calendars[rows[name]]


def refund_open_for_solution(*, ticket: Ticket, solution: TicketSolution, at: datetime) -> Refund:
    """Idempotent: one refund per return/refund solution (OneToOne), whatever replays the hook."""
    existing = Refund.objects.filter(solution=solution).first()
    if existing is not None:
        return existing
    name, cal = refund_calendar()
    device_value = ticket.device.value if ticket.device_id and ticket.device else None
    return Refund.objects.create(
        ticket=ticket, solution=solution, amount=device_value, method=RefundMethod.ORIGINAL,
        accepted_at=at, due_at=refund_due_at(cal, at, REFUND_WORKING_DAYS), working_days=REFUND_WORKING_DAYS,
        calendar_name=name, created_at=at)


def refunds_on_ticket_transition(*, ticket: Ticket, action: str, at: datetime) -> None:
    """tickets.hooks effect (refunds/apps.py): only "solve" costs a query (the latest solution's type)."""
    if action != "solve":
        return
    solution = TicketSolution.objects.filter(ticket_id=ticket.pk).order_by("-recorded_at", "-id").first()
    if solution is not None and solution.kind == SolutionKind.RETURN_REFUND:
        refund_open_for_solution(ticket=ticket, solution=solution, at=at)


REFUND_UNPAID = _("The refund for this return is not paid yet: the ticket closes, as refunded, when the refund "
                  "is recorded as paid.")


def refunds_close_guard(*, ticket: Ticket, action: str, data) -> None:
    """tickets.hooks guard on "close" (refunds/apps.py): a return/refund ticket does not close as fixed while
    its money is still owed; it waits, and refund_mark_paid closes it."""
    if Refund.objects.filter(ticket_id=ticket.pk, state=RefundState.PENDING).exists():
        raise ApplicationError(REFUND_UNPAID, code="refund_unpaid", field="status")


@transaction.atomic
def refund_mark_paid(*, refund: Refund, actor, amount: Decimal, method: str, reference: str = "") -> Refund:
    if not user_has_role(actor, Role.RECEPTION, Role.MANAGER):
        raise ApplicationError(_("Only reception or a manager records a refund."), code="forbidden", status=403)
    if method not in RefundMethod.values:
        raise ApplicationError(_("Choose how the money was refunded."), code="method", field="method")
    if amount is None or amount <= 0:
        raise ApplicationError(_("Enter the amount refunded."), code="amount", field="amount")
    now = timezone.now()
    # The ticket row first, as the callback's confirmation does (its UPDATE) before it asks this app's guard:
    # whichever commits second sees the other, so a confirmed ticket never waits for a refund already paid.
    ticket = Ticket.objects.select_for_update().get(pk=refund.ticket_id)
    updated = Refund.objects.filter(pk=refund.pk, state=RefundState.PENDING).update(
        state=RefundState.PAID, amount=money(amount), method=method, reference=reference.strip()[:60],
        paid_at=now, paid_by=actor)
    if updated != 1:
        raise ApplicationError(_("This refund is already recorded."), code="refund_not_pending", field="amount")
    refund.refresh_from_db()
    # Through the timeline writer, so updated_at/version move: a partner syncing by updated_since sees it.
    timeline_record(
        ticket=ticket, actor=actor, action="refund_paid", at=now,
        note=str(_("Refund paid: %(amount)s CNY")) % {"amount": refund.amount},
        data={"refund_id": refund.pk, "amount": str(refund.amount), "method": method, "late": refund.paid_late})
    _close_if_confirmed(ticket=ticket, actor=actor, refund=refund)
    return refund


def _close_if_confirmed(*, ticket: Ticket, actor, refund: Refund) -> None:
    """The customer already confirmed on the callback (the ticket waits "called back"): with the money paid
    the ticket closes now, with the outcome "refunded" rather than "fixed"."""
    if ticket.status != Status.CALLED_BACK or Refund.objects.filter(ticket_id=ticket.pk,
                                                                     state=RefundState.PENDING).exists():
        return
    ticket_transition(ticket=ticket, action="close", actor=actor,
                      note=str(_("Refund paid after the customer's confirmation: closed as refunded.")),
                      data={"outcome": "refunded", "refund_id": refund.pk})
