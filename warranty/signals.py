"""Keep every process's policy cache honest: any write to a policy or its periods publishes a new
generation, at once (so this transaction's own later reads see it) and again after commit (so other
processes, which could not see the uncommitted rows, reload once they can)."""
from django.db import transaction
from django.db.models.signals import post_delete, post_save


def policies_changed(**kwargs) -> None:
    from .selectors import policy_cache_invalidate

    policy_cache_invalidate()
    transaction.on_commit(policy_cache_invalidate)


def connect() -> None:
    from .models import WarrantyComponentRule, WarrantyPolicy

    for model in (WarrantyPolicy, WarrantyComponentRule):
        post_save.connect(policies_changed, sender=model, dispatch_uid=f"warranty.changed.save.{model.__name__}")
        post_delete.connect(policies_changed, sender=model, dispatch_uid=f"warranty.changed.delete.{model.__name__}")


def ensure_default_policies(sender=None, using="default", **kwargs) -> None:
    from django.db import connections

    from .models import WarrantyComponentRule, WarrantyPolicy
    from .selectors import policy_cache_invalidate
    from .snapshots import install_default_policies

    tables = connections[using].introspection.table_names()
    if WarrantyPolicy._meta.db_table not in tables or WarrantyComponentRule._meta.db_table not in tables:
        return  # migrated back past warranty's first migration
    if install_default_policies(WarrantyPolicy, WarrantyComponentRule):
        policy_cache_invalidate()
