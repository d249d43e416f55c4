"""One SLA clock: pauses move the due time, re-prioritising keeps time spent, status, overdue."""

from datetime import UTC, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from sla.businesstime import Calendar, add_business_time, chinese_holidays
from sla.clockmath import (
    ClockState, Pause, business_elapsed, clock_due, clock_status, clock_warn, compute_due,
    compute_warn, is_past_due, minutes_overdue, recompute_due_after_policy_change,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
at = partial(datetime, tzinfo=SHANGHAI)
HOLIDAYS, MAKEUP_DAYS = chinese_holidays(2025, 2026)
CAL_8_TO_17 = Calendar.working_hours(SHANGHAI, [(time(8), time(17))],
                                     holidays=HOLIDAYS, makeup_days=MAKEUP_DAYS)
CAL_24X7 = Calendar.twenty_four_seven(SHANGHAI)
MONDAY_9 = at(2025, 9, 22, 9)


def mins(n: float) -> timedelta:
    return timedelta(minutes=n)


# --- due instants ---------------------------------------------------------------------------

@pytest.mark.parametrize(("started", "target", "pauses", "expected"), [
    pytest.param(MONDAY_9, mins(30), (), at(2025, 9, 22, 9, 30), id="no-pause"),
    pytest.param(MONDAY_9, mins(30), [(at(2025, 9, 22, 9, 10), at(2025, 9, 22, 9, 25))],
                 at(2025, 9, 22, 9, 45), id="pause-in-hours-moves-due"),
    pytest.param(at(2025, 9, 22, 16), mins(120), [(at(2025, 9, 22, 16, 30), at(2025, 9, 23, 9))],
                 at(2025, 9, 23, 10, 30), id="pause-over-night-counts-only-open-time"),
    pytest.param(at(2025, 9, 19, 16), mins(120), [(at(2025, 9, 20, 9), at(2025, 9, 21, 18))],
                 at(2025, 9, 22, 9), id="pause-at-weekend-changes-nothing"),
    pytest.param(MONDAY_9, mins(30), [(at(2025, 9, 22, 9, 10), at(2025, 9, 22, 9, 25)),
                                      (at(2025, 9, 22, 9, 20), at(2025, 9, 22, 9, 30))],
                 at(2025, 9, 22, 9, 50), id="overlapping-pauses-merge"),
    pytest.param(MONDAY_9, mins(30), [(at(2025, 9, 22, 8), at(2025, 9, 22, 9, 10))],
                 at(2025, 9, 22, 9, 40), id="pause-before-start-is-clipped"),
    pytest.param(MONDAY_9, mins(30), [(at(2025, 9, 22, 10), at(2025, 9, 22, 11))],
                 at(2025, 9, 22, 9, 30), id="pause-after-due-changes-nothing"),
    pytest.param(MONDAY_9, mins(30), [(at(2025, 9, 22, 9, 10), None)], None,
                 id="open-pause-leaves-due-unknown"),
    pytest.param(MONDAY_9, mins(30), [(at(2025, 9, 22, 9, 40), None)], at(2025, 9, 22, 9, 30),
                 id="open-pause-after-breach-keeps-due"),
    pytest.param(MONDAY_9, mins(0), [(MONDAY_9, None)], MONDAY_9, id="zero-target-is-due-at-start"),
    pytest.param(at(2025, 9, 30, 16, 50), mins(30), [(at(2025, 9, 30, 16, 55), at(2025, 10, 9, 8, 5))],
                 at(2025, 10, 9, 8, 30), id="pause-across-national-day"),
])
def test_compute_due(started, target, pauses, expected):
    assert compute_due(CAL_8_TO_17, started, target, pauses) == expected


def test_warning_comes_at_the_ratio_of_the_target_and_pauses_move_it_too():
    assert compute_warn(CAL_8_TO_17, MONDAY_9, mins(30)) == at(2025, 9, 22, 9, 24)
    pause = [(at(2025, 9, 22, 9, 10), at(2025, 9, 22, 9, 20))]
    warn = compute_warn(CAL_8_TO_17, MONDAY_9, mins(30), pause, warn_ratio=0.5)
    assert warn == at(2025, 9, 22, 9, 25)


def test_clock_state_helpers_use_the_states_fields():
    state = ClockState(started_at=MONDAY_9, target=mins(60), warn_ratio=0.75,
                       pauses=(Pause(at(2025, 9, 22, 9, 30), at(2025, 9, 22, 9, 40)),))
    assert clock_due(CAL_8_TO_17, state) == at(2025, 9, 22, 10, 10)
    assert clock_warn(CAL_8_TO_17, state) == at(2025, 9, 22, 9, 55)


# --- elapsed ------------------------------------------------------------------------------

@pytest.mark.parametrize(("now", "pauses", "expected"), [
    pytest.param(at(2025, 9, 22, 9, 30), (), mins(30), id="running"),
    pytest.param(at(2025, 9, 22, 9, 30), [(at(2025, 9, 22, 9, 10), at(2025, 9, 22, 9, 25))], mins(15),
                 id="closed-pause-excluded"),
    pytest.param(at(2025, 9, 22, 9, 30), [(at(2025, 9, 22, 9, 10), None)], mins(10),
                 id="open-pause-excluded-up-to-now"),
    pytest.param(at(2025, 9, 23, 9), [(at(2025, 9, 22, 16, 30), at(2025, 9, 23, 8, 30))], mins(480),
                 id="pause-over-night"),
    pytest.param(at(2025, 9, 22, 9, 30), [(at(2025, 9, 22, 9, 10), at(2025, 9, 22, 9, 50))], mins(10),
                 id="pause-straddling-now"),
    pytest.param(at(2025, 9, 22, 9, 30), [(at(2025, 9, 22, 8), at(2025, 9, 22, 9, 10))], mins(20),
                 id="pause-straddling-start"),
    pytest.param(at(2025, 9, 22, 8), (), mins(0), id="now-before-start"),
])
def test_business_elapsed(now, pauses, expected):
    assert business_elapsed(CAL_8_TO_17, MONDAY_9, now, pauses) == expected


# --- re-prioritising ------------------------------------------------------------------------

def test_recompute_keeps_business_time_already_spent():
    # Started Monday 20:00 on 24×7; at Tuesday 8:30 the ticket moves to an 8–17 policy with 24 h.
    started, now = at(2025, 9, 22, 20), at(2025, 9, 23, 8, 30)
    spent = business_elapsed(CAL_24X7, started, now)
    assert spent == mins(750)
    due = recompute_due_after_policy_change(CAL_8_TO_17, started, (), spent, mins(1440), now)
    # 690 min left from Tuesday 8:30: 510 on Tuesday, 180 on Wednesday.
    assert due == at(2025, 9, 24, 11)
    restarted_from_creation = compute_due(CAL_8_TO_17, started, mins(1440))
    assert due != restarted_from_creation


def test_recompute_counts_future_pauses_only():
    pauses = [(at(2025, 9, 22, 9, 5), at(2025, 9, 22, 9, 10)),
              (at(2025, 9, 22, 9, 40), at(2025, 9, 22, 9, 50))]
    due = recompute_due_after_policy_change(CAL_8_TO_17, MONDAY_9, pauses, mins(15),
                                            mins(60), at(2025, 9, 22, 9, 20))
    assert due == at(2025, 9, 22, 10, 15)  # 45 min left from 9:20, plus the 10 min pause ahead


def test_recompute_when_target_already_spent_is_due_now():
    now = at(2025, 9, 22, 9, 40)
    assert recompute_due_after_policy_change(CAL_8_TO_17, MONDAY_9, (), mins(40), mins(30), now) == now


def test_recompute_while_paused_leaves_due_unknown():
    now = at(2025, 9, 22, 9, 40)
    paused = [(at(2025, 9, 22, 9, 30), None)]
    due = recompute_due_after_policy_change(CAL_8_TO_17, MONDAY_9, paused, mins(30), mins(60), now)
    assert due is None


def test_recompute_refuses_now_before_start():
    with pytest.raises(ValueError):
        recompute_due_after_policy_change(CAL_8_TO_17, MONDAY_9, (), mins(0), mins(30),
                                          now=at(2025, 9, 22, 8))


# --- status and overdue -------------------------------------------------------------------

DUE = at(2025, 9, 22, 9, 30)


@pytest.mark.parametrize(("pauses", "stopped", "due", "now", "status"), [
    pytest.param((), None, DUE, at(2025, 9, 22, 9, 20), "running", id="running"),
    pytest.param((), None, DUE, DUE, "running", id="at-due-still-running"),
    pytest.param((), None, DUE, DUE + timedelta(microseconds=1), "breached", id="past-due"),
    pytest.param([(at(2025, 9, 22, 9, 10), None)], None, None, at(2025, 9, 22, 9, 20), "paused",
                 id="open-pause"),
    pytest.param([(at(2025, 9, 22, 9, 10), at(2025, 9, 22, 9, 15))], None, at(2025, 9, 22, 9, 35),
                 at(2025, 9, 22, 9, 20), "running", id="resumed"),
    pytest.param([(at(2025, 9, 22, 9, 40), None)], None, DUE, at(2025, 9, 22, 9, 45), "breached",
                 id="paused-after-breach-stays-breached"),
    pytest.param((), at(2025, 9, 22, 9, 25), DUE, at(2025, 9, 22, 10), "met", id="met"),
    pytest.param((), DUE, DUE, at(2025, 9, 22, 10), "met", id="met-on-the-due-instant"),
    pytest.param((), at(2025, 9, 22, 9, 31), DUE, at(2025, 9, 22, 10), "breached", id="met-late"),
])
def test_clock_status(pauses, stopped, due, now, status):
    state = ClockState(started_at=MONDAY_9, target=mins(30), pauses=pauses, stopped_at=stopped)
    assert clock_status(state, due, now) == status


def test_status_follows_a_clock_through_pause_resume_and_breach():
    pause_start, pause_end = at(2025, 9, 22, 9, 10), at(2025, 9, 22, 9, 20)
    paused = ClockState(started_at=MONDAY_9, target=mins(30), pauses=(Pause(pause_start),))
    assert clock_status(paused, clock_due(CAL_8_TO_17, paused), at(2025, 9, 22, 9, 15)) == "paused"
    resumed = ClockState(started_at=MONDAY_9, target=mins(30), pauses=(Pause(pause_start, pause_end),))
    due = clock_due(CAL_8_TO_17, resumed)
    assert due == at(2025, 9, 22, 9, 40)
    assert clock_status(resumed, due, at(2025, 9, 22, 9, 35)) == "running"
    assert clock_status(resumed, due, at(2025, 9, 22, 9, 41)) == "breached"


@pytest.mark.parametrize(("now", "overdue"), [
    pytest.param(at(2025, 9, 22, 9, 0), 0, id="early"),
    pytest.param(DUE, 0, id="on-time"),
    pytest.param(DUE + timedelta(seconds=59), 0, id="under-a-minute"),
    pytest.param(DUE + timedelta(minutes=37, seconds=10), 37, id="thirty-seven"),
    pytest.param(datetime(2025, 9, 22, 2, 30, tzinfo=UTC), 60, id="other-zone"),  # 10:30 Shanghai
])
def test_minutes_overdue(now, overdue):
    assert minutes_overdue(DUE, now) == overdue
    assert is_past_due(DUE, now) is (now > DUE)


@pytest.mark.parametrize("kwargs", [
    pytest.param({"started_at": datetime(2025, 9, 22, 9)}, id="naive-start"),
    pytest.param({"target": mins(-1)}, id="negative-target"),
    pytest.param({"warn_ratio": 0}, id="warn-ratio-zero"),
    pytest.param({"warn_ratio": 1.5}, id="warn-ratio-above-one"),
    pytest.param({"pauses": ((at(2025, 9, 22, 10), at(2025, 9, 22, 9, 30)),)}, id="pause-ends-first"),
    pytest.param({"stopped_at": at(2025, 9, 22, 8)}, id="stopped-before-start"),
])
def test_clock_state_refuses_nonsense(kwargs):
    with pytest.raises(ValueError):
        ClockState(**{"started_at": MONDAY_9, "target": mins(30), **kwargs})


# --- properties ----------------------------------------------------------------------------

instants = st.datetimes(datetime(2025, 9, 1), datetime(2025, 11, 30), timezones=st.just(SHANGHAI))
calendars = st.sampled_from([CAL_8_TO_17, CAL_24X7])
targets = st.integers(0, 3 * 9 * 60).map(mins)


@st.composite
def closed_pauses(draw, after: datetime) -> tuple[Pause, ...]:
    count = draw(st.integers(0, 3))
    result = []
    for _ in range(count):
        start = after + draw(st.timedeltas(timedelta(0), timedelta(days=5)))
        result.append(Pause(start, start + draw(st.timedeltas(timedelta(0), timedelta(days=2)))))
    return tuple(result)


@given(cal=calendars, started=instants, target=targets, data=st.data())
def test_adding_a_pause_never_makes_a_clock_due_earlier(cal, started, target, data):
    pauses = data.draw(closed_pauses(started))
    extra_start = started + data.draw(st.timedeltas(timedelta(0), timedelta(days=5)))
    extra_end = data.draw(st.one_of(st.none(), st.timedeltas(timedelta(0), timedelta(days=2))))
    extra = Pause(extra_start, None if extra_end is None else extra_start + extra_end)
    before = compute_due(cal, started, target, pauses)
    after = compute_due(cal, started, target, (*pauses, extra))
    assert before is not None  # closed pauses always leave a due instant
    assert after is None or after >= before


@given(cal=calendars, started=instants, target=targets, data=st.data())
def test_due_spends_exactly_the_target(cal, started, target, data):
    pauses = data.draw(closed_pauses(started))
    due = compute_due(cal, started, target, pauses)
    assert due >= started
    assert business_elapsed(cal, started, due, pauses) == target


@given(cal=calendars, started=instants, target=targets, spent=targets, wait=targets)
def test_recompute_without_pauses_is_the_rest_of_the_target_from_now(cal, started, target, spent, wait):
    now = started + wait
    assume(spent < target)
    due = recompute_due_after_policy_change(cal, started, (), spent, target, now)
    assert due == add_business_time(cal, now, target - spent)
