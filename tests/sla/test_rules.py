"""Pure SLA rules without a database: which events move which clocks, what a sweep records, which
policy matches, and properties of the schedule (due ≥ start; a pause never makes a clock due earlier)."""
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla.businesstime import Calendar, chinese_holidays
from sla.lifecycle import (
    CANCELLED, HANDED_BACK, REOPENED, ClockView, TargetView, clock_schedule, next_check, plan_event, sweep_events,
)
from sla.snapshot import PolicySnap, policy_match

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOLIDAYS, MAKEUP = chinese_holidays(2025, 2026, include_weekends=True)
OFFICE = Calendar.working_hours(SHANGHAI, [(time(8), time(12)), (time(13, 30), time(17))],
                                holidays=HOLIDAYS, makeup_days=MAKEUP)
ALWAYS = Calendar.twenty_four_seven(SHANGHAI)
M = timedelta(minutes=1)


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


# --- events → clocks --------------------------------------------------------------------------------

SOP = {  # step: (start, stop)
    "preprocess": ("registered", "preprocessed"), "dispatch": ("preprocessed", "dispatched"),
    "first_reply": ("dispatched", "replied"), "solution": ("registered", "solved"),
    "callback": ("solved", "called_back"),
}
TARGETS = [TargetView(step, start, restart_on_reopen=step in ("dispatch", "solution")) for step, (start, _) in SOP.items()]


def views(**states):
    """states: step → 'pending' | 'open' | 'done'."""
    return [ClockView(key=step, step=step, start_event=SOP[step][0], stop_event=SOP[step][1],
                      pending=state == "pending", open=state == "open") for step, state in states.items()]


@pytest.mark.parametrize(("event", "states", "stop", "cancel", "start"), [
    pytest.param("preprocessed", {"preprocess": "open", "dispatch": "pending", "solution": "open"},
                 ["preprocess"], [], ["dispatch"], id="preprocess-stops-its-clock-starts-dispatch"),
    pytest.param("solved", {"dispatch": "open", "first_reply": "pending", "solution": "open",
                            "callback": "pending"},
                 ["dispatch", "solution"], [], ["callback"], id="solve-also-ends-an-earlier-step"),
    pytest.param("solved", {"first_reply": "open", "solution": "open"}, ["first_reply", "solution"], [],
                 ["callback"], id="a-solution-answers-the-reply-promise"),
    pytest.param("closed", {"callback": "open", "first_reply": "pending"}, ["callback"], ["first_reply"], [],
                 id="close-stops-what-runs-and-cancels-what-never-started"),
    pytest.param(CANCELLED, {"preprocess": "open", "dispatch": "pending", "callback": "done"}, [],
                 ["preprocess", "dispatch"], [], id="cancel-cancels-every-open-or-pending-promise"),
    pytest.param(REOPENED, {"dispatch": "done", "solution": "done", "callback": "done"}, [], [],
                 ["dispatch", "solution"], id="reopen-restarts-the-flagged-steps"),
    pytest.param(HANDED_BACK, {"first_reply": "open", "solution": "open"}, [], ["first_reply"], [],
                 id="hand-back-cancels-what-the-engineer-owed"),
    pytest.param("replied", {"first_reply": "done", "solution": "open"}, [], [], [],
                 id="nothing-to-stop-twice"),
])
def test_plan_event(event, states, stop, cancel, start):
    plan = plan_event(event, views(**states), TARGETS)
    assert (plan.stop, plan.cancel, sorted(plan.start)) == (stop, cancel, sorted(start))


# --- the sweep ----------------------------------------------------------------------------------------

DUE, WARN, ESC = at(2026, 3, 2, 10, 30), at(2026, 3, 2, 10, 24), at(2026, 3, 2, 11, 0)


