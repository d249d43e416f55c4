-- bench/sla_hot/sweep.sql: sla/sweep_sql.py SWEEP_SQL for the layout of setup.sql - claim from hot_watch, stamp the clock
-- (a HOT update: only unindexed columns change), move the watch row on or delete it, record the events.
WITH claimed AS (
    SELECT w.clock_id AS id FROM hot_watch AS w WHERE w.next_check_at <= %(now)s
    ORDER BY w.next_check_at LIMIT %(batch)s FOR UPDATE SKIP LOCKED
), judged AS (
    SELECT id, due_at, warn_at, escalate_at, breach,
           NOT breach AND due_at IS NOT NULL AND breached_at IS NULL AND warned_at IS NULL
               AND warn_at IS NOT NULL AND warn_at < due_at AND %(now)s >= warn_at AS warning,
           (breach OR breached_at IS NOT NULL) AND due_at IS NOT NULL AND escalated_at IS NULL
               AND escalate_at IS NOT NULL AND %(now)s >= escalate_at AS escalation
    FROM (SELECT c.*, c.due_at IS NOT NULL AND c.breached_at IS NULL AND %(now)s > c.due_at AS breach
          FROM claimed JOIN hot_clock AS c USING (id)) AS c
), moved AS (
    UPDATE hot_clock AS clock SET
        state = CASE WHEN j.breach THEN 'breached' ELSE clock.state END,
        warned_at = CASE WHEN j.warning THEN clock.warn_at ELSE clock.warned_at END,
        breached_at = CASE WHEN j.breach THEN clock.due_at ELSE clock.breached_at END,
        escalated_at = CASE WHEN j.escalation THEN clock.escalate_at ELSE clock.escalated_at END
    FROM judged AS j
    WHERE clock.id = j.id AND (j.warning OR j.breach OR j.escalation)
), rewatched AS (
    UPDATE hot_watch AS w SET next_check_at = CASE WHEN j.breach THEN j.escalate_at ELSE j.due_at END
    FROM judged AS j WHERE w.clock_id = j.id AND NOT j.escalation AND (j.warning OR (j.breach AND j.escalate_at IS NOT NULL))
), unwatched AS (
    DELETE FROM hot_watch AS w USING judged AS j
    WHERE w.clock_id = j.id AND (j.escalation OR (j.breach AND j.escalate_at IS NULL))
), due AS (
    SELECT id, 'warning' AS kind, warn_at AS at, 0 AS rank FROM judged WHERE warning
    UNION ALL SELECT id, 'breach', due_at, 1 FROM judged WHERE breach
    UNION ALL SELECT id, 'escalation', escalate_at, 2 FROM judged WHERE escalation
), created AS (
    INSERT INTO hot_event (clock_id, kind, at, detected_at)
    SELECT id, kind, at, %(now)s FROM due ORDER BY rank, id
    ON CONFLICT (clock_id, kind) DO NOTHING RETURNING id
)
SELECT (SELECT count(*) FROM claimed), (SELECT count(*) FROM due), ARRAY(SELECT id FROM created ORDER BY id)
