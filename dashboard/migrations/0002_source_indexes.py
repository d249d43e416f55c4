"""Indexes the dashboard's rollup builder and "open now" queries need on the tables it reads (SLA clocks,
the timeline, callbacks). Partial, so they cover only the rows those queries look at; dropped on reverse.
Plain SQL that PostgreSQL and SQLite both accept."""
from django.db import migrations

INDEXES = {
    # rollup: clocks settled (met, or breached then done/cancelled) on a day
    "dash_clock_settled": "sla_slaclock (COALESCE(met_at, cancelled_at)) WHERE state IN ('met', 'breached')",
    # open breaches now, worst first; warned but not yet breached
    "dash_clock_open_breach": "sla_slaclock (due_at) WHERE breached_at IS NOT NULL AND met_at IS NULL "
                              "AND cancelled_at IS NULL",
    "dash_clock_warned": "sla_slaclock (due_at) WHERE warned_at IS NOT NULL AND breached_at IS NULL "
                         "AND met_at IS NULL AND cancelled_at IS NULL",
    # rollup: dispatches and failed callbacks of a day, from the timeline
    "dash_event_day": "tickets_ticketevent (at) WHERE action IN ('dispatch', 'callback_failed')",
    # rollup: callbacks completed on a day (satisfaction)
    "dash_callback_completed": "callbacks_callback (completed_at) WHERE completed_at IS NOT NULL",
}


def create(apps, schema_editor):
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop(apps, schema_editor):
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_initial"),
        ("sla", "0002_default_policy"),
        ("tickets", "0004_customer_phone_unique"),
        ("callbacks", "0002_default_policy"),
    ]

    operations = [migrations.RunPython(create, drop)]
