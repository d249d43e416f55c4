"""The default message templates (progress/defaults.py). Policy data: edited in the admin afterwards; this
migration only adds a template whose code is not there yet, and takes back nothing."""
from django.db import migrations

from progress.defaults import DEFAULTS


def add_defaults(apps, schema_editor):
    MessageTemplate = apps.get_model("progress", "MessageTemplate")
    for position, (code, name, subject, body) in enumerate(DEFAULTS):
        MessageTemplate.objects.get_or_create(code=code, defaults={
            "name": name, "subject": subject, "body": body, "position": (position + 1) * 10})


class Migration(migrations.Migration):
    dependencies = [("progress", "0002_customer_messages")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
