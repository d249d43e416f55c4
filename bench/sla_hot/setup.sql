-- bench/sla_hot (a prototype, bench/SLA.md "HOT"): a copy of sla_slaclock laid out for a HOT breach - no index names a
-- column the sweep writes; what is due lives in hot_watch. Run on a database bench/sla_sweep.py has filled (~40 s).
DROP TABLE IF EXISTS hot_watch, hot_event, hot_clock;
CREATE TABLE hot_clock (LIKE sla_slaclock INCLUDING DEFAULTS) WITH (fillfactor = 90, autovacuum_vacuum_scale_factor = 0.01);
INSERT INTO hot_clock SELECT * FROM sla_slaclock;
ALTER TABLE hot_clock ADD PRIMARY KEY (id);
CREATE UNIQUE INDEX hot_clock_round_once ON hot_clock (ticket_id, step, round);
CREATE INDEX hot_clock_target ON hot_clock (target_id);
-- the dashboard's partial indexes, keyed and filtered on columns the sweep does not write
CREATE INDEX hot_dash_settled ON hot_clock (COALESCE(met_at, cancelled_at)) WHERE met_at IS NOT NULL OR cancelled_at IS NOT NULL;
CREATE INDEX hot_dash_open ON hot_clock (due_at) WHERE started_at IS NOT NULL AND met_at IS NULL AND cancelled_at IS NULL;
CREATE INDEX hot_dash_open_t ON hot_clock (ticket_id) WHERE started_at IS NOT NULL AND met_at IS NULL AND cancelled_at IS NULL;
-- the watch table: what the sweep claims from
CREATE TABLE hot_watch (clock_id bigint PRIMARY KEY REFERENCES hot_clock (id) DEFERRABLE INITIALLY DEFERRED, next_check_at timestamptz NOT NULL);
INSERT INTO hot_watch SELECT id, next_check_at FROM hot_clock WHERE next_check_at IS NOT NULL;
CREATE INDEX hot_watch_next ON hot_watch (next_check_at);
CREATE TABLE hot_event (LIKE sla_slaevent INCLUDING ALL);
ALTER TABLE hot_event ADD FOREIGN KEY (clock_id) REFERENCES hot_clock (id) DEFERRABLE INITIALLY DEFERRED;
ANALYZE hot_clock; ANALYZE hot_watch;
