"""完成通知: writes. When a repair is done (the ticket closes after a confirmed callback) the customer is
told by SMS, and by e-mail when we have an address. Rows first, in the closing transaction; sending after
commit, by a task that claims its row, so a redelivered or repeated knock sends nothing twice. A knock
lost to a broker outage is made good by `completion_notices_requeue` (beat: completion-notices-requeue)."""
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from core.knock import knock_after_commit, knock_each
from tickets.models import Ticket

from .models import CompletionNotice, NoticeChannel
from .sms import get_sms_backend
from .texts import completion_message

CLAIM_TIMEOUT = timedelta(minutes=5)  # a worker that died mid-send lets the row be claimed again
REQUEUE_AFTER = timedelta(minutes=2)  # the after-commit knock and the task's own retries come first
MAX_ATTEMPTS = 5
REQUEUE_BATCH = 500


@transaction.atomic
def completion_notices_schedule(*, ticket: Ticket, at: datetime) -> list[CompletionNotice]:
    """Called in the closing transaction (progress/effects.py): the rows commit with the close."""
    from .tasks import completion_notice_send_task  # lazy: tasks import this module

    customer = ticket.customer
    # The text goes to the phone the ticket was registered with (its contact, issue 14 part 5).
    channels = [(NoticeChannel.SMS, ticket.contact_phone_shown)]
    if customer.email:
        channels.append((NoticeChannel.EMAIL, customer.email))
    notices = []
    for channel, recipient in channels:
        notice, created = CompletionNotice.objects.get_or_create(
            ticket=ticket, channel=channel, defaults={"recipient": recipient, "created_at": at})
        if created:  # a ticket reopened and closed again is not announced twice
            knock_after_commit(completion_notice_send_task, notice.pk)
        notices.append(notice)
    return notices


def completion_notice_send(*, notice_id: int) -> bool:
    """Claim, send, record. Returns False when there was nothing to do (already sent or being sent).

    Not one transaction on purpose: the claim must be visible to other workers before the slow send,
    and a failed send must leave the claim released and the error recorded."""
    now = timezone.now()
    claimable = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT)
    if not CompletionNotice.objects.filter(claimable, pk=notice_id, sent_at__isnull=True).update(
            claimed_at=now, attempts=F("attempts") + 1):
        return False
    notice = CompletionNotice.objects.select_related("ticket__customer").get(pk=notice_id)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            subject, text = completion_message(notice.ticket)
        provider_id = ""
        if notice.channel == NoticeChannel.EMAIL:
            send_mail(subject, text, None, [notice.recipient])
        else:  # the same gateway as the desk's messages (SMS_BACKEND): Alibaba Cloud SMS in production
            provider_id = get_sms_backend().send(notice.recipient, text)
    except Exception as exc:
        # Release the claim so the retry (or the requeue sweep) can send it.
        CompletionNotice.objects.filter(pk=notice_id).update(claimed_at=None, last_error=repr(exc)[:2000])
        raise
    CompletionNotice.objects.filter(pk=notice_id).update(sent_at=timezone.now(), last_error="",
                                                         provider_id=(provider_id or "")[:100])
    return True


def completion_notices_requeue(*, now: datetime) -> int:
    """Knock again for notices still unsent: a broker that was down when the ticket closed lost the
    message, the row is still here. Returns how many were enqueued; stops at the first refused knock
    (the broker is still down: the next run tries again)."""
    from .tasks import completion_notice_send_task

    stale = (CompletionNotice.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS,
                                             created_at__lte=now - REQUEUE_AFTER)
             .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
             .order_by("created_at", "id").values_list("pk", flat=True)[:REQUEUE_BATCH])
    return knock_each(completion_notice_send_task, stale)
