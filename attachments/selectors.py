"""Reads on attachments: whoever may see the ticket (tickets.selectors.ticket_get_for_user) may see
its files; anyone else gets a 404."""
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from tickets.merging import merged_family_ids
from tickets.selectors import ticket_get_for_user

from .models import Attachment


def attachments_for_ticket(*, ticket, with_merged: bool = False) -> QuerySet[Attachment]:
    """`with_merged`: the files of the duplicates merged into the ticket too (its page shows them together)."""
    qs = Attachment.objects.filter(ticket_id__in=merged_family_ids(ticket=ticket)) if with_merged \
        else ticket.attachments.all()
    return qs.select_related("uploaded_by", "ticket").order_by("uploaded_at", "id")


def attachment_get_for_user(*, user, number: str, pk: int) -> Attachment:
    ticket = ticket_get_for_user(user=user, number=number)
    return get_object_or_404(attachments_for_ticket(ticket=ticket), pk=pk)
