"""Who hears about an SLA event and what they read: in-app notifications and e-mail outbox rows.

Recipients come from the clock's target (the policy version the ticket started on): role tokens
(choices.Recipient) resolved against the ticket and the role groups, plus users named on the target."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.roles import Role
from tickets.models import Ticket
from webhooks.choices import WebhookEvent
from webhooks.services import webhook_event_emit

from .choices import Recipient, SlaEventKind, Step
from .models import EmailDelivery, Notification, SlaEvent, SlaTarget

STAGE_FIELDS = {  # event kind → (role tokens field, users M2M field)
    SlaEventKind.WARNING: ("warning_to", "warning_users"),
    SlaEventKind.BREACH: ("breach_to", "breach_users"),
    SlaEventKind.ESCALATION: ("escalation_to", "escalation_users"),
}
ROLE_TOKENS = {Recipient.RECEPTION: Role.RECEPTION, Recipient.MANAGER: Role.MANAGER}


def _texts() -> tuple[dict[str, str], dict[str, str], str]:
    """(message per event kind, step labels, e-mail footer) in the site language (msgids stay English)."""
    with translation.override(settings.LANGUAGE_CODE):
        return ({SlaEventKind.WARNING: _("%(number)s: %(step)s is due at %(due)s."),
                 SlaEventKind.BREACH: _("%(number)s: %(step)s is overdue (due at %(due)s)."),
                 SlaEventKind.ESCALATION: _("Escalation — %(number)s: %(step)s is still not done (due at %(due)s).")},
                {step.value: str(step.label) for step in Step},
                _("This message was sent by the after-sales service desk."))


def event_text(event: SlaEvent, texts=None) -> str:
    messages, steps, _footer = texts or _texts()
    clock = event.clock
    due = timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M") if clock.due_at else "—"
    return messages[event.kind] % {"number": clock.ticket.number, "step": steps[clock.step], "due": due}


def _recipient_ids(events: list[SlaEvent]) -> dict[int, list[int]]:
    """event id → user ids, resolved with a fixed number of queries for the whole batch."""
    targets = {e.clock.target_id: e.clock.target for e in events}
    named: dict[tuple[str, int], set[int]] = defaultdict(set)
    for kind in {e.kind for e in events}:
        users_field = STAGE_FIELDS[kind][1]
        through = getattr(SlaTarget, users_field).through
        for target_id, user_id in through.objects.filter(slatarget_id__in=targets).values_list(
                "slatarget_id", "user_id"):
            named[(kind, target_id)].add(user_id)
    tokens_wanted = {token for e in events for token in getattr(targets[e.clock.target_id], STAGE_FIELDS[e.kind][0])}
    by_role: dict[str, set[int]] = defaultdict(set)
    roles = [ROLE_TOKENS[t] for t in tokens_wanted if t in ROLE_TOKENS]
    if roles:
        for user_id, role in get_user_model().objects.filter(is_active=True, groups__name__in=roles).values_list(
                "pk", "groups__name"):
            by_role[role].add(user_id)
    result: dict[int, list[int]] = {}
    for event in events:
        target, ticket = targets[event.clock.target_id], event.clock.ticket
        ids = set(named[(event.kind, target.pk)])
        for token in getattr(target, STAGE_FIELDS[event.kind][0]):
            if token == Recipient.ASSIGNEE and ticket.engineer_id:
                ids.add(ticket.engineer_id)
            elif token == Recipient.CREATOR:
                ids.add(ticket.created_by_id)
            elif token in ROLE_TOKENS:
                ids |= by_role[ROLE_TOKENS[token]]
        result[event.pk] = sorted(ids)
    return result


def notifications_create_for_events(*, event_ids: Iterable[int]) -> list[int]:
    """In-app notifications and e-mail outbox rows for events just claimed (same transaction as the
    claim). Returns the ids of the e-mail deliveries to send after commit."""
    events = list(SlaEvent.objects.filter(pk__in=list(event_ids)).select_related("clock__ticket", "clock__target")
                  .only("kind", "at", "clock__step", "clock__round", "clock__due_at", "clock__ticket__number",
                        "clock__ticket__engineer", "clock__ticket__created_by", "clock__ticket__partner", "clock__target__warning_to", "clock__target__breach_to",
                        "clock__target__escalation_to"))
    if not events:
        return []
    recipients = _recipient_ids(events)
    users = {u.pk: u for u in get_user_model().objects.filter(
        pk__in={uid for ids in recipients.values() for uid in ids}, is_active=True).only("pk", "email")}
    now = timezone.now()
    rows: list[Notification] = []
    bodies: dict[int, str] = {}
    texts = _texts()
    # One reverse() for the batch: the number is the only part of the link that changes.
    link_of = (getattr(settings, "SITE_URL", "").rstrip("/") + reverse("tickets:detail", args=["NUMBER"])).replace
    for event in events:
        text = event_text(event, texts)
        link = link_of("NUMBER", event.clock.ticket.number)
        bodies[event.pk] = f"{text}\n\n{link}\n\n{texts[2]}\n"
        rows.extend(Notification(user_id=uid, ticket_id=event.clock.ticket_id, event=event, text=text[:300],
                                 created_at=now) for uid in recipients[event.pk] if uid in users)
    # The claim makes this run once per event; the unique (event, user) constraint backs it up.
    Notification.objects.bulk_create(rows)
    mails = [EmailDelivery(notification=n, to=users[n.user_id].email, subject=f"[SLA] {n.text}"[:200],
                           body=bodies[n.event_id], created_at=now)
             for n in rows if users[n.user_id].email]
    EmailDelivery.objects.bulk_create(mails)
    _partner_webhooks(events)
    return [m.pk for m in mails]


def _partner_webhooks(events: list[SlaEvent]) -> None:
    """`sla.breached` for the partner whose ticket it is (webhooks app), in the same transaction; the key
    makes a second call for the same event a no-op."""
    breaches = [e for e in events if e.kind == SlaEventKind.BREACH and e.clock.ticket.partner_id]
    if not breaches:
        return
    tickets = Ticket.objects.in_bulk({e.clock.ticket_id for e in breaches})  # whole rows for the payload
    for event in breaches:
        clock = event.clock
        webhook_event_emit(tickets[clock.ticket_id], WebhookEvent.SLA_BREACHED, {
            # Beijing offset, as every other time the API emits.
            "step": clock.step, "round": clock.round, "due_at": timezone.localtime(clock.due_at).isoformat(),
            "breached_at": timezone.localtime(event.at).isoformat()}, key=f"sla-breach:{event.pk}", at=event.at)


# --- the bell -------------------------------------------------------------------------------------

# What the bell shows is read by sla.selectors.notifications_unread_for.


@transaction.atomic
def notifications_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, every) unread notification of `user` read; others' stay untouched."""
    qs = Notification.objects.filter(user=user, read_at=None)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())
