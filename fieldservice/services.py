"""Writes on work orders. Every step goes through `_apply`: check, conditional UPDATE, ticket timeline event.

Order of checks in every step: who (role, own ticket) → when (ticket and order status) → what (input)."""
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from core.roles import Role, user_has_role
from tickets.choices import SolutionKind, Status
from tickets.engineering.services import raise_first, ticket_add_event
from tickets.models import Ticket

from . import rules
from .choices import OPEN_WORK_ORDER, WorkOrderStatus
from .models import WorkOrder, WorkOrderPart
from .workflow import STEP_ROLES, next_status

# The ticket is with an engineer and not yet solved: the only time a visit can be planned or recorded.
WORKABLE_TICKET = frozenset({Status.DISPATCHED, Status.REPLIED, Status.WAITING, Status.REOPENED})
# What a cancelled ticket takes with it: visits not yet done (fieldservice/workflow.py "cancel").
CANCELLABLE_WITH_TICKET = frozenset({WorkOrderStatus.SCHEDULED, WorkOrderStatus.EN_ROUTE, WorkOrderStatus.ON_SITE})


def _check_actor(*, ticket: Ticket, step: str, actor) -> None:
    if not user_has_role(actor, *STEP_ROLES[step]):
        raise ApplicationError(_("Your role may not do this."), code="forbidden", status=403)
    only_engineer = user_has_role(actor, Role.ENGINEER) and not user_has_role(actor, Role.MANAGER, Role.RECEPTION)
    if only_engineer and ticket.engineer_id != actor.pk:
        raise ApplicationError(_("This ticket is dispatched to another engineer."), code="not_your_ticket", status=403)


def _check_ticket(*, ticket: Ticket, step: str) -> None:
    if step != "cancel" and ticket.status not in WORKABLE_TICKET:
        raise ApplicationError(
            _("The ticket is “%(status)s”: on-site work is recorded only while an engineer has it.")
            % {"status": ticket.get_status_display()}, code="ticket_not_workable", field="status")


def _begin(*, work_order: WorkOrder, step: str, actor) -> None:
    _check_actor(ticket=work_order.ticket, step=step, actor=actor)
    _check_ticket(ticket=work_order.ticket, step=step)
    next_status(work_order.status, step)


def fee_state(*, work_order: WorkOrder) -> rules.FeeState:
    charged = sum((p.line_total for p in work_order.parts.all() if p.charged), Decimal("0.00"))
    return rules.FeeState(quote=work_order.fee_quote, approved_amount=work_order.fee_approved_amount,
                          charged_parts_total=rules.money(charged))


