"""The public lookup. It runs the same four queries whether or not the pair matches, so neither the
answer nor its timing tells a wrong ticket number from a wrong phone number."""
import hmac
from dataclasses import dataclass
from types import SimpleNamespace
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from core.validation import phone_search_key
from tickets import hooks
from tickets.choices import SolutionKind
from tickets.models import Ticket, TicketEvent
from tickets.selectors import NUMBER_RE

from .messages import amount_text, visit_window_text
from .models import CustomerMessage, MessageTemplate
from .texts import PUBLIC_ACTIONS, REFUND_AGREED, STEP_PLAIN, WAIT_PLAIN, customer_summary

NO_TICKET = -1  # an id no row has: the miss runs the same timeline query as a hit
_NOBODY = SimpleNamespace(pk=NO_TICKET)  # what the customer facts are asked about on a miss


@dataclass(frozen=True)
class Step:
    at: datetime
    action: str
    label: str


@dataclass(frozen=True)
class Progress:
    ticket: Ticket
    status_text: str
    next_step: str
    steps: tuple[Step, ...]
    visit_window: str = ""
    visit_en_route: bool = False
    is_refund: bool = False
    refund_state: str = ""  # "pending" / "paid" (refunds.RefundState), "" when there is none
    refund_amount: str = ""
    refund_due: datetime | None = None
    refund_paid: datetime | None = None
    hotline: str = ""


def _step_label(event: TicketEvent) -> str:
    if event.action == "solve" and (event.data or {}).get("kind") == SolutionKind.RETURN_REFUND:
        return str(REFUND_AGREED)  # a refund is no repair: never "维修完成"
    label = str(STEP_PLAIN[event.action])
    reason = (event.data or {}).get("reason") if event.action == "wait" else None
    return f"{label}: {WAIT_PLAIN[reason]}" if reason in WAIT_PLAIN else label


def progress_lookup(*, number: str, phone: str) -> Progress | None:
    number_key = (number or "").strip().upper()
    number_key = number_key if NUMBER_RE.match(number_key) else ""
    phone_key = phone_search_key(phone or "") or ""
    number_key = number_key if phone_key else ""  # a blank contact phone must never match a blank phone
    # Query 1: the pair must match; a malformed number or phone looks for "" and finds nothing. The phone is
    # the one the ticket was registered with (its contact) or the customer record's today (issue 14, part 5).
    ticket = (Ticket.objects.select_related("customer", "engineer")
              .filter(Q(contact_phone=phone_key) | Q(customer__phone=phone_key), number=number_key).first())
    matched = ticket is not None and bool(
        hmac.compare_digest(ticket.contact_phone, phone_key) | hmac.compare_digest(ticket.customer.phone, phone_key))
    # Query 2: the public steps, run on a miss too.
    events = list(TicketEvent.objects.filter(ticket_id=ticket.pk if matched else NO_TICKET,
                                             action__in=PUBLIC_ACTIONS)
                  .only("at", "action", "data").order_by("at", "id"))
    # Queries 3–4, on a miss too: the planned visit and the refund, through the hooks port (fieldservice and
    # refunds register their facts; progress imports neither).
    facts = hooks.facts_for_customer(ticket=ticket if matched else _NOBODY)
    if not matched:
        return None
    steps = tuple(Step(at=e.at, action=e.action, label=_step_label(e)) for e in events)
    solved_as = [(e.data or {}).get("kind") for e in events if e.action == "solve"]
    is_refund = bool(facts.get("refund_state")) or (solved_as[-1:] == [SolutionKind.RETURN_REFUND])
    visit = _visit_window(facts)
    amount = amount_text(facts.get("refund_amount"))
    status_text, next_step = customer_summary(
        status=ticket.status, is_refund=is_refund, refund_state=facts.get("refund_state", ""), amount=amount,
        refund_due=facts.get("refund_due_at"), visit_window=visit, visit_en_route=facts.get("visit_en_route", False))
    return Progress(ticket=ticket, status_text=status_text, next_step=next_step, steps=steps, visit_window=visit,
                    visit_en_route=bool(facts.get("visit_en_route")), is_refund=is_refund,
                    refund_state=facts.get("refund_state", ""), refund_amount=amount,
                    refund_due=facts.get("refund_due_at"), refund_paid=facts.get("refund_paid_at"),
                    hotline=settings.SERVICE_HOTLINE)


def _visit_window(facts: dict[str, Any]) -> str:
    if not facts.get("visit_start"):
        return ""
    return visit_window_text(timezone.localtime(facts["visit_start"]), timezone.localtime(facts["visit_end"]))


# ---- messages to the customer (the desk's panel) --------------------------------------------------------

def progress_url(*, ticket: Ticket) -> str:
    """The progress page with the ticket number filled in (SITE_URL makes it absolute for an SMS)."""
    return f"{settings.SITE_URL.rstrip('/')}{reverse('progress:lookup')}?number={ticket.number}"


def message_values(*, ticket: Ticket) -> dict[str, str]:
    """The placeholder values for one ticket (progress/messages.py PLACEHOLDERS); "" when there is none."""
    facts = hooks.facts_for_customer(ticket=ticket)
    return {
        "ticket_no": ticket.number, "customer": ticket.contact_name_shown, "visit_window": _visit_window(facts),
        "amount": amount_text(facts.get("refund_amount")) if facts.get("refund_state") else "",
        "hotline": settings.SERVICE_HOTLINE, "progress_url": progress_url(ticket=ticket),
    }


def message_templates() -> list[MessageTemplate]:
    """The active templates, in their order: the panel's one query."""
    return list(MessageTemplate.objects.filter(active=True).only("code", "name", "position"))


def message_template_get(*, code: str) -> MessageTemplate | None:
    return MessageTemplate.objects.filter(active=True, code=code).first() if code else None


def customer_message_get(*, ticket: Ticket, pk: int) -> CustomerMessage:
    """A message of this ticket (the caller already checked the ticket is visible), else 404."""
    return get_object_or_404(CustomerMessage.objects.only("id", "status", "provider_id", "error", "attempts",
                                                          "sent_at", "next_attempt_at", "ticket_id"),
                             ticket_id=ticket.pk, pk=pk)
