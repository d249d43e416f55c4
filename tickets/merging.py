"""Merging duplicates (issue 14, part 3): two open tickets about one case become one.

- `ticket_merge(ticket=, into=, actor=)`: `ticket` (the duplicate) ends in status "merged" with
  `merged_into = into`; `into` survives. The step is `ticket_transition("merge")`, so everything a cancel
  causes happens through the same hooks in the same transaction: the duplicate's SLA clocks are cancelled
  (sla.lifecycle maps "merge" to the cancel event: neither met nor breached), its open callbacks and
  visits are cancelled, its partner gets `ticket.merged`. The survivor gets a "merge_in" entry on its
  timeline (tickets/timeline.py), so its `updated_at`/ETag move too.
- Refused, with nothing written: a merge into itself; a ticket or a target that is not open; two tickets
  that share neither the customer nor the device (same device row, or the same IMEI or serial: a customer
  who called from another phone); two tickets of different partners (a partner merges only its own
  tickets into its own tickets, and the desk never moves one partner's case into another's).
- Reads: the candidates the page offers (`merge_candidates`), the survivor a merged number leads to
  (`merge_survivor`), and the tickets whose timelines and files the survivor shows (`merged_family_ids`).
"""
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError

from .choices import OPEN_STATUSES
from .models import Device, Ticket, TicketEvent
from .selectors import ticket_timeline, tickets_visible_to
from .services import ticket_transition
from .timeline import timeline_record

# A chain A → B → C (B merged later into C) is followed this far; deeper chains are not made by hand.
MERGE_DEPTH = 5
CANDIDATES_MAX = 10


def _refuse(message, code: str, *, field: str = "into", status: int = 400) -> ApplicationError:
    return ApplicationError(message, code=code, field=field, status=status)


def _device_keys(ticket: Ticket) -> set[tuple[str, str]]:
    device = ticket.device if ticket.device_id else None
    if device is None:
        return set()
    keys = {("id", str(device.pk))}
    if device.imei:
        keys.add(("imei", device.imei))
    if device.serial:
        keys.add(("serial", device.serial))
    return keys


def same_case(a: Ticket, b: Ticket) -> bool:
    """The same customer, or the same device (row, IMEI or serial)."""
    return a.customer_id == b.customer_id or bool(_device_keys(a) & _device_keys(b))


def _note(note: str) -> str:
    text = (note or "").strip()
    if len(text) > settings.NOTE_MAX:
        raise _refuse(_("Keep the note under %(max)d characters.") % {"max": settings.NOTE_MAX}, "too_long",
                      field="note")
    return text


def merge_refusal(*, ticket: Ticket, into: Ticket) -> ApplicationError | None:
    """Why `ticket` may not be merged into `into` (None: it may). Reads only the two rows given."""
    if ticket.pk == into.pk:
        return _refuse(_("A ticket cannot be merged into itself."), "merge_into_itself")
    if not ticket.is_open:
        return _refuse(_("This ticket is already closed, cancelled or merged: there is nothing to merge."),
                       "ticket_closed", field="status", status=409)
    if not into.is_open:
        return _refuse(_("%(number)s is closed, cancelled or merged: merge into an open ticket.")
                       % {"number": into.number}, "merge_target_closed", status=409)
    if ticket.partner_id != into.partner_id:
        return _refuse(_("%(number)s belongs to another partner: only one partner's tickets can be merged.")
                       % {"number": into.number}, "merge_across_partners")
    if not same_case(ticket, into):
        return _refuse(_("%(number)s is neither the same customer's nor about the same device: "
                         "only duplicates can be merged.") % {"number": into.number}, "merge_unrelated")
    return None


