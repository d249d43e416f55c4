"""Engineers' dispatch profiles (issue 15 §10): the product categories each handles (none: every one) and when each
was last given a ticket, the suggestion's round robin. The stamp starts from the tickets: each engineer's latest
first dispatch (one GROUP BY over the tickets, engineers with tickets only; reassignments left no trace there)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Max


def stamps_from_tickets(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    EngineerProfile = apps.get_model("tickets", "EngineerProfile")
    latest = (Ticket.objects.filter(engineer__isnull=False, dispatched_at__isnull=False).values("engineer_id")
              .annotate(at=Max("dispatched_at")).order_by())
    EngineerProfile.objects.bulk_create(
        [EngineerProfile(engineer_id=row["engineer_id"], last_assigned_at=row["at"], categories=[]) for row in latest],
        batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('tickets', '0012_ticket_search_text_number'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='EngineerProfile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('categories', models.JSONField(blank=True, default=list, help_text='The device categories this engineer handles; dispatch suggests them for tickets of these categories first. Tick none and the engineer handles every category.', verbose_name='product categories')),
                ('last_assigned_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='last given a ticket at')),
                ('engineer', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='dispatch_profile', to=settings.AUTH_USER_MODEL, verbose_name='engineer')),
            ],
            options={
                'verbose_name': "engineer's product categories",
                'verbose_name_plural': "engineers' product categories",
            },
        ),
        migrations.RunPython(stamps_from_tickets, migrations.RunPython.noop, elidable=True),
    ]
