"""Two rules of the law over every 三包 period, and what a reason cites.

- A period whose last day is a statutory rest day ends on the day after the rest (2001 phone regulation,
  《民法典》第二百零三条): last day in / first day out around the 2025 National Day week, 调休 days that
  are worked, a plain weekend, the 2026 Spring Festival; rest days are an argument, never read by the rule.
- Every reason cites the rule of the policy that decided — never another category's, never "seed".
"""
from datetime import date
from functools import partial

import chinese_calendar
import pytest

from tests.rules.test_warranty_rules import ALL, CASES, EX_REP, PAID, PHONE, REP, d, exch, facts, rep, ret
from warranty.defaults import default_policies
from warranty.rules import RestDays, decide

# The State Council schedule as the selector loads it (weekends rest unless worked as 调休).
REST = RestDays(holidays=frozenset(chinese_calendar.holidays),
                workdays=frozenset(day for day in chinese_calendar.workdays if day.weekday() >= 5))
MOVED = {"period.after_rest"}
y25 = partial(date, 2025)
# A last day on a statutory rest day ends on the day after the rest (2001 phone regulation; 民法典
# 第二百零三条). 2025 National Day: 10-01…10-08 off, Sunday 09-28 and Saturday 10-11 worked (调休).
REST_CASES = [
    pytest.param(dict(purchase_date=y25(9, 24), report_date=y25(10, 9)),
                 {ret(y25(10, 9)), exch(y25(10, 9)), rep(d(9, 24))}, ALL | MOVED,
                 id="return-ends-on-national-day-moves-past-the-week-last-day-in"),
    pytest.param(dict(purchase_date=y25(9, 24), report_date=y25(10, 10)),
                 {rep(d(9, 24))}, REP, id="return-moved-past-national-day-first-day-out"),
    pytest.param(dict(purchase_date=y25(9, 21), report_date=y25(9, 28)),
                 {ret(y25(9, 28)), exch(y25(10, 9)), rep(d(9, 21))}, ALL | MOVED,
                 id="last-day-on-a-tiaoxiu-sunday-is-a-working-day-and-stays"),
    pytest.param(dict(purchase_date=y25(10, 4), report_date=y25(10, 11)),
                 {ret(y25(10, 11)), exch(y25(10, 20)), rep(d(10, 8))}, ALL | MOVED,
                 id="last-day-on-a-tiaoxiu-saturday-stays"),
    pytest.param(dict(purchase_date=y25(10, 4), report_date=y25(10, 12)),
                 {exch(y25(10, 20)), rep(d(10, 8))}, EX_REP | MOVED, id="day-after-the-tiaoxiu-saturday-out"),
    pytest.param(dict(purchase_date=y25(10, 18), report_date=y25(10, 27)),
                 {ret(y25(10, 27)), exch(y25(11, 3)), rep(d(10, 19))}, ALL | MOVED,
                 id="plain-saturday-moves-to-monday-last-day-in"),
    pytest.param(dict(purchase_date=y25(10, 18), report_date=y25(10, 28)),
                 {exch(y25(11, 3)), rep(d(10, 19))}, EX_REP | MOVED, id="plain-saturday-monday-first-day-out"),
    pytest.param(dict(purchase_date=y25(2, 17), report_date=d(2, 24)),
                 {rep(d(2, 24))}, REP | MOVED, id="repair-year-ends-in-spring-festival-last-day-in"),
    pytest.param(dict(purchase_date=y25(2, 17), report_date=d(2, 25)),
                 {PAID}, {"expired"}, id="repair-year-after-spring-festival-first-day-out"),
    pytest.param(dict(purchase_date=y25(2, 11), report_date=d(2, 11)),
                 {rep(d(2, 11))}, REP, id="a-working-last-day-stays"),
    pytest.param(dict(has_invoice=False, purchase_date=None, factory_date=y25(5, 18), report_date=d(8, 17)),
                 {rep(d(8, 17))}, {"no_invoice.factory_date", *REP, *MOVED},
                 id="factory-plus-90-start-then-a-sunday-end-moves"),
]


@pytest.mark.parametrize(("changes", "remedies", "codes"), REST_CASES)
def test_a_last_day_on_a_rest_day_ends_the_day_after_the_rest(changes, remedies, codes):
    decision = decide(facts(**changes), PHONE, REST)
    assert {(r.remedy, r.until, r.charge) for r in decision.remedies} == remedies
    assert set(decision.reason_codes) == codes


def test_without_a_calendar_the_last_day_is_the_calendar_date():
    decision = decide(facts(purchase_date=y25(2, 17), report_date=d(2, 17)), PHONE)
    assert {(r.remedy, r.until) for r in decision.remedies} == {("repair", d(2, 17))}


def test_the_moved_day_is_explained_with_both_dates_and_the_phone_rule():
    decision = decide(facts(purchase_date=y25(9, 24), report_date=y25(10, 9)), PHONE, REST)
    (moved,) = [reason for reason in decision.reasons if reason.code == "period.after_rest"]
    assert "2025-10-01" in moved.message_zh and "2025-10-09" in moved.message_zh
    assert "rest day" in moved.message_en
    assert moved.rule.startswith("《移动电话机商品修理更换退货责任规定》") and "法定休假日" in moved.rule


OWN_RULES = {  # what each shipped policy's reasons may cite: its own rule, and the laws over every sale
    "phone": ("《移动电话机商品修理更换退货责任规定》",), "appliance": ("《部分商品修理更换退货责任规定》",),
    "computer": ("《微型计算机商品修理更换退货责任规定》",), "furniture": ("家具城《售后服务标准及细则》家具三包",),
    "online": ("网络销售商品（七日无理由退货）", "《消费者权益保护法》第二十四条"),
    "online_30": ("商家《售后服务政策及细则》",),
}
LAWS = ("《消费者权益保护法》第二十五条", "《民法典》第二百零三条")


@pytest.mark.parametrize(("policy", "changes", "remedies", "codes", "missing"), CASES)
def test_every_reason_cites_its_own_policys_rule_never_a_seed(policy, changes, remedies, codes, missing):
    for reason in decide(facts(**changes), policy).reasons:
        assert "seed" not in reason.rule.lower(), reason
        own = OWN_RULES.get(policy.code) or OWN_RULES[policy.category]  # ONE_MONTH is a phone variant
        if reason.code not in policy.citations:  # a code the policy has no clause for: its own name
            assert reason.rule == f"{policy.name}（{policy.code} v{policy.version}）"
        else:
            assert reason.rule.startswith(own + LAWS), (policy.code, reason.code, reason.rule)


def test_phone_citations_name_the_phone_regulation_and_its_articles():
    assert PHONE.citations["return.within_period"].startswith("《移动电话机商品修理更换退货责任规定》第十一条")
    assert "第十三条" in PHONE.citations["repeat_repair.exchange"]
    assert "第90日" in PHONE.citations["no_invoice.factory_date"]
    for policy in default_policies():
        assert all("seed" not in text.lower() for text in policy.citations.values()), policy.code
        if policy.code != "phone":
            assert all("移动电话机" not in text for text in policy.citations.values()), policy.code
        if policy.code != "furniture":
            assert all("家具" not in text for text in policy.citations.values()), policy.code