@pytest.mark.parametrize(("now", "stamps", "expected"), [
    pytest.param(at(2026, 3, 2, 10, 23), {}, [], id="before-warning"),
    pytest.param(WARN, {}, [("warning", WARN)], id="warning-at-the-ratio"),
    pytest.param(DUE, {"warned_at": WARN}, [], id="due-instant-itself-is-still-met"),
    pytest.param(DUE + timedelta(seconds=1), {"warned_at": WARN}, [("breach", DUE)], id="breach-dated-at-due"),
    pytest.param(DUE + M, {}, [("breach", DUE)], id="late-sweep-skips-the-stale-warning"),
    pytest.param(ESC, {"warned_at": WARN, "breached_at": DUE}, [("escalation", ESC)], id="escalation"),
    pytest.param(ESC + M, {}, [("breach", DUE), ("escalation", ESC)], id="outage-catches-up-both"),
    pytest.param(ESC + M, {"breached_at": DUE, "escalated_at": ESC}, [], id="nothing-twice"),
])
def test_sweep_events(now, stamps, expected):
    fields = {"warned_at": None, "breached_at": None, "escalated_at": None, **stamps}
    assert sweep_events(now=now, due_at=DUE, warn_at=WARN, escalate_at=ESC, **fields) == expected


@pytest.mark.parametrize(("stamps", "expected"), [
    ({}, WARN), ({"warned_at": WARN}, DUE), ({"warned_at": WARN, "breached_at": DUE}, ESC),
    ({"breached_at": DUE}, ESC), ({"breached_at": DUE, "escalated_at": ESC}, None),
])
def test_next_check_walks_warning_due_escalation(stamps, expected):
    fields = {"warned_at": None, "breached_at": None, "escalated_at": None, **stamps}
    assert next_check(due_at=DUE, warn_at=WARN, escalate_at=ESC, **fields) == expected


def test_a_paused_clock_has_nothing_to_check():
    assert next_check(due_at=None, warn_at=None, escalate_at=None, warned_at=None, breached_at=None,
                      escalated_at=None) is None


def test_schedule_on_the_office_calendar_across_national_day():
    # 30 working minutes after 16:50 on 30 Sep 2025: 10 minutes that day, the rest on 9 Oct (after
    # the holiday and the 11 Oct make-up Saturday is not reached); warning at 80 % = 24 minutes.
    schedule = clock_schedule(OFFICE, basis_at=at(2025, 9, 30, 16, 50), basis_spent=timedelta(0), target=30 * M,
                              warn_ratio=0.8, escalate_after=60 * M)
    assert (schedule.warn_at, schedule.due_at, schedule.escalate_at) == (
        at(2025, 10, 9, 8, 14), at(2025, 10, 9, 8, 20), at(2025, 10, 9, 9, 20))


# --- properties ---------------------------------------------------------------------------------------

starts = st.datetimes(datetime(2025, 1, 1), datetime(2026, 12, 20), timezones=st.just(SHANGHAI))
minutes = st.integers(0, 3000).map(lambda n: n * M)


@settings(max_examples=150, deadline=None)
@given(start=starts, target=minutes, spent=minutes, ratio=st.floats(0.05, 1.0))
def test_due_is_never_before_the_start_and_the_warning_never_after_the_due(start, target, spent, ratio):
    schedule = clock_schedule(OFFICE, basis_at=start, basis_spent=spent, target=target, warn_ratio=ratio,
                              escalate_after=30 * M)
    assert start <= schedule.warn_at <= schedule.due_at <= schedule.escalate_at


@settings(max_examples=150, deadline=None)
@given(start=starts, target=minutes, offset=minutes, length=minutes, cal=st.sampled_from([OFFICE, ALWAYS]))
def test_adding_a_pause_never_makes_a_clock_due_earlier(start, target, offset, length, cal):
    plain = clock_schedule(cal, basis_at=start, basis_spent=timedelta(0), target=target, warn_ratio=0.8,
                           escalate_after=None)
    paused = clock_schedule(cal, basis_at=start, basis_spent=timedelta(0), target=target, warn_ratio=0.8,
                            escalate_after=None, pauses=[(start + offset, start + offset + length)])
    assert paused.due_at >= plain.due_at and paused.warn_at >= plain.warn_at


# --- matching -----------------------------------------------------------------------------------------