@transaction.atomic
def _apply(*, work_order: WorkOrder, step: str, actor, changes: Mapping[str, Any] | None = None,
           data: Mapping[str, Any] | None = None, note: str = "") -> WorkOrder:
    old, new, now = work_order.status, next_status(work_order.status, step), timezone.now()
    values: dict[str, Any] = {"status": new, "updated_at": now, **(changes or {})}
    # After a reassignment the new engineer carries on: the printed form names who did the work.
    if user_has_role(actor, Role.ENGINEER) and actor.pk != work_order.engineer_id and step != "cancel":
        values["engineer"] = actor
    guard = {"pk": work_order.pk, "status": old, "version": work_order.version}
    if WorkOrder.objects.filter(**guard).update(version=F("version") + 1, **values) != 1:
        raise ApplicationError(_("Someone else changed this work order. Reload and try again."),
                               code="work_order_stale", field="status")
    for key, value in values.items():
        setattr(work_order, key, value)
    work_order.version += 1
    ticket_add_event(ticket=work_order.ticket, actor=actor, action=f"wo_{step}", note=note, at=now,
                     data={"work_order": work_order.number, "work_order_id": work_order.pk, "status": new,
                           **(data or {})})
    return work_order


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@transaction.atomic
def work_order_create(*, ticket: Ticket, actor, window_start: datetime, window_end: datetime, address: str = "",
                      contact_name: str = "", contact_phone: str = "", note: str = "") -> WorkOrder:
    _check_actor(ticket=ticket, step="create", actor=actor)
    _check_ticket(ticket=ticket, step="create")
    if ticket.engineer_id is None:
        raise ApplicationError(_("Dispatch the ticket to an engineer first."), code="no_engineer", field="status")
    address = (address or ticket.customer.address or "").strip()
    problems = rules.window_problems(start=window_start, end=window_end)
    if not address:
        problems["address"] = rules.Problem("required", _("Enter the address of the visit."))
    raise_first(problems)
    # One visit at a time: lock the ticket row so two schedulers cannot both take the next number.
    Ticket.objects.select_for_update().filter(pk=ticket.pk).values_list("pk", flat=True).first()
    if (open_order := ticket.work_orders.filter(status__in=sorted(OPEN_WORK_ORDER)).first()) is not None:
        raise ApplicationError(_("Work order %(number)s is still open: finish or cancel it first.")
                               % {"number": open_order.number}, code="work_order_open", field="status")
    seq = (ticket.work_orders.aggregate(top=Max("seq"))["top"] or 0) + 1
    now = timezone.now()
    try:
        with transaction.atomic():
            work_order = WorkOrder.objects.create(
                ticket=ticket, seq=seq, number=f"{ticket.number}-W{seq}", engineer=ticket.engineer,
                # Its own copy of the contact (default: the ticket's): what the printed form shows and the
                # customer signs never changes when the customer record is renamed or merged.
                address=address, contact_name=(contact_name or ticket.contact_name_shown).strip(),
                contact_phone=contact_phone or ticket.contact_phone_shown, window_start=window_start,
                window_end=window_end, created_by=actor, created_at=now, updated_at=now,
            )
    except IntegrityError:
        raise ApplicationError(_("Someone else scheduled a visit at the same moment. Reload and try again."),
                               code="work_order_stale", field="status")
    ticket_add_event(ticket=ticket, actor=actor, action="wo_create", note=(note or "").strip(), at=now, data={
        "work_order": work_order.number, "work_order_id": work_order.pk, "status": work_order.status,
        "window_start": _iso(window_start), "window_end": _iso(window_end), "address": address})
    return work_order


def work_order_reschedule(*, work_order: WorkOrder, actor, window_start: datetime, window_end: datetime,
                          reason: str) -> WorkOrder:
    _begin(work_order=work_order, step="reschedule", actor=actor)
    problems = rules.window_problems(start=window_start, end=window_end)
    if not (reason or "").strip():
        problems["reason"] = rules.Problem("required", _("Say why the visit moves."))
    raise_first(problems)
    return _apply(work_order=work_order, step="reschedule", actor=actor, note=reason.strip(),
                  changes={"window_start": window_start, "window_end": window_end},
                  data={"window_start": _iso(window_start), "window_end": _iso(window_end)})


def work_order_depart(*, work_order: WorkOrder, actor, at: datetime | None = None) -> WorkOrder:
    _begin(work_order=work_order, step="depart", actor=actor)
    now = timezone.now()
    at = at or now
    raise_first(rules.step_time_problems(at=at, after=None, now=now))
    return _apply(work_order=work_order, step="depart", actor=actor, changes={"departed_at": at},
                  data={"at": _iso(at)})


def work_order_arrive(*, work_order: WorkOrder, actor, at: datetime | None = None) -> WorkOrder:
    _begin(work_order=work_order, step="arrive", actor=actor)
    now = timezone.now()
    at = at or now
    raise_first(rules.step_time_problems(at=at, after=work_order.departed_at, now=now))
    return _apply(work_order=work_order, step="arrive", actor=actor, changes={"arrived_at": at},
                  data={"at": _iso(at)})


def work_order_inspect(*, work_order: WorkOrder, actor, heard: str, seen: str, checked: str,
                       opened_before: bool | None, within_warranty: bool | None) -> WorkOrder:
    """听 / 看 / 查 (seed 003 5.2.7.4): may be corrected until the work is done."""
    _begin(work_order=work_order, step="inspect", actor=actor)
    texts = {"heard": (heard or "").strip(), "seen": (seen or "").strip(), "checked": (checked or "").strip()}
    problems = {field: rules.Problem("required", _("Fill this in.")) for field, value in texts.items() if not value}
    for field, value in (("opened_before", opened_before), ("within_warranty", within_warranty)):
        if value is None:
            problems[field] = rules.Problem("required", _("Answer yes or no."))
    raise_first(problems)
    changes = {**texts, "opened_before": opened_before, "within_warranty": within_warranty,
               "inspected_at": timezone.now()}
    return _apply(work_order=work_order, step="inspect", actor=actor, changes=changes,
                  data={**texts, "opened_before": opened_before, "within_warranty": within_warranty})


