"""Complaints 投诉 (seed 003): a ticket of kind "complaint" with the answer time promised to the
customer, recorded at intake and shown to whoever handles it."""
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from core.roles import Role, user_has_role
from tickets import services as ticket_services
from tickets.choices import Channel, Kind, Priority
from tickets.models import Ticket

from .models import Callback, Complaint
from .services import _timeline, policy_current


def complaint_default_promise(*, at: datetime) -> datetime:
    return at + timedelta(hours=policy_current(at=at).complaint_answer_hours)


def _check_promise(promised_answer_at: datetime | None) -> None:
    if promised_answer_at is not None and promised_answer_at <= timezone.now():
        raise ValidationError({"promised_answer_at": [_("The promised answer time must be in the future.")]})


def complaint_register(*, ticket: Ticket, at: datetime) -> Complaint:
    """Every complaint ticket, whichever door it came in by, carries a promise from the start:
    the policy's default, which the desk may change (complaint_promise)."""
    complaint, _created = Complaint.objects.get_or_create(
        ticket=ticket, defaults={"promised_answer_at": complaint_default_promise(at=at), "created_at": at})
    return complaint


def complaint_mark_answered(*, ticket: Ticket, at: datetime) -> None:
    Complaint.objects.filter(ticket=ticket, answered_at=None).update(answered_at=at)


@transaction.atomic
def complaint_promise(*, ticket: Ticket, actor, promised_answer_at: datetime) -> Complaint:
    if not user_has_role(actor, Role.RECEPTION, Role.MANAGER):
        raise ApplicationError(_("Only the desk may promise an answer time."), code="forbidden", status=403)
    if ticket.kind != Kind.COMPLAINT:
        raise ApplicationError(_("Only a complaint carries a promised answer time."), code="not_a_complaint",
                               field="promised_answer_at", status=400)
    if promised_answer_at is None:
        raise ValidationError({"promised_answer_at": [_("Enter the time the customer was promised an answer.")]})
    _check_promise(promised_answer_at)
    complaint = complaint_register(ticket=ticket, at=ticket.created_at)
    complaint.promised_answer_at = promised_answer_at
    complaint.save(update_fields=["promised_answer_at"])
    when = timezone.localtime(promised_answer_at).strftime("%Y-%m-%d %H:%M")
    _timeline(ticket=ticket, actor=actor, action="complaint_promise", at=timezone.now(),
              note=gettext("Answer promised by %(at)s.") % {"at": when},
              data={"promised_answer_at": promised_answer_at.isoformat()})
    return complaint


def complaint_create_from_callback(*, callback: Callback, actor, text: str,
                                   promised_answer_at: datetime | None = None) -> Complaint:
    """A complaint raised during a callback becomes its own ticket, linked to the one called about."""
    _check_promise(promised_answer_at)
    source, customer, device = callback.ticket, callback.customer, callback.device
    about = gettext("Raised during the callback on %(number)s.") % {"number": source.number} if source else \
        gettext("Raised during a periodic callback.")
    device_data = None
    if device is not None and (device.imei or device.serial):
        device_data = {"category": device.category, "imei": device.imei, "serial": device.serial}
    ticket = ticket_services.ticket_create(
        # The person called (the ticket's contact), on the same customer record; the record keeps its name.
        created_by=actor, customer={"name": callback.contact_name, "phone": customer.phone, "email": customer.email},
        device=device_data, kind=Kind.COMPLAINT, channel=Channel.PHONE, priority=Priority.HIGH,
        fault_description=f"{text}\n\n{about}",
    )
    complaint = complaint_register(ticket=ticket, at=ticket.created_at)
    complaint.source_ticket, complaint.callback = source, callback
    if promised_answer_at is not None:
        complaint.promised_answer_at = promised_answer_at
    complaint.save()
    when = timezone.localtime(complaint.promised_answer_at).strftime("%Y-%m-%d %H:%M")
    _timeline(ticket=source, actor=actor, action="complaint_raised", at=timezone.now(),
              note=gettext("Complaint %(number)s registered; answer promised by %(at)s.") % {
                  "number": ticket.number, "at": when},
              data={"complaint_ticket": ticket.number})
    return complaint
