"""Policies as versioned data: the shipped defaults load exactly, the mapping picks the documented code,
a change applies to new evaluations only, and the admin never edits a version that decided a ticket."""
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import intake_payload
from tickets.services import ticket_create
from warranty.choices import SalesChannel
from warranty.defaults import default_policies
from warranty.models import WarrantyComponentRule, WarrantyPolicy
from warranty.periods import Period
from warranty.selectors import CurrentPolicy, policy_choose, policy_registry, policy_snapshot_for
from warranty.services import policy_new_version

PHONE = default_policies()[0]


def current(pk, code, category, sales, is_default=True) -> CurrentPolicy:
    return CurrentPolicy(pk, PHONE, category, sales, is_default)


@pytest.mark.parametrize(("category", "online", "expected"), [
    ("phone", False, "phone"), ("phone", True, "phone"), ("furniture", True, "furniture"),
    ("other", True, "online"), ("other", False, None), ("car", True, None),
])
def test_mapping_prefers_the_exact_sale_over_any_and_skips_optional_policies(category, online, expected):
    policies = [current(1, "phone", "phone", SalesChannel.ANY), current(2, "furniture", "furniture", SalesChannel.ANY),
                current(3, "online", "other", SalesChannel.ONLINE),
                current(4, "online_30", "other", SalesChannel.ONLINE, is_default=False)]
    chosen = policy_choose(policies, category=category, sold_online=online)
    assert (chosen.pk if chosen else None) == {"phone": 1, "furniture": 2, "online": 3, None: None}[expected]


def test_mapping_exact_sale_beats_any_and_newest_wins_a_tie():
    policies = [current(1, "general", "other", SalesChannel.ANY), current(2, "shop", "other", SalesChannel.SHOP),
                current(3, "shop_b", "other", SalesChannel.SHOP)]
    assert policy_choose(policies, category="other", sold_online=False).pk == 3
    assert policy_choose(policies, category="other", sold_online=True).pk == 1


@pytest.mark.django_db
def test_the_migration_loaded_every_shipped_policy_exactly():
    registry = policy_registry()
    for shipped in default_policies():
        assert registry.by_code[shipped.code].snapshot == shipped
    assert registry.components_by_category()["phone"] == ["main_unit", "battery", "charger", "data_cable",
                                                           "earphones"]


@pytest.mark.django_db
def test_the_registry_is_one_query_cold_and_none_warm(django_assert_num_queries):
    with django_assert_num_queries(1):
        policy_registry()
    with django_assert_num_queries(0):
        for _ in range(3):
            assert policy_snapshot_for(category="phone", sold_online=False).code == "phone"


def _register(user, days_ago: int):
    bought = timezone.localdate() - timedelta(days=days_ago)
    body = intake_payload()
    return ticket_create(created_by=user, customer=body["customer"], kind="repair", fault_description="黑屏",
                         device={**body["device"], "purchase_date": bought, "invoice_date": bought,
                                 "invoice_number": "I-1", "warranty_card_number": "W-1"})


@pytest.mark.django_db
def test_a_policy_change_applies_to_new_evaluations_only(reception):
    old_ticket = _register(reception, days_ago=12)
    assert [r["remedy"] for r in old_ticket.warranty_decision.remedies] == ["exchange", "repair"]

    v1 = WarrantyPolicy.objects.get(code="phone", version=1)
    v2 = policy_new_version(policy=v1, change_note="exchange within 10 days only")
    WarrantyComponentRule.objects.filter(policy=v2, component="main_unit").update(exchange_length=10)
    v2.save()  # any save publishes a new cache generation

    assert policy_snapshot_for(category="phone", sold_online=False).version == 2
    new_ticket = _register(reception, days_ago=12)
    assert new_ticket.warranty_decision.policy == v2
    assert [r["remedy"] for r in new_ticket.warranty_decision.remedies] == ["repair"]
    old_ticket.warranty_decision.refresh_from_db()
    assert old_ticket.warranty_decision.policy == v1  # the old ticket keeps the version that decided it
    assert [r["remedy"] for r in old_ticket.warranty_decision.remedies] == ["exchange", "repair"]
    assert policy_snapshot_for(category="phone", sold_online=False).snapshot.components["main_unit"] \
        .exchange_period == Period(10, "day")


@pytest.fixture
def admin_manager_client(client, manager):
    manager.is_staff = True
    manager.save()
    client.force_login(manager)
    return client


@pytest.mark.django_db
def test_deactivating_the_newest_version_brings_back_the_previous(admin_manager_client):
    v1 = WarrantyPolicy.objects.get(code="phone")
    v2 = policy_new_version(policy=v1)
    assert policy_snapshot_for(category="phone", sold_online=False).pk == v2.pk
    response = admin_manager_client.post("/admin/warranty/warrantypolicy/", {
        "action": "deactivate", "_selected_action": [v2.pk]})
    assert response.status_code == 302
    v2.refresh_from_db()
    assert v2.is_active is False
    assert policy_snapshot_for(category="phone", sold_online=False).pk == v1.pk


