"""Properties of decide() over the whole space of facts and every shipped policy."""

import copy
from dataclasses import replace
from datetime import date, timedelta

import chinese_calendar
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warranty.defaults import default_policies
from warranty.rules import EXCLUDED_FAULTS, FAULTS, Decision, Facts, RestDays, decide

POLICIES = default_policies()


def free_remedies(decision: Decision) -> set[str]:
    return {option.remedy for option in decision.remedies if option.charge == "free"}


@st.composite
def cases(draw):
    """A policy and facts that are possible (dates in order), shaped around the boundaries."""
    policy = draw(st.sampled_from(POLICIES))
    made = draw(st.dates(date(2022, 1, 1), date(2027, 12, 31)))
    purchase = made + timedelta(days=draw(st.integers(0, 400)))
    exchanged = draw(st.none() | st.integers(0, 500).map(lambda n: purchase + timedelta(days=n)))
    report = max(purchase, exchanged or purchase) + timedelta(days=draw(st.integers(0, 1300)))
    facts = Facts(
        category=policy.category,
        component=draw(st.sampled_from(sorted(policy.components))),
        purchase_date=draw(st.sampled_from([purchase, purchase, None])),
        report_date=report,
        fault=draw(st.sampled_from(sorted(FAULTS))),
        has_invoice=draw(st.booleans()),
        has_warranty_card=draw(st.booleans()),
        documents_altered=draw(st.booleans()),
        factory_date=draw(st.sampled_from([made, None])),
        prior_repairs_same_fault=draw(st.integers(0, 4)),
        repair_days=draw(st.integers(0, 60)),
        exchanged_on=exchanged,
        sold_online=draw(st.booleans()),
    )
    return policy, facts


# too_slow: on a loaded CI core one draw took 2 s (the box, not the strategy); the property is what is tested.
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases(), later_by=st.integers(1, 800))
def test_a_later_report_never_adds_a_free_remedy_or_moves_a_deadline(case, later_by):
    policy, facts = case
    earlier = decide(facts, policy)
    later = decide(replace(facts, report_date=facts.report_date + timedelta(days=later_by)),
                   policy)
    assert free_remedies(later) <= free_remedies(earlier)
    deadlines = {(o.remedy, o.charge): o.until for o in earlier.remedies}
    for option in later.remedies:
        if (option.remedy, option.charge) in deadlines and option.charge == "free":
            assert option.until == deadlines[(option.remedy, option.charge)]


@settings(max_examples=200)
@given(case=cases(), exclusion=st.sampled_from([*EXCLUDED_FAULTS, "documents_altered"]))
def test_an_exclusion_never_makes_anything_free(case, exclusion):
    policy, facts = case
    before = decide(facts, policy)
    if exclusion == "documents_altered":
        excluded = replace(facts, documents_altered=True)
    else:
        excluded = replace(facts, fault=exclusion)
    after = decide(excluded, policy)
    assert free_remedies(after) == set()
    assert free_remedies(after) <= free_remedies(before)
    assert {(o.remedy, o.charge) for o in after.remedies} <= {("repair", "paid")}
    assert any(code.startswith("excluded.") for code in after.reason_codes)


@settings(max_examples=200)
@given(case=cases())
def test_the_decision_is_deterministic(case):
    policy, facts = case
    first = decide(facts, policy)
    assert decide(replace(facts), copy.deepcopy(policy)) == first
    assert decide(facts, policy) == first


@settings(max_examples=200)
@given(case=cases())
def test_every_deadline_is_on_or_after_the_report_date(case):
    policy, facts = case
    for option in decide(facts, policy).remedies:
        assert option.until is None or option.until >= facts.report_date


@settings(max_examples=200)
@given(case=cases())
def test_paid_repair_is_offered_exactly_when_nothing_is_free(case):
    policy, facts = case
    decision = decide(facts, policy)
    paid_repair = any(o.remedy == "repair" and o.charge == "paid" for o in decision.remedies)
    if facts.fault == "none":          # a no-reason request has nothing to repair
        assert not paid_repair and not free_remedies(decision)
    else:
        assert paid_repair == (not free_remedies(decision))


@settings(max_examples=200)
@given(case=cases())
def test_missing_documents_are_the_union_and_never_a_presented_one(case):
    policy, facts = case
    decision = decide(facts, policy)
    union = [doc for option in decision.remedies for doc in option.missing_documents]
    # Every document an offered remedy needs, then any the customer lacks that would open another.
    assert decision.missing_documents[:len(dict.fromkeys(union))] == tuple(dict.fromkeys(union))
    presented = {"invoice"} if facts.has_invoice else set()
    presented |= {"warranty_card"} if facts.has_warranty_card else set()
    assert not presented & set(decision.missing_documents)
    assert all(reason.rule and reason.message_zh and reason.message_en
               for reason in decision.reasons)


REST = RestDays(holidays=frozenset(chinese_calendar.holidays),
                workdays=frozenset(day for day in chinese_calendar.workdays if day.weekday() >= 5))


@settings(max_examples=200)
@given(case=cases())
def test_rest_days_only_move_a_last_day_later_and_never_onto_a_rest_day(case):
    policy, facts = case
    plain = {(o.remedy, o.charge): o.until for o in decide(facts, policy).remedies}
    for option in decide(facts, policy, REST).remedies:
        if option.charge == "free" and option.until is not None:
            assert option.until not in REST
            if (option.remedy, "free") in plain:
                assert option.until >= plain[(option.remedy, "free")]
