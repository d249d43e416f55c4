"""Reads on attachments: whoever may see the ticket (tickets.selectors.ticket_get_for_user) may see
its files; anyone else gets a 404."""
from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from tickets.merging import merged_family_ids
from tickets.selectors import ticket_get_for_user

from .models import Attachment


def ticket_has_attachments() -> Exists:
    """The ticket page's ticket query carries it as `has_attachments` (tickets.hooks panel `exists`)."""
    return Exists(Attachment.objects.filter(ticket=OuterRef("pk")))


def attachments_for_ticket(*, ticket, with_merged: bool = False) -> QuerySet[Attachment]:
    """`with_merged`: the files of the duplicates merged into the ticket too (its page shows them together)."""
    if getattr(ticket, "has_attachments", True) is False and not (with_merged and getattr(ticket, "has_merged", True)):
        return Attachment.objects.none()  # the page's ticket query said there are none: no query
    qs = Attachment.objects.filter(ticket_id__in=merged_family_ids(ticket=ticket)) if with_merged \
        else ticket.attachments.all()
    return qs.select_related("uploaded_by", "ticket").order_by("uploaded_at", "id")


def attachment_get_for_user(*, user, number: str, pk: int) -> Attachment:
    ticket = ticket_get_for_user(user=user, number=number)
    return get_object_or_404(attachments_for_ticket(ticket=ticket), pk=pk)
