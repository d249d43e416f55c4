"""A lighter write for each clock the sweep moves on (issue 16 §5, bench/SLA.md).

A breach or warning changes indexed columns (next_check_at, breached_at, state), so it is never a HOT update:
PostgreSQL writes a new entry into every index of sla_slaclock whose predicate the new row meets, and after a
checkpoint each of those index pages costs a full-page image in the WAL. So:
- sla_clock_step_started and sla_clock_breached go: no query uses them (the dashboard has its own partial
  indexes, dashboard/migrations 0002, 0003) and a breach wrote both;
- sla_event_kind_at goes too: no query reads events by kind and time, and the sweep's insert of 10,000
  events and the notifier's claim of them wrote it;
- the policy foreign key loses its index: SlaPolicy.in_use goes through the targets (policy and target are
  always set together);
- fillfactor 90 keeps room on each page, so the updated row stays on its page (one page written and
  WAL-logged instead of two). It applies to pages written from now on (a table rewrite, e.g. the bench's
  fill or pg_repack, spreads it over old pages); PostgreSQL only.
- Notification.ticket keeps its column and index, not its database constraint (see the model): the
  notifier's commit re-checked it with a key-share lock on every ticket row it told someone about.
"""
import django.db.models.deletion
from django.db import migrations, models

TABLE = "sla_slaclock"


def fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET (fillfactor = 90)")


def fillfactor_reset(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET (fillfactor)")


class Migration(migrations.Migration):

    dependencies = [
        ("sla", "0007_drop_redundant_fk_indexes"),
        ("tickets", "0012_ticket_search_text_number"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="slaclock", name="sla_clock_step_started"),
        migrations.RemoveIndex(model_name="slaclock", name="sla_clock_breached"),
        migrations.RemoveIndex(model_name="slaevent", name="sla_event_kind_at"),
        migrations.AlterField(
            model_name="notification",
            name="ticket",
            field=models.ForeignKey(blank=True, db_constraint=False, null=True,
                                    on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                    to="tickets.ticket", verbose_name="ticket"),
        ),
        migrations.AlterField(
            model_name="slaclock",
            name="policy",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="clocks", to="sla.slapolicy", verbose_name="policy"),
        ),
        migrations.RunPython(fillfactor, fillfactor_reset),
    ]
