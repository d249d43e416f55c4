"""Notification.event keeps its column and Django's cascade, not its database constraint (see the model): the notifier
writes notices only for events its transaction has just claimed, and the commit-time check of 10,000 of them was
0.17-0.25 s of the run (bench/SLA.md). Drops the constraint only: no index, no table rewrite."""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("sla", "0009_event_clock_no_db_constraint"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="event",
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True,
                                    on_delete=django.db.models.deletion.CASCADE, related_name="notifications",
                                    to="sla.slaevent", verbose_name="SLA event"),
        ),
    ]
