"""POST /api/v1/warranty/evaluate/: decisions, field errors (never a 500), roles, query budget, schema."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.conftest import make_user
from warranty.selectors import policy_registry

pytestmark = pytest.mark.django_db
URL = "/api/v1/warranty/evaluate/"
TODAY = timezone.localdate


def ago(days: int) -> str:
    return (TODAY() - timedelta(days=days)).isoformat()


def phone_facts(**changes) -> dict:
    body = {"category": "phone", "component": "main_unit", "purchase_date": "2026-03-01",
            "report_date": "2026-03-10", "fault": "performance", "has_invoice": True, "has_warranty_card": True}
    return {**body, **changes}


def test_url_name_resolves():
    assert reverse("api:warranty-evaluate") == URL


def test_phone_on_day_9_may_exchange_or_repair_free_with_reasons_and_rules(reception_api):
    response = reception_api.post(URL, phone_facts(), format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [(r["remedy"], r["until"], r["charge"]) for r in body["remedies"]] == [
        ("exchange", "2026-03-16", "free"), ("repair", "2027-03-01", "free")]
    assert body["missing_documents"] == []
    assert [r["code"] for r in body["reasons"]] == ["exchange.within_period", "repair.free_within_period"]
    first = body["reasons"][0]
    assert first["message"] == first["message_zh"] and "换货期内" in first["message"]  # zh-hans by default
    assert "Performance fault within the exchange period" in first["message_en"]
    assert "第十二条" in first["rule"]
    assert body["policy"] == {"code": "phone", "version": 1, "name": "手机三包（移动电话机）"}


def test_day_7_still_offers_return(reception_api):
    body = reception_api.post(URL, phone_facts(report_date="2026-03-08"), format="json").json()
    assert [r["remedy"] for r in body["remedies"]] == ["return", "exchange", "repair"]


def test_messages_follow_accept_language(reception_api):
    body = reception_api.post(URL, phone_facts(), format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["reasons"][0]["message"] == body["reasons"][0]["message_en"]


def test_an_invoice_without_the_card_gets_the_statutory_remedies_and_the_card_is_named(reception_api):
    body = reception_api.post(URL, phone_facts(has_warranty_card=False, factory_date="2026-02-28",
                                               report_date="2026-03-05"), format="json").json()
    # The invoice proves the purchase date: the periods run from it, the card is what return/exchange still need.
    assert [(r["remedy"], r["until"], r["missing_documents"]) for r in body["remedies"]] == [
        ("return", "2026-03-09", ["warranty_card"]), ("exchange", "2026-03-16", ["warranty_card"]),
        ("repair", "2027-03-01", [])]
    assert body["missing_documents"] == ["warranty_card"]
    codes = [r["code"] for r in body["reasons"]]
    assert "no_invoice.factory_date" not in codes
    # Day 7 (2026-03-08) is a Sunday: the return period ends on the Monday, and says why.
    assert codes[:2] == ["return.within_period", "period.after_rest"]
    assert "法定休假日" in body["reasons"][1]["rule"]


def test_neither_document_free_repair_from_factory_plus_90_and_both_named(reception_api):
    body = reception_api.post(URL, phone_facts(has_invoice=False, has_warranty_card=False, factory_date="2026-01-10",
                                               report_date="2026-03-05"), format="json").json()
    assert [(r["remedy"], r["until"], r["charge"]) for r in body["remedies"]] == [("repair", "2027-04-12", "free")]
    assert body["missing_documents"] == ["invoice", "warranty_card"]
    factory = next(r for r in body["reasons"] if r["code"] == "no_invoice.factory_date")
    assert "2026-04-10" in factory["message"] and "第90日" in factory["rule"]
    assert all("seed" not in r["rule"] and r["rule"].startswith(("《移动电话机商品修理更换退货责任规定》", "《民法典》"))
               for r in body["reasons"])


def test_other_goods_sold_online_use_the_online_policy_and_a_named_policy_wins(reception_api):
    online = {"category": "other", "fault": "none", "purchase_date": ago(20), "sold_online": True,
              "has_invoice": True}
    assert reception_api.post(URL, online, format="json").json()["policy"]["code"] == "online"
    merchant = reception_api.post(URL, {**online, "policy": "online_30"}, format="json").json()
    assert merchant["policy"]["code"] == "online_30"
    assert [(r["remedy"], r["charge"]) for r in merchant["remedies"]] == [("return", "paid")]  # 30-day no-reason


def test_report_date_defaults_to_today(reception_api):
    facts = phone_facts(purchase_date=ago(3))
    del facts["report_date"]
    assert reception_api.post(URL, facts, format="json").json()["remedies"][0]["remedy"] == "return"


BAD = [
    pytest.param(dict(report_date="2026-02-28"), "report_date", id="report-before-purchase"),
    pytest.param(dict(category="car"), "category", id="unknown-category"),
    pytest.param(dict(component="screen"), "component", id="unknown-component"),
    pytest.param(dict(category="furniture", component="battery"), "component", id="component-of-another-category"),
    pytest.param(dict(purchase_date="2999-01-01", report_date=None), "purchase_date", id="purchase-in-future"),
    pytest.param(dict(report_date="2999-01-01"), "report_date", id="report-in-future"),
    pytest.param(dict(factory_date="2999-01-01"), "factory_date", id="factory-in-future"),
    pytest.param(dict(exchanged_on="2999-01-01"), "exchanged_on", id="exchange-in-future"),
    pytest.param(dict(factory_date="2026-03-05"), "factory_date", id="factory-after-purchase"),
    pytest.param(dict(exchanged_on="2026-02-01"), "exchanged_on", id="exchange-before-purchase"),
    pytest.param(dict(prior_repairs_same_fault=-1), "prior_repairs_same_fault", id="negative-repairs"),
    pytest.param(dict(repair_days=-3), "repair_days", id="negative-repair-days"),
    pytest.param(dict(fault="dropped"), "fault", id="unknown-fault"),
    pytest.param(dict(fault=None), "fault", id="fault-missing"),
    pytest.param(dict(purchase_date="01/03/2026"), "purchase_date", id="not-a-date"),
    pytest.param(dict(has_invoice="maybe"), "has_invoice", id="not-a-boolean"),
    pytest.param(dict(policy="nope"), "policy", id="unknown-policy"),
    pytest.param(dict(category="other", sold_online=False), "category", id="no-policy-for-shop-sale-of-other"),
]


@pytest.mark.parametrize(("changes", "field"), BAD)
def test_bad_facts_are_a_400_with_the_field_named(reception_api, changes, field):
    body = {key: value for key, value in phone_facts(**changes).items() if value is not None}
    response = reception_api.post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == [field]


@pytest.mark.parametrize("role", ["reception", "engineer", "manager", "partner"])
def test_every_role_may_evaluate(role, api_client):
    api_client.force_authenticate(make_user(role))
    assert api_client.post(URL, phone_facts(), format="json").status_code == 200


def test_anonymous_is_401_and_a_user_without_role_403(api_client):
    assert api_client.post(URL, phone_facts(), format="json").status_code == 401
    api_client.force_authenticate(make_user(None))
    assert api_client.post(URL, phone_facts(), format="json").status_code == 403


def test_token_request_with_a_warm_policy_cache_costs_two_queries_both_for_auth(reception,
                                                                            django_assert_max_num_queries):
    """Counted: everything the request runs. Token auth (token ⋈ user: 1) + the role check (groups: 1);
    the evaluation itself reads the process's policy cache (warm: 0 queries)."""
    client = APIClient(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=reception).key}")
    policy_registry()  # warm, as after the first request of a process
    with django_assert_max_num_queries(2):
        assert client.post(URL, phone_facts(), format="json").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.post(URL, phone_facts(), format="json")
    assert not any("warranty" in q["sql"] for q in queries.captured_queries)


def test_cold_policy_cache_costs_one_query(reception_api, django_assert_max_num_queries):
    """force_authenticate: no auth query; the role check (1) + loading every current policy (1)."""
    with django_assert_max_num_queries(2):
        assert reception_api.post(URL, phone_facts(), format="json").status_code == 200


def test_openapi_schema_documents_the_endpoint_with_an_example(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/warranty/evaluate/"]["post"]
    assert operation["operationId"] == "warranty_evaluate"
    request = operation["requestBody"]["content"]["application/json"]
    assert request["examples"]["PhoneDay9"]["value"]["category"] == "phone"
    assert "400" in operation["responses"] and "200" in operation["responses"]
    output = schema["components"]["schemas"]["WarrantyEvaluateOutput"]["properties"]
    assert set(output) == {"remedies", "missing_documents", "reasons", "policy"}
