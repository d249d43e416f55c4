"""完成通知: when a repair is done (the ticket closes after a confirmed callback) the customer is told
by SMS, and by e-mail when we have an address. Rows first, in the closing transaction; sending
after commit, by a task that claims its row so a redelivered message sends nothing twice."""
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tickets.models import Ticket

from .models import CompletionNotice, NoticeChannel
from .sms import get_sms_backend

CLAIM_TIMEOUT = timedelta(minutes=5)  # a worker that died mid-send lets the row be claimed again
REQUEUE_AFTER = timedelta(minutes=2)
MAX_ATTEMPTS = 5


def completion_notices_schedule(*, ticket: Ticket, at: datetime) -> list[CompletionNotice]:
    from .tasks import completion_notice_send_task  # lazy: tasks import this module

    customer = ticket.customer
    channels = [(NoticeChannel.SMS, customer.phone)]
    if customer.email:
        channels.append((NoticeChannel.EMAIL, customer.email))
    notices = []
    for channel, recipient in channels:
        notice, created = CompletionNotice.objects.get_or_create(
            ticket=ticket, channel=channel, defaults={"recipient": recipient, "created_at": at})
        if created:  # a ticket reopened and closed again is not announced twice
            completion_notice_send_task.delay_on_commit(notice.pk)
        notices.append(notice)
    return notices


def completion_message(ticket: Ticket) -> tuple[str, str]:
    subject = _("Your service request %(number)s is complete") % {"number": ticket.number}
    text = _(
        "Dear %(name)s, your service request %(number)s is complete and has been confirmed with you on our "
        "callback. You can look up its history on our progress page with the ticket number and your phone "
        "number. Thank you for your patience. — After-sales service desk"
    ) % {"name": ticket.customer.name, "number": ticket.number}
    return subject, text


def completion_notice_send(*, notice_id: int) -> bool:
    """Claim, send, record. Returns False when there was nothing to do (already sent or being sent)."""
    now = timezone.now()
    claimable = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT)
    if not CompletionNotice.objects.filter(claimable, pk=notice_id, sent_at__isnull=True).update(
            claimed_at=now, attempts=F("attempts") + 1):
        return False
    notice = CompletionNotice.objects.select_related("ticket__customer").get(pk=notice_id)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            subject, text = completion_message(notice.ticket)
        if notice.channel == NoticeChannel.EMAIL:
            send_mail(subject, text, None, [notice.recipient])
        else:
            get_sms_backend().send(notice.recipient, text)
    except Exception as exc:
        # Release the claim so the retry (or the requeue sweep) can send it.
        CompletionNotice.objects.filter(pk=notice_id).update(claimed_at=None, last_error=repr(exc)[:2000])
        raise
    CompletionNotice.objects.filter(pk=notice_id).update(sent_at=timezone.now(), last_error="")
    return True


def completion_notices_requeue(*, now: datetime) -> int:
    """A broker that was down when the ticket closed loses the message; the row is still here."""
    from .tasks import completion_notice_send_task

    stale = (CompletionNotice.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS,
                                             created_at__lte=now - REQUEUE_AFTER)
             .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
             .order_by("created_at", "id").values_list("pk", flat=True)[:500])
    ids = list(stale)
    for pk in ids:
        completion_notice_send_task.delay(pk)
    return len(ids)
