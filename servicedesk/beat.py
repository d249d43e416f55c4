"""Periodic tasks, reviewed like code. Each entry is a thin task that asks the database what is due."""
BEAT_SCHEDULE: dict[str, dict] = {}

# SLA: warnings, breaches and escalations are recorded ≤ one interval (+ one sweep) after they happen;
# a tick that finds its message expired is dropped (the next one finds the same rows). SLA_SWEEP_SECONDS
# shortens it for tests (sla/conf.py).
_SLA_SWEEP_SECONDS = float(__import__("os").environ.get("SLA_SWEEP_SECONDS") or 10.0)
BEAT_SCHEDULE["sla-sweep"] = {"task": "sla.tasks.sla_sweep_task", "schedule": _SLA_SWEEP_SECONDS,
                              "options": {"expires": max(_SLA_SWEEP_SECONDS * 3, 5.0)}}

# Idempotency-Key records are kept ≥ 24 h; hourly is enough to keep the table small.
BEAT_SCHEDULE["idempotency-purge"] = {"task": "partners.tasks.idempotency_records_purge_task", "schedule": 3600.0}

# Webhook retries come due here; a send lost to a broker outage is knocked again (webhooks/services.py).
BEAT_SCHEDULE["webhooks-sweep"] = {"task": "webhooks.tasks.webhook_sweep_task", "schedule": 15.0}

# Callbacks 回访: unreachable customers' retries come due (seen within a minute); periodic callbacks
# for high-value products are a daily-granularity matter, so hourly is plenty.
BEAT_SCHEDULE["callback-retries"] = {"task": "callbacks.tasks.callback_retries_task", "schedule": 60.0}
BEAT_SCHEDULE["callback-periodic"] = {"task": "callbacks.tasks.callback_periodic_task", "schedule": 3600.0}
# Completion notices lost to a broker outage are knocked again (progress/services.py).
BEAT_SCHEDULE["completion-notices-requeue"] = {"task": "progress.tasks.completion_notices_requeue_task",
                                               "schedule": 300.0}

# Export jobs whose knock was lost to a broker outage, or whose worker died, are knocked again
# (dashboard/services.py): a job never stays "queued" for ever.
BEAT_SCHEDULE["dashboard-exports-requeue"] = {"task": "dashboard.tasks.export_jobs_requeue_task", "schedule": 60.0,
                                              "options": {"expires": 55.0}}

# Dashboard rollups: today's figures are rebuilt every minute (freshness ≤ ~1 min); a past day is rebuilt
# once more after it ended, then final (dashboard/README.md).
BEAT_SCHEDULE["dashboard-rollup"] = {"task": "dashboard.tasks.dashboard_rollup_task", "schedule": 60.0,
                                     "options": {"expires": 55.0}}
