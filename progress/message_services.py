"""Messages the desk sends the customer from the ticket page (issue 15, item 9): writes.

The desk's click writes the message row and its timeline entry in one transaction and knocks the send task
after commit (core/knock.py: a broker outage costs no 500, the requeue sweep knocks again). The task claims
the row, sends once, and records the outcome: `sent` with the provider's id (Alibaba's BizId), or a
retryable failure — the row stays `queued` with the error and its next attempt time (backoff 30 s, 60 s,
120 s … at most 30 min) — or `failed` when the provider said no for good or the attempts are spent.
A message once `sent` is never sent again: every attempt starts with a conditional UPDATE on status."""
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, make_msgid
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from core.knock import knock_after_commit, knock_each
from tickets.models import Ticket
from tickets.timeline import timeline_record

from .messages import fill, placeholders_missing, placeholders_unknown, placeholders_used
from .models import CustomerMessage, MessageStatus, MessageTemplate, NoticeChannel
from .selectors import message_values
from .sms import SmsError, get_sms_backend, phone_mask

logger = logging.getLogger("servicedesk.sms")

SMS_MAX_CHARS = 500  # Alibaba's limit for one SendSms text, signature included
CLAIM_TIMEOUT = timedelta(minutes=5)
REQUEUE_AFTER = timedelta(minutes=2)
BACKOFF_BASE, BACKOFF_CAP = 30, 1800  # seconds


class DeliveryDeferred(Exception):
    """A retryable failure: the task knocks again after `seconds`."""

    def __init__(self, seconds: int, error: str):
        super().__init__(error)
        self.seconds = seconds


def retry_delay(attempts: int) -> int:
    """Seconds before attempt `attempts + 1`: 30, 60, 120 … doubling, at most 30 minutes."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


def message_draft(*, values: dict[str, str], text: str, subject: str = "") -> tuple[str, str, list[str]]:
    """(filled text, filled subject, problems) for the preview and for sending: one rule for both.
    `values`: progress.selectors.message_values for the ticket."""
    problems = [str(_("Unknown placeholder {%(name)s}.") % {"name": name})
                for name in sorted(placeholders_unknown(text) | placeholders_unknown(subject))]
    problems += [str(_("This ticket has nothing to fill {%(name)s} with yet.") % {"name": name})
                 for name in placeholders_missing(f"{subject}\n{text}", values)]
    return fill(text, values).strip(), fill(subject, values).strip(), problems


@transaction.atomic
def customer_message_create(*, ticket: Ticket, actor, channel: str, text: str, subject: str = "",
                            template: MessageTemplate | None = None) -> CustomerMessage:
    values = message_values(ticket=ticket)
    filled, filled_subject, problems = message_draft(values=values, text=text, subject=subject)
    if problems:
        raise ApplicationError(" ".join(problems), code="message_placeholder", field="text", status=400)
    if not filled:
        raise ApplicationError(_("Write the message first."), code="message_empty", field="text", status=400)
    if channel == NoticeChannel.SMS:
        recipient = ticket.contact_phone_shown
        if len(filled) > SMS_MAX_CHARS:
            raise ApplicationError(_("An SMS holds at most %(max)d characters.") % {"max": SMS_MAX_CHARS},
                                   code="message_too_long", field="text", status=400)
    else:
        recipient = ticket.customer.email
        if not recipient:
            raise ApplicationError(_("This customer has no e-mail address."), code="message_no_email",
                                   field="channel", status=400)
        filled_subject = filled_subject or str(_("Your service request %(number)s") % {"number": ticket.number})
    # The provider's own template fits only the template's words: once the desk edits them, the default
    # template carries the whole text instead.
    provider_code = template.provider_template_code if template and text.strip() == template.body.strip() else ""
    now = timezone.now()
    message = CustomerMessage.objects.create(
        ticket=ticket, channel=channel, recipient=recipient, template_code=template.code if template else "",
        provider_template_code=provider_code,
        params={name: values[name] for name in placeholders_used(text)} if provider_code else {},
        subject=filled_subject if channel == NoticeChannel.EMAIL else "", text=filled, created_at=now,
        created_by=actor)
    shown_to = phone_mask(recipient) if channel == NoticeChannel.SMS else recipient
    timeline_record(ticket=ticket, actor=actor, action="customer_message", at=now, data={
        "message": message.pk, "channel": channel, "to": shown_to, "template": message.template_code,
        "subject": message.subject, "text": filled})
    from .tasks import customer_message_send_task  # lazy: tasks import this module

    knock_after_commit(customer_message_send_task, message.pk)
    return message


def _transmit(message: CustomerMessage) -> str:
    if message.channel == NoticeChannel.EMAIL:
        message_id = make_msgid(domain="servicedesk")
        EmailMessage(message.subject, message.text, None, [message.recipient],
                     headers={"Message-ID": message_id}).send()
        return message_id
    return get_sms_backend().send(message.recipient, message.text, template_code=message.provider_template_code,
                                  params=message.params or None)


def customer_message_deliver(*, message_id: int) -> str:
    """Claim, send, record; returns the status afterwards. Raises DeliveryDeferred for a retry.

    Not one transaction on purpose (as completion_notice_send): the claim must be visible to other workers
    before the slow send, and the outcome must be recorded whatever happens next."""
    now = timezone.now()
    claimable = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT)
    rows = CustomerMessage.objects.filter(pk=message_id)
    if not rows.filter(claimable, status=MessageStatus.QUEUED).update(claimed_at=now, attempts=F("attempts") + 1):
        return rows.values_list("status", flat=True).first() or ""  # sent, failed, or being sent right now
    message = rows.get()
    try:
        provider_id = _transmit(message)
    except Exception as exc:  # noqa: BLE001 — any failure is recorded on the row, never lost
        error = (str(exc) or type(exc).__name__)[:2000]
        retryable = exc.retryable if isinstance(exc, SmsError) else True
        if not retryable or message.attempts >= settings.CUSTOMER_MESSAGE_MAX_ATTEMPTS:
            rows.update(status=MessageStatus.FAILED, claimed_at=None, next_attempt_at=None, error=error)
            logger.warning("message %s to %s failed after %s attempt(s): %s", message_id,
                           phone_mask(message.recipient), message.attempts, error)
            return MessageStatus.FAILED
        delay = retry_delay(message.attempts)
        rows.update(claimed_at=None, next_attempt_at=now + timedelta(seconds=delay), error=error)
        raise DeliveryDeferred(delay, error) from exc
    rows.update(status=MessageStatus.SENT, sent_at=timezone.now(), provider_id=(provider_id or "")[:100],
                claimed_at=None, next_attempt_at=None, error="")
    return MessageStatus.SENT


def customer_messages_requeue(*, now: datetime, batch: int = 500) -> int:
    """Knock again for queued messages whose knock was lost (broker down) or whose retry is overdue."""
    from .tasks import customer_message_send_task

    due = (Q(next_attempt_at__isnull=True, created_at__lte=now - REQUEUE_AFTER)
           | Q(next_attempt_at__lte=now - REQUEUE_AFTER))
    stale = (CustomerMessage.objects.filter(due, status=MessageStatus.QUEUED)
             .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
             .order_by("created_at", "id").values_list("pk", flat=True)[:batch])
    return knock_each(customer_message_send_task, stale)
