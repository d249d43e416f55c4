"""Who hears about an SLA event and what they read: in-app notices and e-mail outbox rows.

Recipients come from the clock's target (the policy version the ticket started on): role tokens
(choices.Recipient) resolved against the ticket, the role groups and the teams, plus users named on the
target. A partner's service account is never a recipient (it would be the "creator" of every ticket a
partner registers through the API): partners hear of breaches through their webhook.

A person has at most one notice per ticket and step (Notification's unique constraint): the breach after a
warning, or the next round's warning, updates that notice and makes it unread again — one upsert, INSERT …
ON CONFLICT DO UPDATE … WHERE the event is newer, so a late redelivery of an older event changes nothing."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.roles import Role
from core.sql import pk_in, rows_source
from tickets.models import Ticket
from webhooks.choices import WebhookEvent
from webhooks.services import webhook_event_emit

from . import conf
from .choices import Recipient, SlaEventKind, Step
from .models import EmailDelivery, Notification, SlaEvent, SlaTarget, Team

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


class Ev(NamedTuple):
    """What notifying needs of one event, read in one query as a row (not three model instances)."""
    pk: int
    kind: str
    at: datetime
    step: str
    round: int
    due_at: datetime | None
    target_id: int
    ticket_id: int
    number: str
    engineer_id: int | None
    created_by_id: int
    partner_id: int | None


EV_FIELDS = ("pk", "kind", "at", "clock__step", "clock__round", "clock__due_at", "clock__target_id",
             "clock__ticket_id", "clock__ticket__number", "clock__ticket__engineer_id",
             "clock__ticket__created_by_id", "clock__ticket__partner_id")


def event_text(event: Ev, texts=None, tz=None) -> str:
    """`tz`: the current time zone, looked up once by a caller that formats many events (each lookup goes
    through asgiref's context-local storage: a tenth of a 10,000-event run)."""
    messages, steps, _footer = texts or _texts()
    tz = tz or timezone.get_current_timezone()
    due = event.due_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if event.due_at else "—"
    return messages[event.kind] % {"number": event.number, "step": steps[event.step], "due": due}


def _tokens(target: SlaTarget, kind: str) -> list[str]:
    return list(getattr(target, STAGE_FIELDS[kind][0]) or [])


def _recipient_ids(events: list[Ev]) -> dict[int, list[int]]:
    """event id → user ids, resolved with a fixed number of queries for the whole batch."""
    targets = SlaTarget.objects.only("warning_to", "breach_to", "escalation_to").in_bulk(
        {e.target_id for e in events})
    named: dict[tuple[str, int], set[int]] = defaultdict(set)
    for kind in {e.kind for e in events}:
        users_field = STAGE_FIELDS[kind][1]
        through = getattr(SlaTarget, users_field).through
        for target_id, user_id in through.objects.filter(slatarget_id__in=targets).values_list(
                "slatarget_id", "user_id"):
            named[(kind, target_id)].add(user_id)
    # Per (kind, target), not per event: a sweep's 10,000 events name a handful of targets.
    tokens_of = {(kind, target_id): _tokens(targets[target_id], kind)
                 for kind, target_id in {(e.kind, e.target_id) for e in events}}
    tokens_wanted = {token for tokens in tokens_of.values() for token in tokens}
    if Recipient.ASSIGNEE in tokens_wanted:
        tokens_wanted.add(Recipient.RECEPTION)  # the desk stands in while no engineer is assigned
    by_role: dict[str, set[int]] = defaultdict(set)
    roles = [ROLE_TOKENS[t] for t in tokens_wanted if t in ROLE_TOKENS]
    if roles:
        for user_id, role in get_user_model().objects.filter(is_active=True, groups__name__in=roles).values_list(
                "pk", "groups__name"):
            by_role[role].add(user_id)
    leads: dict[int, set[int]] = defaultdict(set)  # engineer → the leads of the teams they are in
    if Recipient.LEAD in tokens_wanted:
        engineers = {e.engineer_id for e in events if e.engineer_id}
        for member_id, lead_id in Team.members.through.objects.filter(user_id__in=engineers).values_list(
                "user_id", "team__lead_id"):
            if lead_id != member_id:
                leads[member_id].add(lead_id)
    result: dict[int, set[int]] = {}
    for event in events:
        ids = set(named[(event.kind, event.target_id)])
        for token in tokens_of[(event.kind, event.target_id)]:
            if token == Recipient.ASSIGNEE:
                ids |= {event.engineer_id} if event.engineer_id else by_role[Role.RECEPTION]
            elif token == Recipient.LEAD and event.engineer_id:
                ids |= leads[event.engineer_id]
            elif token == Recipient.CREATOR:
                ids.add(event.created_by_id)
            elif token in ROLE_TOKENS:
                ids |= by_role[ROLE_TOKENS[token]]
        result[event.pk] = ids
    # Never a partner's service account, whichever token or list named it (one query for the batch).
    everyone = {uid for ids in result.values() for uid in ids}
    partners = set(get_user_model().objects.filter(pk__in=everyone).filter(
        Q(groups__name=Role.PARTNER) | Q(partner__isnull=False)).values_list("pk", flat=True))
    return {event_id: sorted(ids - partners) for event_id, ids in result.items()}


def _upsert_notices(rows: list[tuple[int, int, int, str, str, str]], now) -> list[tuple[int, int, int]]:
    """rows: (user, ticket, event, step, kind, text). One notice per (user, ticket, step): a newer event
    updates it and makes it unread again. Returns (notice id, user id, event id) of the notices written.
    One statement whatever the number of rows (core.sql: arrays on PostgreSQL)."""
    if not rows:
        return []
    meta, adapt = Notification._meta, connection.ops.adapt_datetimefield_value
    table = meta.db_table
    user, ticket, event = (meta.get_field(name).column for name in ("user", "ticket", "event"))
    source, params = rows_source([("u", "bigint"), ("t", "bigint"), ("e", "bigint"), ("step", "varchar"),
                                  ("kind", "varchar"), ("text", "varchar"), ("at", "timestamptz")],
                                 [(*row, adapt(now)) for row in rows])
    sql = (f"INSERT INTO {table} ({user}, {ticket}, {event}, step, kind, text, created_at) {source} "
           f"ON CONFLICT ({user}, {ticket}, step) WHERE {event} IS NOT NULL DO UPDATE SET "
           f"{event} = excluded.{event}, kind = excluded.kind, text = excluded.text, "
           f"created_at = excluded.created_at, read_at = NULL WHERE {table}.{event} < excluded.{event} "
           f"RETURNING id, {user}, {event}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def _digest(user_notices: list[tuple[str, str]], texts) -> tuple[str, str]:
    """(subject, body) of one e-mail listing a person's notices of one run: (text, link) each."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = ngettext("[SLA] %(count)d notice: %(first)s", "[SLA] %(count)d notices, first: %(first)s",
                           len(user_notices)) % {"count": len(user_notices), "first": user_notices[0][0]}
    lines = "\n\n".join(f"{text}\n{link}" for text, link in user_notices)
    return subject[:200], f"{lines}\n\n{texts[2]}\n"


def notifications_create_for_events(*, event_ids: Iterable[int] = (), events: list[Ev] | None = None) -> list[int]:
    """In-app notices and e-mail outbox rows for events just claimed (same transaction as the claim).
    `events`: their rows, when the claim has read them already (enforcement, on PostgreSQL); else read here.
    Returns the ids of the e-mail deliveries to send after commit."""
    if events is None:
        events = [Ev(*row) for row in SlaEvent.objects.filter(pk_in(list(event_ids))).values_list(*EV_FIELDS)]
    if not events:
        return []
    recipients = _recipient_ids(events)
    emails = dict(get_user_model().objects.filter(
        pk__in={uid for ids in recipients.values() for uid in ids}, is_active=True).values_list("pk", "email"))
    now = timezone.now()
    texts = _texts()
    # One reverse() for the batch: the number is the only part of the link that changes.
    link_of = (getattr(settings, "SITE_URL", "").rstrip("/") + reverse("tickets:detail", args=["NUMBER"])).replace
    by_id = {event.pk: event for event in events}
    tz = timezone.get_current_timezone()
    text_of = {event.pk: event_text(event, texts, tz) for event in events}
    # Per (user, ticket, step) only the newest event of this batch: one statement may not update a row twice.
    newest: dict[tuple[int, int, str], int] = {}
    for event in sorted(events, key=lambda e: e.pk):
        for uid in recipients[event.pk]:
            if uid in emails:
                newest[(uid, event.ticket_id, event.step)] = event.pk
    rows = [(uid, ticket_id, event_id, step, by_id[event_id].kind, text_of[event_id][:300])
            for (uid, ticket_id, step), event_id in sorted(newest.items())]
    written = _upsert_notices(rows, now)

    def line(event_id: int) -> tuple[str, str]:
        return text_of[event_id], link_of("NUMBER", by_id[event_id].number)

    mails: list[EmailDelivery] = []
    if getattr(settings, "SLA_EMAIL_DIGEST", conf.EMAIL_DIGEST):
        per_user: dict[int, list[int]] = defaultdict(list)
        for _nid, uid, event_id in written:
            per_user[uid].append(event_id)
        for uid, event_ids_of_user in sorted(per_user.items()):
            if emails[uid]:
                subject, body = _digest([line(e) for e in sorted(event_ids_of_user)], texts)
                mails.append(EmailDelivery(to=emails[uid], subject=subject, body=body, created_at=now))
    else:
        for nid, uid, event_id in written:
            if emails[uid]:
                text, link = line(event_id)
                mails.append(EmailDelivery(notification_id=nid, to=emails[uid], subject=f"[SLA] {text}"[:200],
                                           body=f"{text}\n\n{link}\n\n{texts[2]}\n", created_at=now))
    EmailDelivery.objects.bulk_create(mails)
    _partner_webhooks(events)
    return [m.pk for m in mails]


def _partner_webhooks(events: list[Ev]) -> None:
    """`sla.breached` for the partner whose ticket it is (webhooks app), in the same transaction; the key
    makes a second call for the same event a no-op."""
    breaches = [e for e in events if e.kind == SlaEventKind.BREACH and e.partner_id]
    if not breaches:
        return
    tickets = Ticket.objects.in_bulk({e.ticket_id for e in breaches})  # whole rows for the payload
    for event in breaches:
        webhook_event_emit(tickets[event.ticket_id], WebhookEvent.SLA_BREACHED, {
            # Beijing offset, as every other time the API emits.
            "step": event.step, "round": event.round, "due_at": timezone.localtime(event.due_at).isoformat(),
            "breached_at": timezone.localtime(event.at).isoformat()}, key=f"sla-breach:{event.pk}", at=event.at)


# --- the bell -------------------------------------------------------------------------------------

# What the bell shows is read by sla.selectors.notifications_unread_for.


@transaction.atomic
def notifications_mark_read(*, user, notification_id: int | None = None, step: str = "", kind: str = "") -> int:
    """Mark one notice, one group of the bell (step and kind), or without either every unread notice of
    `user` read; others' stay untouched."""
    qs = Notification.objects.filter(user=user, read_at=None)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    elif step and kind:
        qs = qs.filter(step=step, kind=kind, event__isnull=False)
    return qs.update(read_at=timezone.now())
