"""The sweep's one-statement path (PostgreSQL, sla/sweep_sql.py) against the Python reference
(enforcement._sweep_rows: lifecycle.sweep_events and OUTCOME_UPDATES): the same clocks and the same events for
every combination of a clock's instants and stamps, twice in a row, with some events already recorded."""
import itertools
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from sla.enforcement import _sweep_rows, _sweep_statement
from sla.models import SlaClock, SlaEvent
from tests.factories import UserFactory

from .conftest import bulk_due_clocks

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="the statement is PostgreSQL's")]
M = timedelta(minutes=1)


def grid(now):
    """Every clock the sweep can meet: due before / at / after now or none, warning at now, before or after the
    due instant or none, escalation before / at / after now or none, each stamp set or not."""
    stamp = now - 30 * M
    for due, warn, escalate, warned, breached, escalated in itertools.product(
            (None, now - 2 * M, now, now + 2 * M), ("none", "now", "before", "after"),
            (None, now - M, now, now + 5 * M), (None, stamp), (None, stamp), (None, stamp)):
        base = due or now
        warn_at = {"none": None, "now": now, "before": base - 6 * M, "after": base + M}[warn]
        yield {"due_at": due, "warn_at": warn_at, "escalate_at": escalate, "warned_at": warned,
               "breached_at": breached, "escalated_at": escalated,
               "state": "breached" if breached else "running", "next_check_at": now - 60 * M}


@pytest.fixture
def clocks():
    now = timezone.now().replace(microsecond=0)
    first = SlaClock.objects.get(pk=bulk_due_clocks(1, due=now, recipient=UserFactory(), creator=UserFactory())[0])
    rows = SlaClock.objects.bulk_create(
        SlaClock(ticket_id=first.ticket_id, policy_id=first.policy_id, target_id=first.target_id, step=first.step,
                 started_at=now - 60 * M, round=n + 2, **fields) for n, fields in enumerate(grid(now)))
    # Some events already recorded (a sweep that died after its insert, a clock written by hand): never doubled.
    SlaEvent.objects.bulk_create(SlaEvent(clock=clock, kind=kind, at=now - 60 * M, detected_at=now - 60 * M)
                                 for clock, kind in zip(rows[::7], itertools.cycle(("warning", "breach", "escalation"))))
    SlaClock.objects.filter(pk=first.pk).delete()
    return now, len(rows)


def outcome(sweep, now) -> tuple:
    """What two sweeps (at now, then ten minutes later) return and leave; rolled back afterwards."""
    saved = transaction.savepoint()
    results = []
    for moment in (now, now + 10 * M):
        claimed, due, created = sweep(now=moment, batch=5000)
        # Per clock, the kinds in the order of their ids: a breach's notice is overtaken by its escalation's.
        kinds_in_order: dict[int, list[str]] = {}
        for clock, kind in SlaEvent.objects.filter(pk__in=created).order_by("pk").values_list("clock", "kind"):
            kinds_in_order.setdefault(clock, []).append(kind)
        results.append((claimed, due, kinds_in_order))
    left = (list(SlaClock.objects.order_by("pk").values_list(
                "pk", "state", "warned_at", "breached_at", "escalated_at", "next_check_at")),
            sorted(SlaEvent.objects.values_list("clock", "kind", "at", "detected_at")))
    transaction.savepoint_rollback(saved)
    return results, left


def test_the_statement_and_the_python_rules_agree_on_every_clock(clocks):
    now, count = clocks
    reference = outcome(_sweep_rows, now)
    assert outcome(_sweep_statement, now) == reference
    # The grid really exercises every outcome: warnings, breaches, escalations, and clocks with nothing due.
    (claimed, due, created), _second = reference[0]
    kinds = {kind for clock_kinds in created.values() for kind in clock_kinds}
    assert claimed == count and 0 < sum(map(len, created.values())) < due and kinds == {"warning", "breach", "escalation"}