@transaction.atomic
def work_order_part_add(*, work_order: WorkOrder, actor, name: str, reason: str, quantity: int = 1, spec: str = "",
                        charged: bool = False, unit_price: Decimal = Decimal("0")) -> WorkOrderPart:
    _begin(work_order=work_order, step="add_part", actor=actor)
    unit_price = rules.money(unit_price)
    raise_first(rules.part_problems(name=name, reason=reason, quantity=quantity, charged=charged,
                                    unit_price=unit_price, fee=fee_state(work_order=work_order)))
    part = WorkOrderPart.objects.create(
        work_order=work_order, name=name.strip(), spec=(spec or "").strip(), quantity=quantity,
        reason=reason.strip(), charged=charged, unit_price=unit_price, added_by=actor, added_at=timezone.now())
    _apply(work_order=work_order, step="add_part", actor=actor, data={
        "part_id": part.pk, "name": part.name, "spec": part.spec, "quantity": quantity, "reason": part.reason,
        "charged": charged, "unit_price": str(unit_price)})
    return part


@transaction.atomic
def work_order_part_remove(*, work_order: WorkOrder, actor, part_id: int) -> WorkOrder:
    _begin(work_order=work_order, step="remove_part", actor=actor)
    part = work_order.parts.filter(pk=part_id).first()
    if part is None:
        raise ApplicationError(_("This part is not on the work order."), code="not_found", field="part_id", status=404)
    data = {"part_id": part.pk, "name": part.name, "quantity": part.quantity, "charged": part.charged}
    part.delete()
    return _apply(work_order=work_order, step="remove_part", actor=actor, data=data)


def work_order_quote(*, work_order: WorkOrder, actor, amount: Decimal | None = None, note: str = "",
                     callout_fee: Decimal | None = None, labour_fee: Decimal | None = None) -> WorkOrder:
    """有偿服务: tell the customer the fee — one amount, or its items (call-out fee, labour; the charged parts
    are added), stored so the printed form lists each. A new quote needs a new approval."""
    _begin(work_order=work_order, step="quote", actor=actor)
    if work_order.fee_receipt_number:
        raise ApplicationError(_("The fee has been paid (receipt %(receipt)s); it cannot change.")
                               % {"receipt": work_order.fee_receipt_number}, code="fee_paid", field="amount")
    callout = None if callout_fee is None else rules.money(callout_fee)
    labour = None if labour_fee is None else rules.money(labour_fee)
    amount, problems = rules.quote_total(amount=None if amount is None else rules.money(amount), callout=callout,
                                         labour=labour, fee=fee_state(work_order=work_order))
    raise_first(problems)
    data = {"amount": str(amount)}
    if callout is not None or labour is not None:
        data.update(callout_fee=None if callout is None else str(callout), labour_fee=None if labour is None else str(labour))
    return _apply(work_order=work_order, step="quote", actor=actor, note=(note or "").strip(), changes={
        "fee_quote": amount, "fee_note": (note or "").strip()[:200], "fee_callout": callout, "fee_labour": labour,
        "fee_approved_amount": None, "fee_approved_by": "", "fee_approved_at": None}, data=data)


def work_order_approve_fee(*, work_order: WorkOrder, actor, amount: Decimal, customer_name: str) -> WorkOrder:
    """The customer agrees to the quoted amount (the engineer records it on the phone, the customer watching)."""
    _begin(work_order=work_order, step="approve_fee", actor=actor)
    amount = rules.money(amount)
    raise_first(rules.approval_problems(amount=amount, customer_name=customer_name,
                                        fee=fee_state(work_order=work_order)))
    return _apply(work_order=work_order, step="approve_fee", actor=actor, changes={
        "fee_approved_amount": amount, "fee_approved_by": customer_name.strip(), "fee_approved_at": timezone.now()},
        data={"amount": str(amount), "customer_name": customer_name.strip()})


