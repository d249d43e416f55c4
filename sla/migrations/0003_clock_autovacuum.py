from django.db import migrations

TABLE = "sla_slaclock"


def tune(apps, schema_editor):
    # Every sweep moves next_check_at on, leaving dead entries in the partial index that an idle sweep
    # still visits until vacuum removes them (bench/SLA.md). Vacuum this table after ~1 % churn, not the
    # default 20 %, so idle sweeps stay a few index pages whatever the table size.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET (autovacuum_vacuum_scale_factor = 0.01, "
                              "autovacuum_vacuum_threshold = 1000, autovacuum_analyze_scale_factor = 0.02)")


def untune(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET (autovacuum_vacuum_scale_factor, "
                              "autovacuum_vacuum_threshold, autovacuum_analyze_scale_factor)")


class Migration(migrations.Migration):
    dependencies = [("sla", "0002_default_policy")]
    operations = [migrations.RunPython(tune, untune)]
