from django.db import migrations, models


class Migration(migrations.Migration):
    """At most one SLA notice per ticket, step and person (sla.notifications upserts on it)."""

    dependencies = [("sla", "0005_desk_defaults")]
    operations = [
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.UniqueConstraint(condition=models.Q(("event__isnull", False)),
                                               fields=("user", "ticket", "step"),
                                               name="notification_ticket_step_user_once"),
        ),
    ]
