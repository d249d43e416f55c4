"""SlaEvent.clock keeps its column and Django's cascade, not its database constraint (see the model): the sweep writes
events only for clocks its transaction holds FOR UPDATE, and the deferred check of 10,000 events at commit was ~0.07 s
of a 10,000-clock sweep (bench/SLA.md). Drops the constraint only: no index, no table rewrite."""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("sla", "0008_sweep_lean_clock"),
    ]

    operations = [
        migrations.AlterField(
            model_name="slaevent",
            name="clock",
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="events", to="sla.slaclock", verbose_name="clock"),
        ),
    ]
