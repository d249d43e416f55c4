"""Open breaches / warnings under a filter (kind, engineer …) are found from the few open tickets: these
partial indexes on ticket_id make each probe touch only the open clocks (bench/dashboard.py: 450 → ~10 ms)."""
from django.db import migrations

INDEXES = {
    "dash_clock_open_breach_t": "sla_slaclock (ticket_id) WHERE breached_at IS NOT NULL AND met_at IS NULL "
                                "AND cancelled_at IS NULL",
    "dash_clock_warned_t": "sla_slaclock (ticket_id) WHERE warned_at IS NOT NULL AND breached_at IS NULL "
                           "AND met_at IS NULL AND cancelled_at IS NULL",
}


def create(apps, schema_editor):
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop(apps, schema_editor):
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0002_source_indexes")]
    operations = [migrations.RunPython(create, drop)]
