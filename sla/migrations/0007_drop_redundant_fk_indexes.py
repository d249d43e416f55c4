# Each index dropped here was covered by a unique constraint leading with the same column; every index on
# sla_slaclock is written again by each sweep update of next_check_at.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sla', '0006_notice_once_per_step'),
    ]

    operations = [
        migrations.AlterField(
            model_name='notification',
            name='event',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='sla.slaevent', verbose_name='SLA event'),
        ),
        migrations.AlterField(
            model_name='slaclock',
            name='ticket',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='sla_clocks', to='tickets.ticket', verbose_name='ticket'),
        ),
        migrations.AlterField(
            model_name='slaevent',
            name='clock',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='events', to='sla.slaclock', verbose_name='clock'),
        ),
    ]
