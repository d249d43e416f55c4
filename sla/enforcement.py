"""Enforcement (STYLE §5, "the database decides, tasks only knock").

- `sla_sweep` claims due clocks through the partial index on next_check_at with
  SELECT … FOR UPDATE SKIP LOCKED (several sweepers share the work), writes the SlaEvent rows first —
  INSERT … ON CONFLICT (clock, kind) DO NOTHING RETURNING id, a batched get_or_create backed by the
  unique constraint — moves next_check_at on (warning → due → escalation → NULL) and enqueues the
  notification of the events it created only after commit. On PostgreSQL a batch is one statement
  (sweep_sql.py) that says in SQL what _sweep_rows does with lifecycle.sweep_events and OUTCOME_UPDATES.
- `sla_events_notify` claims events with a conditional UPDATE … WHERE notified_at IS NULL RETURNING id:
  a redelivered message finds nothing to claim. Notifications and e-mail outbox rows are written in
  the claiming transaction.
- `email_delivery_send` claims one outbox row for a while, sends, stamps sent_at.
- `sla_requeue_stale` enqueues again what is still un-notified / unsent after RENOTIFY_AFTER_SECONDS:
  messages lost with a broker outage or a killed worker are healed by the next sweep.
"""
from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from functools import partial

from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.sql import array_literal, in_ids, is_postgres, pk_in, rows_source

from . import conf
from .choices import ClockState, SlaEventKind
from .lifecycle import sweep_events
from .models import EmailDelivery, SlaClock, SlaEvent
from .notifications import Ev, notifications_create_for_events
from .sweep_sql import NOTIFY_CLAIM_SQL, SWEEP_SQL

log = logging.getLogger(__name__)
SWEEP_FIELDS = ("state", "due_at", "warn_at", "escalate_at", "warned_at", "breached_at", "escalated_at",
                "next_check_at")
# Events notified in one transaction: a whole sweep's (one e-mail per person per sweep), bounded.
NOTIFY_CHUNK = 20_000
# What a sweep writes for each outcome of lifecycle.sweep_events, as one UPDATE per outcome: stamps
# copy the clock's own instants (a breach happens at due_at), and next_check_at moves on as
# lifecycle.next_check says (tests/sla/test_rules.py pins the two together).
OUTCOME_UPDATES: dict[tuple[str, ...], dict] = {
    (SlaEventKind.WARNING,): {"warned_at": F("warn_at"), "next_check_at": F("due_at")},
    (SlaEventKind.BREACH,): {"state": ClockState.BREACHED, "breached_at": F("due_at"),
                             "next_check_at": F("escalate_at")},
    (SlaEventKind.BREACH, SlaEventKind.ESCALATION): {
        "state": ClockState.BREACHED, "breached_at": F("due_at"), "escalated_at": F("escalate_at"),
        "next_check_at": None},
    (SlaEventKind.ESCALATION,): {"escalated_at": F("escalate_at"), "next_check_at": None},
}


def _knock_after_commit(task, *args) -> None:
    """task.delay_on_commit, but a broker that is down is logged, not raised: the rows are committed,
    and sla_requeue_stale knocks again once the broker is back."""
    transaction.on_commit(partial(task.delay, *args), robust=True)


