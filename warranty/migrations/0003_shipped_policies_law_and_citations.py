"""The shipped policies as corrected in issue 14 (warranty/defaults.py): the invoice alone proves the purchase
date, phones count 90 days after the factory date without invoice and card, and every reason cites its own
policy's rule (no other category's clause, no "seed …").

A fresh database already got them from 0002. Here, each code whose newest version is still the untouched
shipped default and differs from the corrected one is brought up to date: in place while no ticket was
decided by it, else as version N+1 (a decision always keeps the exact rules that made it). A version a
manager made is theirs: left alone."""
from django.db import migrations

SHIPPED = "Shipped default (warranty/defaults.py)"
CORRECTED = "Shipped default (warranty/defaults.py), issue 14: invoice proves the date, the law's citations"


def _rules_of(policy):
    return sorted((r.component, r.return_length, r.return_unit, r.exchange_length, r.exchange_unit,
                   r.repair_length, r.repair_unit) for r in policy.rules.all())


def forward(apps, schema_editor):
    from warranty.defaults import default_policies
    from warranty.snapshots import policy_columns, rule_columns

    policy_model = apps.get_model("warranty", "WarrantyPolicy")
    rule_model = apps.get_model("warranty", "WarrantyComponentRule")
    for snapshot in default_policies():
        newest = policy_model.objects.filter(code=snapshot.code).order_by("-version").first()
        if newest is None or newest.change_note != SHIPPED:
            continue
        columns = policy_columns(snapshot)
        rules = [rule_columns(rule) for rule in snapshot.components.values()]
        wanted = sorted(tuple(r[k] for k in ("component", "return_length", "return_unit", "exchange_length",
                                              "exchange_unit", "repair_length", "repair_unit")) for r in rules)
        if all(getattr(newest, key) == value for key, value in columns.items()) and _rules_of(newest) == wanted:
            continue
        if newest.decisions.exists():
            newest = policy_model.objects.create(code=snapshot.code, version=newest.version + 1,
                                                 change_note=CORRECTED, **columns)
        else:
            for key, value in columns.items():
                setattr(newest, key, value)
            newest.change_note = CORRECTED
            newest.save()
            newest.rules.all().delete()
        rule_model.objects.bulk_create(rule_model(policy=newest, **columns) for columns in rules)


class Migration(migrations.Migration):
    dependencies = [("warranty", "0002_default_policies")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
