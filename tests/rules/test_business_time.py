"""Business-time arithmetic on real Chinese calendars: 2025 National Day, Spring Festival 2026."""

from datetime import date, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sla.businesstime import (
    Calendar, add_business_minutes, add_business_time, business_minutes_between,
    business_time_between, chinese_holidays, is_open, is_working_day, next_open,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
at = partial(datetime, tzinfo=SHANGHAI)
HOLIDAYS, MAKEUP_DAYS = chinese_holidays(2025, 2026)
CAL_8_TO_17 = Calendar.working_hours(SHANGHAI, [(time(8), time(17))],
                                     holidays=HOLIDAYS, makeup_days=MAKEUP_DAYS)
CAL_LUNCH = Calendar.working_hours(SHANGHAI, [(time(8), time(12)), (time(13, 30), time(17))],
                                   holidays=HOLIDAYS, makeup_days=MAKEUP_DAYS)
CAL_24X7 = Calendar.twenty_four_seven(SHANGHAI)
WORKING_DAY = 9 * 60


# --- chinese_holidays: the schedule the DB rows will be loaded from ------------------------------

def test_chinese_holidays_2025_national_day_week():
    national_day = {date(2025, 10, d) for d in range(1, 9)}
    assert national_day & HOLIDAYS == national_day - {date(2025, 10, 4), date(2025, 10, 5)}
    assert {date(2025, 9, 28), date(2025, 10, 11)} <= MAKEUP_DAYS
    assert date(2025, 10, 9) not in HOLIDAYS and date(2025, 10, 12) not in MAKEUP_DAYS


def test_chinese_holidays_spring_festival_2026():
    assert {date(2026, 2, d) for d in (16, 17, 18, 19, 20, 23)} <= HOLIDAYS
    assert {date(2026, 2, 14), date(2026, 2, 28)} <= MAKEUP_DAYS
    assert date(2026, 2, 24) not in HOLIDAYS


def test_chinese_holidays_can_include_weekend_days_of_a_holiday_period():
    holidays, _ = chinese_holidays(2025, 2025, include_weekends=True)
    assert {date(2025, 10, d) for d in range(1, 9)} <= holidays
    assert date(2025, 9, 27) not in holidays  # an ordinary Saturday is no holiday


def test_chinese_holidays_agree_with_chinese_calendar_every_day_of_2025_and_2026():
    day = date(2025, 1, 1)
    disagreements = []
    while day <= date(2026, 12, 31):
        if is_working_day(CAL_8_TO_17, day) != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += timedelta(days=1)
    assert disagreements == []


@pytest.mark.parametrize(("year_from", "year_to"), [(2003, 2025), (2025, 2099), (2026, 2025)])
def test_chinese_holidays_refuses_years_without_data(year_from, year_to):
    with pytest.raises(ValueError):
        chinese_holidays(year_from, year_to)


# --- table: where N working minutes end ------------------------------------------------------

@pytest.mark.parametrize(("cal", "start", "minutes", "expected"), [
    pytest.param(CAL_8_TO_17, at(2025, 9, 22, 9), 60, at(2025, 9, 22, 10), id="same-window"),
    pytest.param(CAL_8_TO_17, at(2025, 9, 22, 16), 60, at(2025, 9, 22, 17), id="exactly-to-close"),
    pytest.param(CAL_8_TO_17, at(2025, 9, 22, 16, 50), 30, at(2025, 9, 23, 8, 20), id="overnight"),
    pytest.param(CAL_8_TO_17, at(2025, 9, 22, 6), 30, at(2025, 9, 22, 8, 30), id="before-opening"),
    pytest.param(CAL_8_TO_17, at(2025, 9, 22, 18), 30, at(2025, 9, 23, 8, 30), id="after-closing"),
    pytest.param(CAL_8_TO_17, at(2025, 9, 19, 16, 50), 30, at(2025, 9, 22, 8, 20), id="over-weekend"),
    pytest.param(CAL_8_TO_17, at(2025, 9, 20, 10), 30, at(2025, 9, 22, 8, 30), id="start-on-saturday"),
    pytest.param(CAL_8_TO_17, at(2025, 5, 30, 16, 50), 30, at(2025, 6, 3, 8, 20),
                 id="friday-before-dragon-boat"),
    pytest.param(CAL_8_TO_17, at(2025, 9, 26, 16, 50), 30, at(2025, 9, 28, 8, 20),
                 id="makeup-sunday-is-worked"),
    pytest.param(CAL_8_TO_17, at(2025, 9, 30, 16, 50), 30, at(2025, 10, 9, 8, 20),
                 id="eve-of-national-day"),
    pytest.param(CAL_8_TO_17, at(2025, 10, 1, 10), 60, at(2025, 10, 9, 9), id="start-in-holiday"),
    pytest.param(CAL_8_TO_17, at(2025, 10, 10, 16, 50), 30, at(2025, 10, 11, 8, 20),
                 id="makeup-saturday-after-national-day"),
    pytest.param(CAL_8_TO_17, at(2025, 9, 22, 8), 7 * WORKING_DAY, at(2025, 9, 29, 17),
                 id="seven-working-days-through-makeup-sunday"),
    pytest.param(CAL_8_TO_17, at(2026, 2, 13, 16, 50), 30, at(2026, 2, 14, 8, 20),
                 id="spring-festival-makeup-saturday"),
    pytest.param(CAL_8_TO_17, at(2026, 2, 14, 16, 50), 30, at(2026, 2, 24, 8, 20),
                 id="spring-festival-2026"),
    pytest.param(CAL_8_TO_17, at(2025, 9, 22, 9), 0.5, at(2025, 9, 22, 9, 0, 30), id="fractional"),
    pytest.param(CAL_8_TO_17, at(2025, 9, 20, 3), 0, at(2025, 9, 20, 3), id="zero-stays-put"),
    pytest.param(CAL_LUNCH, at(2025, 9, 22, 11, 50), 30, at(2025, 9, 22, 13, 50), id="over-lunch"),
    pytest.param(CAL_LUNCH, at(2025, 9, 22, 11), 60, at(2025, 9, 22, 12), id="to-lunch-exactly"),
    pytest.param(CAL_LUNCH, at(2025, 9, 22, 12), 1, at(2025, 9, 22, 13, 31), id="from-noon"),
    pytest.param(CAL_LUNCH, at(2025, 9, 22, 12, 30), 30, at(2025, 9, 22, 14), id="start-in-lunch"),
    pytest.param(CAL_LUNCH, at(2025, 9, 30, 11, 30), 241, at(2025, 10, 9, 8, 1),
                 id="lunch-then-national-day"),
    pytest.param(CAL_24X7, at(2025, 10, 4, 23, 50), 30, at(2025, 10, 5, 0, 20),
                 id="24x7-holiday-night"),
    pytest.param(CAL_24X7, at(2025, 9, 30, 16, 50), 30, at(2025, 9, 30, 17, 20), id="24x7-eve"),
])
def test_add_business_minutes(cal, start, minutes, expected):
    due = add_business_minutes(cal, start, minutes)
    assert due == expected
    assert due.tzinfo == SHANGHAI


@pytest.mark.parametrize(("cal", "start", "end", "minutes"), [
    pytest.param(CAL_8_TO_17, at(2025, 9, 19, 16), at(2025, 9, 22, 9), 120, id="over-weekend"),
    pytest.param(CAL_8_TO_17, at(2025, 9, 22, 9), at(2025, 9, 22, 9), 0, id="empty"),
    pytest.param(CAL_8_TO_17, at(2025, 9, 22, 10), at(2025, 9, 22, 9), 0, id="end-before-start"),
    pytest.param(CAL_8_TO_17, at(2025, 9, 30, 8), at(2025, 10, 9, 8), WORKING_DAY, id="national-day"),
    pytest.param(CAL_8_TO_17, at(2025, 9, 20), at(2025, 9, 21), 0, id="plain-saturday"),
    pytest.param(CAL_8_TO_17, at(2025, 9, 28), at(2025, 9, 29), WORKING_DAY, id="makeup-sunday"),
    pytest.param(CAL_8_TO_17, at(2026, 2, 13), at(2026, 2, 25), 3 * WORKING_DAY, id="spring-festival"),
    pytest.param(CAL_LUNCH, at(2025, 9, 22, 11), at(2025, 9, 22, 14), 90, id="lunch-excluded"),
    pytest.param(CAL_LUNCH, at(2025, 9, 22), at(2025, 9, 23), 7.5 * 60, id="lunch-day"),
    pytest.param(CAL_24X7, at(2025, 10, 1), at(2025, 10, 2), 24 * 60, id="24x7-holiday"),
])
def test_business_minutes_between(cal, start, end, minutes):
    assert business_minutes_between(cal, start, end) == minutes


@pytest.mark.parametrize(("cal", "t", "expected"), [
    pytest.param(CAL_8_TO_17, at(2025, 9, 22, 9), at(2025, 9, 22, 9), id="already-open"),
    pytest.param(CAL_8_TO_17, at(2025, 9, 22, 17), at(2025, 9, 23, 8), id="at-close-is-closed"),
    pytest.param(CAL_LUNCH, at(2025, 9, 22, 12), at(2025, 9, 22, 13, 30), id="lunch"),
    pytest.param(CAL_8_TO_17, at(2025, 9, 30, 17), at(2025, 10, 9, 8), id="over-national-day"),
    pytest.param(CAL_8_TO_17, at(2025, 9, 27, 10), at(2025, 9, 28, 8), id="to-makeup-sunday"),
    pytest.param(CAL_24X7, at(2025, 10, 1, 3), at(2025, 10, 1, 3), id="24x7"),
])
def test_next_open(cal, t, expected):
    assert next_open(cal, t) == expected


@pytest.mark.parametrize(("d", "working"), [
    (date(2025, 9, 27), False), (date(2025, 9, 28), True), (date(2025, 10, 1), False),
    (date(2025, 10, 6), False), (date(2025, 10, 11), True), (date(2025, 10, 12), False),
    (date(2026, 2, 14), True), (date(2026, 2, 16), False), (date(2026, 2, 24), True),
])
def test_is_working_day(d, working):
    assert is_working_day(CAL_8_TO_17, d) is working
    assert is_working_day(CAL_24X7, d) is True


# --- calendars built other ways ------------------------------------------------------------

def test_makeup_day_uses_mondays_windows_by_default_or_its_own():
    short_monday, full_day = ((time(9), time(12)),), ((time(8), time(17)),)
    week = (short_monday,) + (full_day,) * 4 + ((), ())
    cal = Calendar(SHANGHAI, week, makeup_days=frozenset({date(2025, 9, 28)}))
    assert business_minutes_between(cal, at(2025, 9, 28), at(2025, 9, 29)) == 180
    own = Calendar.working_hours(SHANGHAI, [(time(8), time(17))], makeup_days={date(2025, 9, 28)},
                                 makeup_windows=[(time(10), time(11))])
    assert business_minutes_between(own, at(2025, 9, 28), at(2025, 9, 29)) == 60


def test_window_closing_at_midnight_runs_to_the_end_of_the_day():
    evening = Calendar.working_hours(SHANGHAI, [(time(18), time(0))], weekdays=range(7))
    assert add_business_minutes(evening, at(2025, 9, 22, 23, 50), 20) == at(2025, 9, 23, 18, 10)
    assert business_minutes_between(evening, at(2025, 9, 22), at(2025, 9, 23)) == 360


@pytest.mark.parametrize(("day", "minutes"), [
    pytest.param(date(2025, 3, 30), 120, id="spring-forward-loses-an-hour"),
    pytest.param(date(2025, 10, 26), 240, id="fall-back-gains-an-hour"),
])
def test_windows_are_wall_clock_but_arithmetic_is_real_time(day, minutes):
    night = Calendar.working_hours(BERLIN, [(time(1), time(4))], weekdays=range(7))
    start = datetime.combine(day, time(0), BERLIN)
    assert business_minutes_between(night, start, start + timedelta(days=1)) == minutes
    due = add_business_minutes(night, start, minutes)
    assert business_minutes_between(night, start, due) == minutes


def test_24x7_across_dst_adds_real_minutes():
    cal = Calendar.twenty_four_seven(BERLIN)
    due = add_business_minutes(cal, datetime(2025, 3, 30, 1, 30, tzinfo=BERLIN), 60)
    assert due == datetime(2025, 3, 30, 3, 30, tzinfo=BERLIN)  # 02:30 does not exist that night
    assert (due.hour, due.minute) == (3, 30)


def test_long_durations_round_trip():
    minutes = 250 * WORKING_DAY  # about a working year, holidays included
    due = add_business_minutes(CAL_LUNCH, at(2025, 1, 2, 8), minutes)
    assert due.date() > date(2025, 12, 31)
    assert business_minutes_between(CAL_LUNCH, at(2025, 1, 2, 8), due) == minutes


# --- refusals ------------------------------------------------------------------------------

def test_calendar_without_open_time_raises_instead_of_looping():
    closed = Calendar.working_hours(SHANGHAI, [(time(8), time(17))], weekdays=())
    with pytest.raises(ValueError, match="no open time"):
        add_business_minutes(closed, at(2025, 9, 22, 9), 1)
    with pytest.raises(ValueError, match="no open time"):
        next_open(closed, at(2025, 9, 22, 9))


def test_calendar_open_only_on_makeup_days_runs_out_after_the_last():
    cal = Calendar.working_hours(SHANGHAI, [(time(8), time(17))], weekdays=(),
                                 makeup_days={date(2025, 9, 28)})
    assert add_business_minutes(cal, at(2025, 9, 1), 60) == at(2025, 9, 28, 9)
    with pytest.raises(ValueError, match="after 2025-09-28"):
        add_business_minutes(cal, at(2025, 9, 1), WORKING_DAY + 1)


@pytest.mark.parametrize("windows", [
    pytest.param([(time(12), time(8))], id="closes-before-opens"),
    pytest.param([(time(8), time(8))], id="empty"),
    pytest.param([(time(8), time(12)), (time(11), time(17))], id="overlap"),
    pytest.param([(time(13), time(17)), (time(8), time(12))], id="out-of-order"),
    pytest.param([(time(8, tzinfo=SHANGHAI), time(17))], id="aware-time"),
])
def test_bad_windows_are_refused(windows):
    with pytest.raises(ValueError):
        Calendar.working_hours(SHANGHAI, windows)


def test_a_date_cannot_be_both_holiday_and_makeup_day():
    with pytest.raises(ValueError, match="both"):
        Calendar.working_hours(SHANGHAI, [(time(8), time(17))], holidays={date(2025, 10, 1)},
                               makeup_days={date(2025, 10, 1)})


def test_naive_and_negative_inputs_are_refused():
    with pytest.raises(ValueError, match="aware"):
        add_business_minutes(CAL_8_TO_17, datetime(2025, 9, 22, 9), 1)
    with pytest.raises(ValueError, match="negative"):
        add_business_minutes(CAL_8_TO_17, at(2025, 9, 22, 9), -1)
    with pytest.raises(ValueError, match="finite"):
        add_business_minutes(CAL_8_TO_17, at(2025, 9, 22, 9), float("inf"))


# --- properties ----------------------------------------------------------------------------

starts = st.datetimes(datetime(2025, 1, 1), datetime(2026, 12, 31), timezones=st.just(SHANGHAI))
calendars = st.sampled_from([CAL_8_TO_17, CAL_LUNCH, CAL_24X7])
minutes_up_to_two_weeks = st.integers(0, 10 * WORKING_DAY)


@given(cal=calendars, start=starts, minutes=minutes_up_to_two_weeks, more=st.integers(0, 600))
@settings(suppress_health_check=[HealthCheck.too_slow])  # a loaded CI core draws slowly at first; not a bug
def test_due_is_after_start_and_monotonic_in_minutes(cal, start, minutes, more):
    due = add_business_minutes(cal, start, minutes)
    assert due >= start
    assert add_business_minutes(cal, start, minutes + more) >= due


@given(cal=calendars, start=starts, minutes=st.integers(1, 10 * WORKING_DAY))
def test_positive_add_lands_in_a_window_or_on_its_close(cal, start, minutes):
    due = add_business_minutes(cal, start, minutes)
    # (opens, closes]: the microsecond before the result is open time
    assert is_open(cal, due - timedelta(microseconds=1))


@given(cal=calendars, start=starts, minutes=minutes_up_to_two_weeks)
def test_between_inverts_add(cal, start, minutes):
    assert business_minutes_between(cal, start, add_business_minutes(cal, start, minutes)) == minutes


@given(cal=calendars, start=starts,
       delta=st.timedeltas(timedelta(0), timedelta(days=20)))
def test_between_inverts_add_to_the_microsecond(cal, start, delta):
    assert business_time_between(cal, start, add_business_time(cal, start, delta)) == delta


@given(cal=calendars, a=starts, b=starts, c=starts)
def test_between_is_additive(cal, a, b, c):
    a, b, c = sorted((a, b, c))
    assert business_time_between(cal, a, b) + business_time_between(cal, b, c) == \
        business_time_between(cal, a, c)


@given(cal=calendars, t=starts)
def test_next_open_is_the_first_open_instant(cal, t):
    opened = next_open(cal, t)
    assert opened >= t and is_open(cal, opened)
    assert business_time_between(cal, t, opened) == timedelta(0)


@given(start=starts, delta=st.timedeltas(timedelta(0), timedelta(days=20)))
def test_24x7_fast_path_agrees_with_an_all_day_calendar(start, delta):
    all_day = Calendar.working_hours(SHANGHAI, [(time(0), time(0))], weekdays=range(7))
    assert add_business_time(CAL_24X7, start, delta) == add_business_time(all_day, start, delta)
    end = start + delta
    assert business_time_between(CAL_24X7, start, end) == business_time_between(all_day, start, end)
