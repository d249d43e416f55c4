"""The engineer's input rules: pure, no database."""
from datetime import date
from functools import partial

import pytest

from tickets.choices import SolutionKind, WaitReason
from tickets.engineering.rules import reply_problems, solution_problems, wait_problems

d = partial(date, 2026)
TODAY = d(11, 20)
LIMIT = 2000


def codes(problems) -> dict[str, str]:
    return {field: problem.code for field, problem in problems.items()}


@pytest.mark.parametrize(("difficulty", "next_step", "expected"), [
    pytest.param("主板故障需换件", "明天 10 点上门更换", {}, id="both-given"),
    pytest.param("主板故障需换件", "   ", {"next_step": "required"}, id="no-next-step"),
    pytest.param("", "明天上门", {"difficulty": "required"}, id="no-difficulty"),
    pytest.param("x" * (LIMIT + 1), "明天上门", {"difficulty": "too_long"}, id="too-long"),
])
def test_reply_names_difficulty_and_next_step(difficulty, next_step, expected):
    assert codes(reply_problems(difficulty=difficulty, next_step=next_step, replied_to="customer",
                                limit=LIMIT)) == expected


def test_reply_to_must_be_known():
    assert codes(reply_problems(difficulty="a", next_step="b", replied_to="boss", limit=LIMIT)) == {
        "replied_to": "invalid"}


def solution(**overrides):
    values = {"kind": SolutionKind.SHOP_REPAIR, "plan": "更换主板", "result": "测试正常", "reference": "",
              "sent_on": None, "returned_on": None, "today": TODAY, "limit": LIMIT}
    return codes(solution_problems(**{**values, **overrides}))


@pytest.mark.parametrize("kind", [k for k in SolutionKind.values if k != SolutionKind.MANUFACTURER])
def test_solutions_other_than_manufacturer_need_only_plan_and_result(kind):
    assert solution(kind=kind) == {}
    assert solution(kind=kind, plan="", result=" ") == {"plan": "required", "result": "required"}


@pytest.mark.parametrize(("reference", "sent", "back", "expected"), [
    pytest.param("RMA-1", d(11, 1), d(11, 19), {}, id="tracked"),
    pytest.param("RMA-1", d(11, 19), d(11, 19), {}, id="back-the-same-day"),
    pytest.param("", d(11, 1), d(11, 19), {"manufacturer_reference": "reference_required"}, id="no-reference"),
    pytest.param("RMA-1", None, d(11, 19), {"sent_on": "required"}, id="no-sent-date"),
    pytest.param("RMA-1", d(11, 1), None, {"returned_on": "required"}, id="not-back"),
    pytest.param("RMA-1", d(11, 10), d(11, 9), {"returned_on": "before_sent"}, id="back-before-sent"),
    pytest.param("RMA-1", d(11, 1), d(11, 21), {"returned_on": "future"}, id="back-tomorrow"),
    pytest.param("RMA-1", d(11, 21), d(11, 22), {"sent_on": "future", "returned_on": "future"}, id="all-future"),
])
def test_manufacturer_solution_is_tracked(reference, sent, back, expected):
    assert solution(kind=SolutionKind.MANUFACTURER, reference=reference, sent_on=sent, returned_on=back) == expected


def test_unknown_solution_kind():
    assert solution(kind="magic") == {"kind": "invalid"}


@pytest.mark.parametrize(("reason", "note", "reference", "expected_on", "expected"), [
    pytest.param(WaitReason.PARTS, "主板缺货", "", d(11, 25), {}, id="parts"),
    pytest.param(WaitReason.CUSTOMER, "客户出差", "", None, {}, id="customer"),
    pytest.param(WaitReason.PARTS, "", "", None, {"note": "required"}, id="no-reason-text"),
    pytest.param(WaitReason.MANUFACTURER, "返厂维修", "", None, {"manufacturer_reference": "reference_required"},
                 id="manufacturer-without-reference"),
    pytest.param(WaitReason.MANUFACTURER, "返厂维修", "RMA-7", None, {}, id="manufacturer"),
    pytest.param(WaitReason.PARTS, "缺货", "", d(11, 19), {"expected_on": "past"}, id="expected-yesterday"),
    pytest.param(WaitReason.PARTS, "缺货", "", TODAY, {}, id="expected-today"),
    pytest.param("holiday", "x", "", None, {"reason": "invalid"}, id="unknown-reason"),
])
def test_wait_needs_a_reason(reason, note, reference, expected_on, expected):
    assert codes(wait_problems(reason=reason, note=note, reference=reference, expected_on=expected_on,
                               today=TODAY, limit=LIMIT)) == expected
