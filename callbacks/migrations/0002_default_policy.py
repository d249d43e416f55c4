from datetime import datetime, timezone

from django.db import migrations


def create_default_policy(apps, schema_editor):
    CallbackPolicy = apps.get_model("callbacks", "CallbackPolicy")
    if not CallbackPolicy.objects.exists():
        # Seed 002: callback within 20 minutes; 3 attempts (after 2 h, then next working day 10:00);
        # seed 003: high-value products (≥ 5000 CNY) called every 6 months; complaints answered in 24 h.
        CallbackPolicy.objects.create(name="默认回访策略", effective_from=datetime(2000, 1, 1, tzinfo=timezone.utc))


class Migration(migrations.Migration):
    dependencies = [("callbacks", "0001_initial")]
    operations = [migrations.RunPython(create_default_policy, migrations.RunPython.noop)]