@transaction.atomic
def ticket_merge(*, ticket: Ticket, into: Ticket, actor, note: str = "") -> Ticket:
    """Merge the duplicate `ticket` into `into` (which survives); returns the merged ticket."""
    text = _note(note)
    # Both rows locked in id order: two desks merging A into B and B into A at once must not deadlock, and
    # whoever comes second sees the first one's result (a merged ticket is no longer open) and is refused.
    fresh = {row.pk: row for row in Ticket.objects.select_for_update().filter(pk__in={ticket.pk, into.pk})
             .order_by("pk").only("pk", "status", "version")}
    for held in (ticket, into):
        if held.pk in fresh and (fresh[held.pk].status, fresh[held.pk].version) != (held.status, held.version):
            raise ApplicationError(_("Someone else changed this ticket. Reload and try again."),
                                   code="ticket_stale", field="status")
    if (refusal := merge_refusal(ticket=ticket, into=into)) is not None:
        raise refusal
    waiting = {"wait_reason": "", "resume_status": ""} if ticket.wait_reason or ticket.resume_status else {}
    ticket = ticket_transition(ticket=ticket, action="merge", actor=actor, note=text,
                               changes={"merged_into": into, **waiting}, data={"into": into.number})
    # The row is locked and was open a moment ago: the guard only documents what the survivor must be.
    if timeline_record(ticket=into, actor=actor, action="merge_in", note=text, data={"merged": ticket.number},
                       expect={"status__in": sorted(OPEN_STATUSES)}) is None:
        raise _refuse(_("%(number)s is closed, cancelled or merged: merge into an open ticket.")
                      % {"number": into.number}, "merge_target_closed", status=409)
    return ticket


# --- reads ------------------------------------------------------------------------------------------------

def merge_candidates(*, user, ticket: Ticket, limit: int = CANDIDATES_MAX) -> list[Ticket]:
    """Open tickets the user may see that `ticket` could be merged into: the same customer's, or about the
    same device; the same partner's (or, like it, none). Newest first, a short list."""
    if not ticket.is_open:
        return []
    related = Ticket.objects.filter(customer_id=ticket.customer_id).values("pk")
    keys = _device_keys(ticket)
    device_q = Q()
    for kind, value in keys:
        device_q |= Q(pk=int(value)) if kind == "id" else Q(**{kind: value})
    if keys:
        devices = list(Device.objects.filter(device_q).values_list("pk", flat=True)[:50])
        related = related.union(Ticket.objects.filter(device_id__in=devices).values("pk"), all=True)
    qs = (tickets_visible_to(user=user).filter(pk__in=related, status__in=sorted(OPEN_STATUSES),
                                               partner_id=ticket.partner_id)
          .exclude(pk=ticket.pk).select_related("customer", "device", "engineer"))
    return list(qs.order_by("-created_at", "-id")[:limit])


def merge_survivor(*, ticket: Ticket) -> Ticket:
    """The ticket a merged number leads to: the end of its `merged_into` chain."""
    for _step in range(MERGE_DEPTH):
        if not ticket.merged_into_id:
            break
        ticket = Ticket.objects.only("pk", "number", "merged_into").get(pk=ticket.merged_into_id)
    return ticket


def merged_family_ids(*, ticket: Ticket) -> list[int]:
    """The ticket and every ticket merged into it, directly or through one merged later (one query a level;
    one query in all for a ticket nothing was merged into; none when the page's ticket query says so, `has_merged`,
    and none again for the same ticket object: the timeline and the attachments card both ask)."""
    known = getattr(ticket, "_merged_family_ids", None)
    if known is not None:
        return list(known)
    if getattr(ticket, "has_merged", True) is False:
        return [ticket.pk]
    ids, frontier = [ticket.pk], [ticket.pk]
    for _level in range(MERGE_DEPTH):
        frontier = list(Ticket.objects.filter(merged_into_id__in=frontier).values_list("pk", flat=True))
        if not frontier:
            break
        ids += frontier
    ticket._merged_family_ids = tuple(ids)
    return ids


def ticket_timeline_with_merged(*, ticket: Ticket) -> QuerySet[TicketEvent]:
    """The survivor's timeline with the events of the tickets merged into it (each carries its ticket)."""
    ids = merged_family_ids(ticket=ticket)
    if len(ids) == 1:
        return ticket_timeline(ticket=ticket)
    return TicketEvent.objects.filter(ticket_id__in=ids).select_related("actor", "ticket").order_by("at", "id")
