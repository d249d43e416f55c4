"""Pure callback rules: no database. Boundaries first (STYLE §9)."""
from datetime import date, datetime, time
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callbacks import rules
from callbacks.choices import CallbackKind, CallbackOutcome
from callbacks.scripts import CallContext, scripts_for

SH = ZoneInfo("Asia/Shanghai")
P = rules.PolicySnapshot()  # 20 min; 3 attempts; +2 h, then next working day 10:00; calls 9:00–20:00
at = lambda *args: datetime(2026, *args, tzinfo=SH)  # noqa: E731
d = partial(date, 2026)


@pytest.mark.parametrize(("solved", "due"), [
    pytest.param(at(3, 2, 10, 0), at(3, 2, 10, 20), id="twenty-minutes"),
    pytest.param(at(3, 2, 19, 39), at(3, 2, 19, 59), id="last-minute-of-calling-hours"),
    pytest.param(at(3, 2, 19, 40), at(3, 3, 9, 0), id="after-hours-next-morning"),
    pytest.param(at(3, 2, 3, 0), at(3, 2, 9, 0), id="night-same-morning"),
])
def test_first_due_at(solved, due):
    assert rules.first_due_at(P, solved) == due


@pytest.mark.parametrize(("n", "called", "expected"), [
    pytest.param(1, at(3, 2, 10, 25), at(3, 2, 12, 25), id="first-retry-two-hours-later"),
    pytest.param(1, at(3, 2, 17, 59), at(3, 2, 19, 59), id="first-retry-just-in-hours"),
    pytest.param(1, at(3, 2, 18, 0), at(3, 3, 10, 0), id="first-retry-after-hours-next-working-day"),
    pytest.param(2, at(3, 2, 12, 30), at(3, 3, 10, 0), id="second-retry-next-working-day"),
    pytest.param(2, at(3, 6, 12, 30), at(3, 9, 10, 0), id="friday-skips-the-weekend"),
    pytest.param(2, at(9, 30, 12, 0), at(10, 8, 10, 0), id="national-day-holiday"),
    pytest.param(2, at(9, 24, 12, 0), at(9, 28, 10, 0), id="mid-autumn-friday-and-weekend"),
    pytest.param(2, at(10, 9, 12, 0), at(10, 10, 10, 0), id="tiaoxiu-saturday-is-a-working-day"),
    pytest.param(3, at(3, 3, 10, 5), None, id="third-unreachable-gives-up"),
])
def test_next_attempt_at(n, called, expected):
    assert rules.next_attempt_at(P, unreachable_attempts=n, at=called) == expected


def test_next_attempt_follows_the_policy_numbers():
    policy = rules.PolicySnapshot(max_attempts=5, first_retry_minutes=30, later_retry_at=time(14, 0))
    assert rules.next_attempt_at(policy, unreachable_attempts=1, at=at(3, 2, 10, 0)) == at(3, 2, 10, 30)
    assert rules.next_attempt_at(policy, unreachable_attempts=4, at=at(3, 2, 10, 0)) == at(3, 3, 14, 0)
    assert rules.next_attempt_at(policy, unreachable_attempts=5, at=at(3, 2, 10, 0)) is None


@pytest.mark.parametrize(("outcome", "actions"), [
    (CallbackOutcome.FIXED, ("callback_ok", "close")),
    (CallbackOutcome.NOT_FIXED, ("callback_failed",)),
    (CallbackOutcome.DISPUTED, ("callback_failed",)),
    (CallbackOutcome.UNREACHABLE, ("close_unreachable",)),
    (CallbackOutcome.CONTACTED, ()),
])
def test_only_a_confirmed_fix_closes(outcome, actions):
    assert rules.ticket_actions_for(outcome) == actions


NO_SCORES = {"score_attitude": None, "score_quality": None, "score_price": None}