def policy(pid, code, *, version=1, active=True, effective=at(2000, 1, 1), rank=100, **criteria):
    return PolicySnap(id=pid, code=code, version=version, is_active=active, effective_from=effective, rank=rank,
                      **criteria)


FACTS = {"kind": "repair", "priority": "urgent", "channel": "phone", "customer_id": 7, "partner_id": 3}
POLICIES = [
    policy(1, "default", rank=1000),
    policy(2, "repair", kind="repair"),
    policy(3, "urgent-phone", priority="urgent", channel="phone"),
    policy(4, "repair-urgent", kind="repair", priority="urgent"),
    policy(5, "partner", partner_id=3),
    policy(6, "vip", customer_id=7),
    policy(7, "other-customer", customer_id=8),
]


@pytest.mark.parametrize(("available", "winner"), [
    pytest.param([1], "default", id="blank-matches-anything"),
    pytest.param([1, 2], "repair", id="a-criterion-beats-none"),
    pytest.param([1, 2, 3], "repair", id="kind-alone-outweighs-priority-and-channel-together"),
    pytest.param([1, 3], "urgent-phone", id="priority-and-channel"),
    pytest.param([1, 2, 3, 4], "repair-urgent", id="kind-and-priority-beat-kind-alone"),
    pytest.param([1, 4, 5], "partner", id="partner-outweighs-kind-and-priority"),
    pytest.param([1, 4, 5, 6, 7], "vip", id="customer-outweighs-everything"),
    pytest.param([1, 7], "default", id="another-customer-does-not-match"),
])
def test_the_most_specific_policy_wins(available, winner):
    chosen = policy_match([p for p in POLICIES if p.id in available], at=at(2026, 3, 2), **FACTS)
    assert chosen.code == winner


def test_equal_specificity_goes_to_the_lower_rank():
    a, b = policy(1, "a", kind="repair", rank=20), policy(2, "b", kind="repair", rank=10)
    assert policy_match([a, b], at=at(2026, 3, 2), **FACTS).code == "b"


def test_the_newest_version_effective_at_registration_is_used():
    v1 = policy(1, "default", version=1)
    v2 = policy(2, "default", version=2, effective=at(2026, 3, 2, 12))
    v3 = policy(3, "default", version=3, active=False)
    assert policy_match([v1, v2, v3], at=at(2026, 3, 2, 11, 59), **FACTS).id == 1
    assert policy_match([v1, v2, v3], at=at(2026, 3, 2, 12), **FACTS).id == 2


def test_no_policy_no_clocks():
    assert policy_match([POLICIES[6]], at=datetime(2026, 3, 2, tzinfo=UTC), **FACTS) is None


@pytest.mark.parametrize("escalate_at", [ESC, None], ids=["with-escalation", "without"])
@pytest.mark.parametrize("now", [WARN, DUE + M, ESC + M], ids=["warning", "breach", "breach-and-escalation"])
def test_the_sweeps_one_update_per_outcome_agrees_with_next_check(now, escalate_at):
    """enforcement.OUTCOME_UPDATES writes stamps and next_check_at as SQL (F expressions); they must say
    what lifecycle.sweep_events and lifecycle.next_check say for the same clock."""
    from django.db.models import F

    from sla.enforcement import OUTCOME_UPDATES

    row = {"due_at": DUE, "warn_at": WARN, "escalate_at": escalate_at, "warned_at": None, "breached_at": None,
           "escalated_at": None}
    for _round in range(2):  # the first sweep, then the next one on the updated row
        events = sweep_events(now=now, **row)
        if not events:
            continue
        for field, value in OUTCOME_UPDATES[tuple(kind for kind, _ in events)].items():
            if field != "state":
                row[field] = row[value.name] if isinstance(value, F) else value
        assert dict(events) == {k: row[{"warning": "warned_at", "breach": "breached_at",
                                         "escalation": "escalated_at"}[k]] for k, _ in events}
        row_next = row.pop("next_check_at")
        assert row_next == next_check(**row)
