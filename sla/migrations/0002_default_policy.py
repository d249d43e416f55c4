from django.db import migrations


def create_defaults(apps, schema_editor):
    from sla.defaults import seed_defaults

    seed_defaults(*(apps.get_model("sla", name) for name in
                    ("WorkingCalendar", "CalendarWindow", "CalendarDay", "SlaPolicy", "SlaTarget")))


class Migration(migrations.Migration):
    """Seed 002's promises (30 / 10 / 30 min, 24 h, 20 min) and the 2025–2026 holiday schedule."""

    dependencies = [("sla", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
