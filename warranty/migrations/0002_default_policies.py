"""Load the shipped policies (warranty/defaults.py, version 1) into the policy tables."""
from django.db import migrations


def load(apps, schema_editor):
    from warranty.snapshots import install_default_policies

    install_default_policies(apps.get_model("warranty", "WarrantyPolicy"),
                             apps.get_model("warranty", "WarrantyComponentRule"))


def unload(apps, schema_editor):
    # Only versions no ticket was decided by; a used version is history and stays.
    policy = apps.get_model("warranty", "WarrantyPolicy")
    policy.objects.filter(change_note="Shipped default (warranty/defaults.py)", decisions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("warranty", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