def work_order_complete(*, work_order: WorkOrder, actor, fix: str, old_parts_taken_back: bool | None = None,
                        at: datetime | None = None) -> WorkOrder:
    _begin(work_order=work_order, step="complete", actor=actor)
    now = timezone.now()
    at = at or now
    fee = fee_state(work_order=work_order)
    problems = rules.completion_problems(
        fix=fix, inspected=work_order.inspected_at is not None, has_parts=work_order.parts.exists(),
        old_parts_taken_back=old_parts_taken_back, fee=fee)
    problems.update(rules.step_time_problems(at=at, after=work_order.arrived_at, now=now))
    raise_first(problems)
    return _apply(work_order=work_order, step="complete", actor=actor, changes={
        "fix": fix.strip(), "old_parts_taken_back": old_parts_taken_back, "work_done_at": at},
        data={"fix": fix.strip(), "old_parts_taken_back": old_parts_taken_back, "at": _iso(at),
              "fee": str(fee.quote) if fee.quote is not None else None})


def work_order_record_payment(*, work_order: WorkOrder, actor, receipt_number: str) -> WorkOrder:
    _begin(work_order=work_order, step="payment", actor=actor)
    raise_first(rules.payment_problems(receipt_number=receipt_number, fee=fee_state(work_order=work_order)))
    return _apply(work_order=work_order, step="payment", actor=actor,
                  changes={"fee_receipt_number": receipt_number.strip()},
                  data={"receipt_number": receipt_number.strip(), "amount": str(work_order.fee_quote)})


def work_order_confirm(*, work_order: WorkOrder, actor, customer_name: str, satisfied: bool | None,
                       comment: str = "", at: datetime | None = None) -> WorkOrder:
    """客户签字认可 — refused before the work is recorded as done (seed 003 5.2.2)."""
    _begin(work_order=work_order, step="confirm", actor=actor)
    now = timezone.now()
    at = at or now
    problems = rules.confirmation_problems(customer_name=customer_name, satisfied=satisfied)
    problems.update(rules.step_time_problems(at=at, after=work_order.work_done_at, now=now))
    raise_first(problems)
    return _apply(work_order=work_order, step="confirm", actor=actor, note=(comment or "").strip(), changes={
        "customer_name": customer_name.strip(), "customer_satisfied": satisfied,
        "customer_comment": (comment or "").strip(), "confirmed_at": at},
        data={"customer_name": customer_name.strip(), "satisfied": satisfied, "at": _iso(at)})


def work_order_cancel(*, work_order: WorkOrder, actor, reason: str) -> WorkOrder:
    _begin(work_order=work_order, step="cancel", actor=actor)
    if not (reason or "").strip():
        raise_first({"reason": rules.Problem("required", _("Say why the visit is cancelled."))})
    return _apply(work_order=work_order, step="cancel", actor=actor, note=reason.strip(),
                  changes={"cancel_reason": reason.strip()})


def work_orders_guard(*, ticket: Ticket, action: str, data: Mapping[str, Any]) -> None:
    """Registered in tickets.hooks (fieldservice/apps.py): no solution or hand back while a visit is unfinished,
    and an on-site solution needs a visit the customer confirmed."""
    open_order = WorkOrder.objects.filter(ticket=ticket, status__in=sorted(OPEN_WORK_ORDER)).order_by("seq").first()
    if open_order is not None:
        raise ApplicationError(_("Work order %(number)s is still open: finish or cancel it first.")
                               % {"number": open_order.number}, code="work_order_open")
    if action == "solve" and data.get("kind") == SolutionKind.ONSITE and not WorkOrder.objects.filter(
            ticket=ticket, status=WorkOrderStatus.CONFIRMED).exists():
        raise ApplicationError(_("An on-site solution needs a work order confirmed by the customer."),
                               code="work_order_missing", field="kind")


def work_orders_cancel_for_ticket(*, ticket: Ticket, actor, at: datetime, note: str = "") -> list[WorkOrder]:
    """The ticket was cancelled (tickets.hooks, fieldservice/effects.py): every visit not yet done is cancelled,
    in the ticket's transaction. No role check here: whoever may cancel the ticket (a partner, via the API)
    cancels its visits with it. A visit whose work is done stays: it happened, and its form is kept."""
    cancelled = []
    reason = note or str(_("The ticket was cancelled."))
    for work_order in WorkOrder.objects.select_for_update().filter(
            ticket=ticket, status__in=sorted(CANCELLABLE_WITH_TICKET)).order_by("seq"):
        work_order.ticket = ticket  # the instance the ticket's writer holds: its version stays in step
        cancelled.append(_apply(work_order=work_order, step="cancel", actor=actor, note=reason,
                                changes={"cancel_reason": reason}))
    return cancelled