@pytest.mark.parametrize(("kwargs", "errors"), [
    pytest.param(dict(reached=True, outcome="fixed", scores={**NO_SCORES, "score_price": 5}), set(), id="ok"),
    pytest.param(dict(reached=True, outcome="fixed", scores={**NO_SCORES, "score_price": 6}), {"score_price"},
                 id="six-is-out-of-range"),
    pytest.param(dict(reached=True, outcome="fixed", scores={**NO_SCORES, "score_attitude": 0}),
                 {"score_attitude"}, id="zero-is-out-of-range"),
    pytest.param(dict(reached=True, outcome="not_fixed", scores=NO_SCORES), {"comments"}, id="not-fixed-needs-why"),
    pytest.param(dict(reached=True, outcome="", scores=NO_SCORES), {"outcome"}, id="reached-needs-outcome"),
    pytest.param(dict(reached=True, outcome="contacted", scores=NO_SCORES), {"outcome"},
                 id="contacted-is-for-periodic-calls"),
    pytest.param(dict(reached=False, outcome="", scores={**NO_SCORES, "score_price": 3}), {"reached"},
                 id="no-scores-without-a-customer"),
    pytest.param(dict(reached=False, outcome="", scores=NO_SCORES, complaint="太慢"), {"complaint"},
                 id="no-complaint-without-a-customer"),
])
def test_outcome_errors(kwargs, errors):
    kwargs = {"kind": CallbackKind.SOLUTION, "comments": "", "complaint": "", **kwargs}
    assert set(rules.outcome_errors(**kwargs)) == errors


def test_periodic_call_accepts_only_contacted():
    ok = rules.outcome_errors(kind=CallbackKind.PERIODIC, reached=True, outcome="contacted", scores=NO_SCORES,
                              comments="", complaint="")
    bad = rules.outcome_errors(kind=CallbackKind.PERIODIC, reached=True, outcome="fixed", scores=NO_SCORES,
                               comments="", complaint="")
    assert (ok, set(bad)) == ({}, {"outcome"})


@pytest.mark.parametrize(("day", "months", "expected"), [
    (d(8, 31), 6, date(2027, 2, 28)), (d(1, 31), 1, d(2, 28)), (date(2027, 12, 15), 2, date(2028, 2, 15)),
    (d(5, 10), -6, date(2025, 11, 10)),
])
def test_add_months_clamps_to_month_end(day, months, expected):
    assert rules.add_months(day, months) == expected


# A pure function: under a loaded CI machine the generation time says nothing about the code.
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(anchor=st.dates(date(2020, 1, 1), date(2030, 12, 31)), today=st.dates(date(2020, 1, 1), date(2031, 12, 31)),
       months=st.integers(1, 24))
def test_periodic_cutoff_is_exactly_one_period_back(anchor, today, months):
    assert (rules.add_months(anchor, months) <= today) == (anchor <= rules.periodic_cutoff(today, months))


@pytest.mark.parametrize(("bought", "today", "expected"), [
    (d(1, 15), d(7, 14), None), (d(1, 15), d(7, 15), d(7, 15)), (d(1, 15), date(2027, 1, 14), d(7, 15)),
    (d(1, 15), date(2027, 1, 15), date(2027, 1, 15)), (d(8, 31), date(2027, 2, 28), date(2027, 2, 28)),
])
def test_latest_period_boundary(bought, today, expected):
    assert rules.latest_period_boundary(bought, today, 6) == expected


def test_scripts_open_with_the_customer_and_close_politely():
    scripts = scripts_for(CallContext(customer="张三", subject="服务单 SD-1"))
    assert [s.key for s in scripts["first"]] == ["opening", "satisfaction"]
    assert "请问是张三吗" in scripts["first"][0].lines[1] and "SD-1" in scripts["first"][0].lines[1]
    assert scripts["suggested"] == ()
    assert {s.key for s in scripts["other"]} == {"silent_line", "noisy_line", "bad_signal", "waiting",
                                                  "angry_customer", "complaint"}
    assert scripts["closing"][0].lines[0] == "请问您还有其它问题吗↑？"


def test_scripts_suggest_what_the_history_calls_for():
    second = scripts_for(CallContext(customer="张三", subject="x", previous_attempts=1))
    upset = scripts_for(CallContext(customer="张三", subject="x", failed_before=True))
    assert [s.key for s in second["suggested"]] == ["silent_line", "bad_signal"]
    assert [s.key for s in upset["suggested"]] == ["angry_customer", "complaint"]
    assert "angry_customer" not in {s.key for s in upset["other"]}
    waiting = next(s for s in second["other"] if s.key == "waiting")
    assert any("超过 2 分钟" in line and "回电" in line for line in waiting.lines)


def test_a_periodic_call_opens_with_a_check_not_a_repair():
    scripts = scripts_for(CallContext(customer="张三", subject="美的 空调", periodic=True))
    assert [s.key for s in scripts["first"]] == ["opening"]
    assert "定期回访" in scripts["first"][0].lines[1] and "修复" not in scripts["first"][0].lines[1]
