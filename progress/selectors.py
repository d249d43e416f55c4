"""The public lookup. It runs the same two queries whether or not the pair matches, so neither the
answer nor its timing tells a wrong ticket number from a wrong phone number."""
import hmac
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from core.validation import phone_search_key
from tickets.models import Ticket, TicketEvent
from tickets.selectors import NUMBER_RE

from .texts import NEXT_STEP, PUBLIC_ACTIONS, STATUS_PLAIN, STEP_PLAIN, WAIT_PLAIN

NO_TICKET = -1  # an id no row has: the miss runs the same timeline query as a hit


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


def _step_label(event: TicketEvent) -> str:
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
    if not matched:
        return None
    steps = tuple(Step(at=e.at, action=e.action, label=_step_label(e)) for e in events)
    return Progress(ticket=ticket, status_text=str(STATUS_PLAIN.get(ticket.status, "")),
                    next_step=str(NEXT_STEP.get(ticket.status, "")), steps=steps)