def _insert_events(rows: list[tuple[int, str, datetime]], now: datetime) -> list[int]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING id (PostgreSQL, SQLite ≥ 3.35): the ids of the
    events this call created; a (clock, kind) already recorded is skipped, never doubled."""
    if not rows:
        return []
    meta, adapt = SlaEvent._meta, connection.ops.adapt_datetimefield_value
    columns = ", ".join(meta.get_field(name).column for name in ("clock", "kind", "at", "detected_at"))
    source, params = rows_source([("clock_id", "bigint"), ("kind", "varchar"), ("at", "timestamptz"),
                                  ("detected_at", "timestamptz")],
                                 [(clock_id, kind, adapt(at), adapt(now)) for clock_id, kind, at in rows])
    sql = (f"INSERT INTO {meta.db_table} ({columns}) {source} "
           f"ON CONFLICT ({meta.get_field('clock').column}, kind) DO NOTHING RETURNING id")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _sweep_batch(*, now: datetime, batch: int) -> tuple[int, int, list[int]]:
    """One claimed batch in one transaction: (clocks handled, events due, ids of the events created)."""
    with transaction.atomic():
        if is_postgres():
            result = _sweep_statement(now=now, batch=batch)
        else:
            result = _sweep_rows(now=now, batch=batch)
        if result[0] and conf.SWEEP_TEST_PAUSE_SECONDS:  # before commit: a worker killed here leaves no trace
            time.sleep(conf.SWEEP_TEST_PAUSE_SECONDS)
    return result


def _sweep_rows(*, now: datetime, batch: int) -> tuple[int, int, list[int]]:
    """The reference (and SQLite's) path: claim, decide in Python (lifecycle.sweep_events), write."""
    # Tuples, not model instances: a sweep of 10,000 due clocks built 10,000 objects for six dates each.
    clocks = list(SlaClock.objects.select_for_update(skip_locked=True).filter(next_check_at__lte=now)
                  .order_by("next_check_at").values_list("pk", *SWEEP_FIELDS[1:7])[:batch])
    rows: list[tuple[int, str, datetime]] = []
    outcomes: dict[tuple[str, ...], list[int]] = {}
    for pk, *dates in clocks:
        events = sweep_events(now=now, **dict(zip(SWEEP_FIELDS[1:7], dates)))
        rows.extend((pk, kind, at) for kind, at in events)
        kinds = tuple(kind for kind, _at in events)
        if kinds:
            outcomes.setdefault(kinds, []).append(pk)
    created = _insert_events(rows, now)  # the event first …
    for kinds, ids in outcomes.items():  # … then the clocks, one UPDATE per outcome (≤ 4 a batch)
        _clocks_update(ids, OUTCOME_UPDATES[kinds])
    return len(clocks), len(rows), created


def _sweep_statement(*, now: datetime, batch: int) -> tuple[int, int, list[int]]:
    """PostgreSQL: the same batch as one statement (sweep_sql.SWEEP_SQL): claim, decide, move the clocks on and
    record the events inside the server, with no rows sent to Python and back (issue 16 §5, bench/SLA.md)."""
    with connection.cursor() as cursor:
        cursor.execute(SWEEP_SQL, {"now": now, "batch": batch})
        claimed, due, created = cursor.fetchone()
    return claimed, due, list(created)


def _clocks_update(ids: list[int], changes: dict) -> None:
    # One array parameter on PostgreSQL (core.sql), not one placeholder per clock.
    SlaClock.objects.filter(pk_in(ids)).update(**changes)


def sla_sweep(*, now: datetime, batch: int = 500) -> int:
    """One claimed batch: the number of due clocks handled; the notifier is knocked after commit."""
    from .tasks import sla_events_notify_task  # lazy: tasks.py imports this module

    handled, _recorded, created = _sweep_batch(now=now, batch=batch)
    if created:
        _knock_after_commit(sla_events_notify_task, created)
    return handled


def sla_sweep_run(*, batch: int | None = None, budget_seconds: float | None = None) -> int:
    """Batches until nothing due is left (or the time budget is spent): what one beat tick runs.

    The notifier is knocked once for the whole run, so a person gets one e-mail per sweep listing what came
    due (conf.EMAIL_DIGEST), not one per batch. Each batch is committed on its own: a worker killed mid-run
    leaves events nobody knocked for, which sla_requeue_stale knocks again, as after a broker outage."""
    from .tasks import sla_events_notify_task

    batch = batch or conf.SWEEP_BATCH
    budget = conf.SWEEP_BUDGET_SECONDS if budget_seconds is None else budget_seconds
    started, handled, created = time.monotonic(), 0, []
    try:
        while True:
            claimed, recorded, new = _sweep_batch(now=timezone.now(), batch=batch)
            handled += claimed
            created += new
            # A full batch with nothing recorded is due exactly now: the next tick finishes it.
            if claimed < batch or not recorded or time.monotonic() - started > budget:
                return handled
    finally:
        if created:
            _knock_after_commit(sla_events_notify_task, created)


def _claim_events(event_ids: list[int], now: datetime) -> list[int]:
    """UPDATE … SET notified_at WHERE notified_at IS NULL RETURNING id: only this caller gets these."""
    if not event_ids:
        return []
    where, params = in_ids("id", event_ids)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {SlaEvent._meta.db_table} SET notified_at = %s WHERE {where} AND notified_at IS NULL "
                       "RETURNING id", [connection.ops.adapt_datetimefield_value(now), *params])
        return [row[0] for row in cursor.fetchall()]


