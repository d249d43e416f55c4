"""三包 decisions beyond the boundary table (tests/rules/test_warranty_rules.py): the documents each remedy
still needs, the reasons in both languages with the rule they cite, impossible facts, the shipped policies."""
from dataclasses import replace

import pytest

from tests.rules.test_warranty_rules import FURNITURE, ONLINE, PHONE, d, facts
from warranty.defaults import default_policies
from warranty.messages import MESSAGES
from warranty.rules import ComponentRule, decide


def test_documents_are_listed_per_remedy():
    decision = decide(facts(has_warranty_card=False, factory_date=d(2, 25), report_date=d(3, 1)),
                      PHONE)
    by_remedy = {option.remedy: option.missing_documents for option in decision.remedies}
    assert by_remedy == {"return": ("warranty_card",), "exchange": ("warranty_card",),
                         "repair": ()}


def test_online_return_lists_what_must_come_back_with_the_goods():
    decision = decide(facts(fault="none", sold_online=True, has_invoice=False,
                            report_date=d(3, 2)), ONLINE)
    (option,) = decision.remedies
    assert option.missing_documents == ("invoice", "original_packaging", "accessories_complete")


def test_reasons_speak_both_languages_and_cite_the_policy_rule():
    decision = decide(facts(report_date=d(3, 2)), PHONE)
    first = decision.reasons[0]
    assert first.code == "return.within_period"
    assert "2026-03-08" in first.message_zh and "2026-03-08" in first.message_en
    assert "退货" in first.message_zh and "return" in first.message_en
    assert "移动电话机商品修理更换退货责任规定" in first.rule
    exchange = decision.reasons[1]
    assert "第十二条" in exchange.rule


def test_furniture_reasons_cite_the_furniture_seed_not_the_phone_rule():
    decision = decide(facts(category="furniture", report_date=d(3, 31)), FURNITURE)
    assert all("移动电话机" not in reason.rule for reason in decision.reasons)
    assert "30日" in decision.reasons[0].rule


def test_uncited_reason_falls_back_to_policy_name_and_version():
    bare = replace(PHONE, citations={})
    (reason,) = decide(facts(fault="water"), bare).reasons
    assert reason.rule == "手机三包（移动电话机）（phone v1）"


@pytest.mark.parametrize("changes", [
    pytest.param(dict(report_date=d(2, 28)), id="reported-before-purchase"),
    pytest.param(dict(exchanged_on=d(3, 9), report_date=d(3, 8)), id="reported-before-exchange"),
    pytest.param(dict(exchanged_on=d(2, 1), report_date=d(3, 8)), id="exchanged-before-purchase"),
    pytest.param(dict(factory_date=d(3, 9), report_date=d(3, 8)), id="reported-before-made"),
    pytest.param(dict(component="screen_protector"), id="component-not-in-policy"),
    pytest.param(dict(fault="broken"), id="unknown-fault"),
    pytest.param(dict(repair_days=-1), id="negative-repair-days"),
    pytest.param(dict(prior_repairs_same_fault=-1), id="negative-repairs"),
])
def test_impossible_facts_raise_value_error(changes):
    with pytest.raises(ValueError):
        decide(facts(**changes), PHONE)


def test_shipped_policies():
    policies = default_policies()
    assert [p.code for p in policies] == ["phone", "appliance", "computer", "furniture",
                                          "online", "online_30"]
    assert {p.version for p in policies} == {1}
    for policy in policies:
        assert set(policy.citations) <= set(MESSAGES), policy.code
        assert "main_unit" in policy.components, policy.code


def test_policy_snapshot_refuses_inconsistent_data():
    with pytest.raises(ValueError):
        replace(PHONE, components={"battery": PHONE.components["main_unit"]})
    with pytest.raises(ValueError):
        replace(PHONE, required_documents={"refund": ("invoice",)})
    with pytest.raises(ValueError):
        replace(PHONE, start_documents=("original_packaging",))
    with pytest.raises(ValueError):
        ComponentRule("earphones")
