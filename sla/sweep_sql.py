"""One sweep batch as one PostgreSQL statement (sla.enforcement._sweep_statement); the notifier's claim and read
as one more (NOTIFY_CLAIM_SQL, at the end).

The Python path (enforcement._sweep_rows: claim, lifecycle.sweep_events per clock, INSERT events, one UPDATE per
outcome of OUTCOME_UPDATES) is the reference; this statement says the same thing in SQL so that a batch costs one
round trip and no rows travel to Python and back (issue 16 §5, bench/SLA.md). tests/sla/test_sweep_sql.py runs
both on every combination of a clock's instants and stamps and asserts the same clocks and events.

- `claimed`: SELECT … FOR UPDATE SKIP LOCKED through the partial index on next_check_at, as before;
- `judged`: lifecycle.sweep_events as three booleans (each NULL-safe: a NULL instant means "no such event"):
  breach  — not breached yet and now > due_at (the due instant itself is still met: clockmath.is_past_due);
  warning — otherwise, not breached, not warned, warn_at < due_at and now ≥ warn_at;
  escalation — breached (before or now), not escalated, now ≥ escalate_at;
- `moved`: OUTCOME_UPDATES as CASEs: stamps copy the clock's own instants; next_check_at as lifecycle.next_check
  says (escalation → none, breach → escalate_at, warning → due_at); a clock with nothing due is not written;
- `created`: the events, INSERT … ON CONFLICT (clock, kind) DO NOTHING RETURNING id, breaches before escalations
  (ids grow with the kind's order, so a person's notice ends on the later event, sla.notifications).
Returns (clocks claimed, events due, ids of the events created). The CTEs run on one snapshot; the claim's row
locks keep other sweepers off these clocks until commit.
"""
from tickets.models import Ticket

from .choices import ClockState, SlaEventKind
from .models import SlaClock, SlaEvent

CLOCKS, EVENTS, TICKETS = SlaClock._meta.db_table, SlaEvent._meta.db_table, Ticket._meta.db_table
WARNING, BREACH, ESCALATION = (f"'{kind}'" for kind in (SlaEventKind.WARNING, SlaEventKind.BREACH,
                                                           SlaEventKind.ESCALATION))

CLAIM_SQL = f"""SELECT id, due_at, warn_at, escalate_at, warned_at, breached_at, escalated_at
    FROM {CLOCKS} WHERE next_check_at <= %(now)s
    ORDER BY next_check_at LIMIT %(batch)s FOR UPDATE SKIP LOCKED"""

SWEEP_SQL = f"""
WITH claimed AS (
    {CLAIM_SQL}
), judged AS (
    SELECT id, due_at, warn_at, escalate_at, breach,
           NOT breach AND due_at IS NOT NULL AND breached_at IS NULL AND warned_at IS NULL
               AND warn_at IS NOT NULL AND warn_at < due_at AND %(now)s >= warn_at AS warning,
           (breach OR breached_at IS NOT NULL) AND due_at IS NOT NULL AND escalated_at IS NULL
               AND escalate_at IS NOT NULL AND %(now)s >= escalate_at AS escalation
    FROM (SELECT *, due_at IS NOT NULL AND breached_at IS NULL AND %(now)s > due_at AS breach FROM claimed) AS c
), moved AS (
    UPDATE {CLOCKS} AS clock SET
        state = CASE WHEN j.breach THEN '{ClockState.BREACHED}' ELSE clock.state END,
        warned_at = CASE WHEN j.warning THEN clock.warn_at ELSE clock.warned_at END,
        breached_at = CASE WHEN j.breach THEN clock.due_at ELSE clock.breached_at END,
        escalated_at = CASE WHEN j.escalation THEN clock.escalate_at ELSE clock.escalated_at END,
        next_check_at = CASE WHEN j.escalation THEN NULL WHEN j.breach THEN clock.escalate_at ELSE clock.due_at END
    FROM judged AS j
    WHERE clock.id = j.id AND (j.warning OR j.breach OR j.escalation)
), due AS (
    SELECT id, {WARNING} AS kind, warn_at AS at, 0 AS rank FROM judged WHERE warning
    UNION ALL SELECT id, {BREACH}, due_at, 1 FROM judged WHERE breach
    UNION ALL SELECT id, {ESCALATION}, escalate_at, 2 FROM judged WHERE escalation
), created AS (
    INSERT INTO {EVENTS} (clock_id, kind, at, detected_at)
    SELECT id, kind, at, %(now)s FROM due ORDER BY rank, id
    ON CONFLICT (clock_id, kind) DO NOTHING RETURNING id
)
SELECT (SELECT count(*) FROM claimed), (SELECT count(*) FROM due), ARRAY(SELECT id FROM created ORDER BY id)
"""

# The notifier (enforcement.sla_events_notify): claim the events (only one caller gets each: notified_at IS NULL)
# and read what notifying needs of them (notifications.Ev, in its field order) in the same statement: the claim's
# RETURNING feeds the join, so the events are not looked up a second time, and it is one round trip, not two.
NOTIFY_CLAIM_SQL = f"""
WITH claimed AS (
    UPDATE {EVENTS} SET notified_at = %(now)s
    WHERE id = ANY(%(ids)s::bigint[]) AND notified_at IS NULL
    RETURNING id, kind, at, clock_id
)
SELECT e.id, e.kind, e.at, c.step, c.round, c.due_at, c.target_id, c.ticket_id, t.number, t.engineer_id,
       t.created_by_id, t.partner_id
FROM claimed AS e JOIN {CLOCKS} AS c ON c.id = e.clock_id JOIN {TICKETS} AS t ON t.id = c.ticket_id
"""
