"""Policy rows ⇄ the engine's frozen WarrantyPolicySnapshot.

Works on any model class with the fields of warranty.models (the data migration passes its historical
models), so the shipped defaults load the same way in a migration, after a test-database flush and in
tests that compare a loaded policy with warranty/defaults.py."""
from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType
from typing import Any

from .choices import SalesChannel
from .periods import Period
from .rules import ComponentRule, WarrantyPolicySnapshot

# How each shipped policy is chosen: (product category of the ticket, sales it serves, chosen automatically).
# "other" goods sold online get the consumer-law policy; the merchant's 30-day promise (online_30) is an
# option a caller names, or that a manager makes the default in the admin.
SHIPPED_APPLICABILITY: dict[str, tuple[str, str, bool]] = {
    "phone": ("phone", SalesChannel.ANY, True),
    "appliance": ("appliance", SalesChannel.ANY, True),
    "computer": ("computer", SalesChannel.ANY, True),
    "furniture": ("furniture", SalesChannel.ANY, True),
    "online": ("other", SalesChannel.ONLINE, True),
    "online_30": ("other", SalesChannel.ONLINE, False),
}
PERIOD_FIELDS = ("return", "exchange", "repair")


def period_or_none(length: int | None, unit: str) -> Period | None:
    return Period(length, unit) if length else None


def _period_columns(prefix: str, period: Period | None) -> dict[str, Any]:
    return {f"{prefix}_length": period.length if period else None, f"{prefix}_unit": period.unit if period else ""}


def component_rule_from_row(row) -> ComponentRule:
    return ComponentRule(row.component, *(period_or_none(getattr(row, f"{name}_length"), getattr(row, f"{name}_unit"))
                                          for name in PERIOD_FIELDS))


def snapshot_from_rows(policy, rules: Iterable) -> WarrantyPolicySnapshot:
    """A frozen snapshot of one policy version; raises ValueError if the rows make no valid policy."""
    components = {rule.component: component_rule_from_row(rule) for rule in rules}
    required = policy.required_documents or {}
    return WarrantyPolicySnapshot(
        code=policy.code, version=policy.version, category=policy.category, name=policy.name,
        components=MappingProxyType(components),
        no_reason_return=period_or_none(policy.no_reason_return_length, policy.no_reason_return_unit),
        no_reason_online_only=policy.no_reason_online_only,
        repeat_repair_exchange_after=policy.repeat_repair_exchange_after,
        repair_overdue_exchange_days=policy.repair_overdue_exchange_days,
        repair_time_extends=policy.repair_time_extends,
        exchange_restarts=policy.exchange_restarts,
        factory_date_grace=period_or_none(policy.factory_date_grace_length, policy.factory_date_grace_unit),
        start_documents=tuple(policy.start_documents or ()),
        required_documents=MappingProxyType({remedy: tuple(docs) for remedy, docs in required.items()}),
        citations=MappingProxyType(dict(policy.citations or {})),
    )


def policy_columns(snapshot: WarrantyPolicySnapshot) -> dict[str, Any]:
    """The WarrantyPolicy column values of a snapshot (not code/version: the caller decides those)."""
    category, sales, is_default = SHIPPED_APPLICABILITY.get(snapshot.code, ("other", SalesChannel.ANY, False))
    return {
        "name": snapshot.name, "category": snapshot.category,
        "applies_to_category": category, "applies_to_sales": sales, "is_default": is_default,
        **_period_columns("no_reason_return", snapshot.no_reason_return),
        "no_reason_online_only": snapshot.no_reason_online_only,
        "repeat_repair_exchange_after": snapshot.repeat_repair_exchange_after,
        "repair_overdue_exchange_days": snapshot.repair_overdue_exchange_days,
        "repair_time_extends": snapshot.repair_time_extends,
        "exchange_restarts": snapshot.exchange_restarts,
        **_period_columns("factory_date_grace", snapshot.factory_date_grace),
        "start_documents": list(snapshot.start_documents),
        "required_documents": {remedy: list(docs) for remedy, docs in snapshot.required_documents.items()},
        "citations": dict(snapshot.citations),
    }


def rule_columns(rule: ComponentRule) -> dict[str, Any]:
    return {"component": rule.component, **_period_columns("return", rule.return_period),
            **_period_columns("exchange", rule.exchange_period), **_period_columns("repair", rule.repair_period)}


def install_default_policies(policy_model, rule_model) -> list[str]:
    """Create version 1 of every shipped policy whose code has no row at all; returns the codes created.

    Never touches an existing code: managers own their versions once the policy is in the database."""
    from .defaults import default_policies

    existing = set(policy_model.objects.values_list("code", flat=True))
    created = []
    for snapshot in default_policies():
        if snapshot.code in existing:
            continue
        policy = policy_model.objects.create(code=snapshot.code, version=snapshot.version,
                                             change_note="Shipped default (warranty/defaults.py)",
                                             **policy_columns(snapshot))
        rule_model.objects.bulk_create(rule_model(policy=policy, **rule_columns(rule))
                                       for rule in snapshot.components.values())
        created.append(snapshot.code)
    return created
