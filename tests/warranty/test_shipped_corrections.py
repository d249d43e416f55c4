"""warranty/migrations/0003: a database that got the first shipped policies (card required to prove the date,
citations reading "seed 000 …", no 90 days for phones) is brought to the corrected defaults — in place while no
ticket was decided by the version, as version N+1 once one was, and never over a manager's own version."""
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from tests.factories import intake_payload
from tickets.services import ticket_create
from warranty.models import WarrantyPolicy
from warranty.selectors import policy_snapshot_for

pytestmark = pytest.mark.django_db
migration = importlib.import_module("warranty.migrations.0003_shipped_policies_law_and_citations")
OLD = {"start_documents": ["invoice", "warranty_card"], "factory_date_grace_length": None,
       "factory_date_grace_unit": "", "citations": {"exchange.within_period": "seed 000 （二）十五天换机要求"}}


def _as_first_shipped(code: str) -> WarrantyPolicy:
    WarrantyPolicy.objects.filter(code=code).update(**OLD)
    return WarrantyPolicy.objects.get(code=code, version=1)


def test_an_unused_shipped_version_is_corrected_in_place():
    _as_first_shipped("phone")
    migration.forward(apps, None)
    assert list(WarrantyPolicy.objects.filter(code="phone").values_list("version", flat=True)) == [1]
    phone = WarrantyPolicy.objects.get(code="phone")
    assert phone.start_documents == ["invoice"]
    assert (phone.factory_date_grace_length, phone.factory_date_grace_unit) == (90, "day")
    assert "seed" not in str(phone.citations) and "第十二条" in phone.citations["exchange.within_period"]
    assert phone.rules.count() == 5


def test_a_version_that_decided_a_ticket_stays_and_a_new_one_takes_over(reception):
    used = _as_first_shipped("phone")
    body = intake_payload()
    ticket_create(created_by=reception, customer=body["customer"], kind="repair", fault_description="黑屏",
                  device={**body["device"], "purchase_date": timezone.localdate(), "invoice_date": None})
    assert used.decisions.exists()
    migration.forward(apps, None)
    used.refresh_from_db()
    assert used.start_documents == ["invoice", "warranty_card"]  # history keeps the rules that decided
    new = WarrantyPolicy.objects.get(code="phone", version=2)
    assert new.start_documents == ["invoice"] and new.rules.count() == 5
    assert policy_snapshot_for(category="phone", sold_online=False).version == 2


def test_a_managers_version_is_left_alone():
    WarrantyPolicy.objects.filter(code="furniture").update(change_note="Our own wording", **OLD)
    migration.forward(apps, None)
    assert WarrantyPolicy.objects.get(code="furniture").start_documents == ["invoice", "warranty_card"]


def test_a_fresh_database_already_has_the_corrected_defaults():
    before = list(WarrantyPolicy.objects.values_list("code", "version", "change_note"))
    migration.forward(apps, None)
    assert list(WarrantyPolicy.objects.values_list("code", "version", "change_note")) == before