# --- the admin ----------------------------------------------------------------------------------------


def _admin_post_data(policy: WarrantyPolicy, **changes) -> dict:
    """The change form as the browser would post it back (every field, the inline formset)."""
    data = {
        "code": policy.code, "name": policy.name, "category": policy.category, "change_note": "",
        "applies_to_category": policy.applies_to_category, "applies_to_sales": policy.applies_to_sales,
        "is_default": "on" if policy.is_default else "", "is_active": "on" if policy.is_active else "",
        "no_reason_return_length": policy.no_reason_return_length or "",
        "no_reason_return_unit": policy.no_reason_return_unit,
        "no_reason_online_only": "on" if policy.no_reason_online_only else "",
        "repeat_repair_exchange_after": policy.repeat_repair_exchange_after or "",
        "repair_overdue_exchange_days": policy.repair_overdue_exchange_days or "",
        "repair_time_extends": "on" if policy.repair_time_extends else "",
        "exchange_restarts": "on" if policy.exchange_restarts else "",
        "factory_date_grace_length": "", "factory_date_grace_unit": "",
        "start_documents": policy.start_documents,
        **{f"{remedy}_documents": list(policy.required_documents.get(remedy, []))  # ticked boxes
           for remedy in ("return", "exchange", "repair")},
        "citations": json.dumps(policy.citations, ensure_ascii=False),
    }
    rules = list(policy.rules.order_by("id"))
    data.update({"rules-TOTAL_FORMS": len(rules), "rules-INITIAL_FORMS": len(rules), "rules-MIN_NUM_FORMS": 1,
                 "rules-MAX_NUM_FORMS": 1000})
    for index, rule in enumerate(rules):
        for field in ("component", "return_length", "return_unit", "exchange_length", "exchange_unit",
                      "repair_length", "repair_unit"):
            value = getattr(rule, field)
            data[f"rules-{index}-{field}"] = "" if value is None else value
        data[f"rules-{index}-id"], data[f"rules-{index}-policy"] = rule.pk, policy.pk
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


@pytest.mark.django_db
def test_admin_edit_of_a_used_version_creates_a_new_version(admin_manager_client, reception):
    old_ticket = _register(reception, days_ago=12)
    v1 = WarrantyPolicy.objects.get(code="phone")
    url = f"/admin/warranty/warrantypolicy/{v1.pk}/change/"
    assert admin_manager_client.get(url).status_code == 200
    response = admin_manager_client.post(url, _admin_post_data(v1, **{"rules-0-exchange_length": 10}))
    assert response.status_code == 302, response.context["errors"] if response.context else response

    v1.refresh_from_db()
    assert v1.rules.get(component="main_unit").exchange_length == 15  # untouched
    v2 = WarrantyPolicy.objects.get(code="phone", version=2)
    assert v2.rules.count() == 5 and v2.rules.get(component="main_unit").exchange_length == 10
    assert v2.change_note == "Edited from v1"
    assert old_ticket.warranty_decision.policy_id == v1.pk
    assert _register(reception, days_ago=12).warranty_decision.policy_id == v2.pk


@pytest.mark.django_db
def test_admin_edit_of_an_unused_version_is_in_place(admin_manager_client):
    v1 = WarrantyPolicy.objects.get(code="furniture")
    response = admin_manager_client.post(f"/admin/warranty/warrantypolicy/{v1.pk}/change/",
                                         _admin_post_data(v1, name="家具三包（新）"))
    assert response.status_code == 302
    assert list(WarrantyPolicy.objects.filter(code="furniture").values_list("version", "name")) == [
        (1, "家具三包（新）")]
    assert policy_snapshot_for(category="furniture", sold_online=False).snapshot.name == "家具三包（新）"


@pytest.mark.django_db
@pytest.mark.parametrize(("changes", "message"), [
    ({"rules-0-DELETE": "on"}, "main_unit"),
    ({"rules-0-return_unit": ""}, "length"),
    ({"start_documents": ["receipt"]}, "receipt"),
    ({"repeat_repair_exchange_after": "0"}, "repeat_repair_exchange_after"),
])
def test_admin_refuses_a_policy_the_engine_could_not_use(admin_manager_client, changes, message):
    v1 = WarrantyPolicy.objects.get(code="phone")
    response = admin_manager_client.post(f"/admin/warranty/warrantypolicy/{v1.pk}/change/",
                                         _admin_post_data(v1, **changes), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200  # the form again, with errors
    assert message in response.content.decode()
    assert WarrantyPolicy.objects.filter(code="phone").count() == 1


@pytest.mark.django_db
def test_a_used_version_cannot_be_deleted(admin_manager_client, reception):
    _register(reception, days_ago=3)
    v1 = WarrantyPolicy.objects.get(code="phone")
    assert admin_manager_client.post(f"/admin/warranty/warrantypolicy/{v1.pk}/delete/",
                                     {"post": "yes"}).status_code == 403
    assert WarrantyPolicy.objects.filter(pk=v1.pk).exists()