def _claim_events_read(event_ids: list[int], now: datetime) -> list[Ev]:
    """PostgreSQL: _claim_events and the notifier's read of the claimed events as one statement (sweep_sql)."""
    if not event_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(NOTIFY_CLAIM_SQL, {"now": now, "ids": array_literal(event_ids)})
        return [Ev(*row) for row in cursor.fetchall()]


def sla_events_notify(*, event_ids: list[int], now: datetime | None = None) -> int:
    from .tasks import email_delivery_send_task

    now = now or timezone.now()
    handled = 0
    for start in range(0, len(event_ids), NOTIFY_CHUNK):
        chunk = list(event_ids[start:start + NOTIFY_CHUNK])
        with transaction.atomic():
            if is_postgres():
                events = _claim_events_read(chunk, now)
                deliveries = notifications_create_for_events(events=events) if events else []
                claimed = len(events)
            else:
                claimed_ids = _claim_events(chunk, now)
                deliveries = notifications_create_for_events(event_ids=claimed_ids) if claimed_ids else []
                claimed = len(claimed_ids)
            for delivery_id in deliveries:
                _knock_after_commit(email_delivery_send_task, delivery_id)
            handled += claimed
    return handled


def email_delivery_send(*, delivery_id: int, now: datetime | None = None) -> bool:
    """Claim the outbox row for EMAIL_CLAIM_SECONDS, send, stamp. A crash between sending and stamping
    sends again after the claim expires: e-mail is at-least-once, the stamp makes repeats rare."""
    now = now or timezone.now()
    claimed = EmailDelivery.objects.filter(pk=delivery_id, sent_at=None).filter(
        Q(claimed_until=None) | Q(claimed_until__lt=now)).update(
        claimed_until=now + timedelta(seconds=conf.EMAIL_CLAIM_SECONDS), attempts=F("attempts") + 1)
    if not claimed:
        return False
    delivery = EmailDelivery.objects.get(pk=delivery_id)
    try:
        EmailMessage(subject=delivery.subject, body=delivery.body, to=[delivery.to]).send()
    except Exception as exc:
        EmailDelivery.objects.filter(pk=delivery_id).update(claimed_until=None, last_error=str(exc)[:300])
        raise
    EmailDelivery.objects.filter(pk=delivery_id).update(sent_at=timezone.now(), last_error="")
    return True


def sla_requeue_stale(*, now: datetime, force: bool = False) -> tuple[int, int]:
    """Knock again for events and e-mails left behind (lost message, broker down, worker killed)."""
    from .tasks import email_delivery_send_task, sla_events_notify_task

    lock_seconds = max(1, int(min(60.0, conf.RENOTIFY_AFTER_SECONDS)))
    if not cache.add("sla:requeue", 1, timeout=lock_seconds) and not force:  # once per interval across all workers
        return 0, 0
    cutoff = now - timedelta(seconds=conf.RENOTIFY_AFTER_SECONDS)
    events = list(SlaEvent.objects.filter(notified_at=None, detected_at__lte=cutoff)
                  .order_by("detected_at").values_list("pk", flat=True)[:5000])
    for start in range(0, len(events), NOTIFY_CHUNK):
        sla_events_notify_task.delay(events[start:start + NOTIFY_CHUNK])
    mails = list(EmailDelivery.objects.filter(sent_at=None, created_at__lte=cutoff,
                                              attempts__lt=conf.EMAIL_MAX_ATTEMPTS)
                 .filter(Q(claimed_until=None) | Q(claimed_until__lt=now))
                 .order_by("created_at").values_list("pk", flat=True)[:1000])
    for delivery_id in mails:
        email_delivery_send_task.delay(delivery_id)
    if events or mails:
        log.info("SLA: enqueued again %d events and %d e-mails", len(events), len(mails))
    return len(events), len(mails)
