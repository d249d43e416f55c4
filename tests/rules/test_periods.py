"""Civil-law period counting (《民法典》第二百零一、二百零二条): start day not counted, month
and year periods end on the corresponding day or the month's last day."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warranty.periods import Period, add_months, extend, is_within, period_end


@pytest.mark.parametrize(("start", "length", "unit", "last_day"), [
    pytest.param(date(2026, 3, 1), 7, "day", date(2026, 3, 8), id="7-days-from-03-01"),
    pytest.param(date(2026, 3, 1), 15, "day", date(2026, 3, 16), id="15-days-from-03-01"),
    pytest.param(date(2026, 12, 25), 7, "day", date(2027, 1, 1), id="days-cross-new-year"),
    pytest.param(date(2024, 2, 28), 1, "day", date(2024, 2, 29), id="day-onto-leap-day"),
    pytest.param(date(2026, 2, 28), 1, "day", date(2026, 3, 1), id="day-over-february"),
    pytest.param(date(2026, 3, 1), 30, "day", date(2026, 3, 31), id="30-days-furniture"),
    pytest.param(date(2026, 3, 1), 60, "day", date(2026, 4, 30), id="60-days-furniture"),
    pytest.param(date(2026, 1, 31), 1, "month", date(2026, 2, 28), id="jan-31-plus-month"),
    pytest.param(date(2024, 1, 31), 1, "month", date(2024, 2, 29), id="jan-31-plus-month-leap"),
    pytest.param(date(2026, 3, 31), 1, "month", date(2026, 4, 30), id="mar-31-plus-month"),
    pytest.param(date(2026, 1, 30), 1, "month", date(2026, 2, 28), id="jan-30-plus-month"),
    pytest.param(date(2026, 1, 28), 1, "month", date(2026, 2, 28), id="jan-28-corresponding"),
    pytest.param(date(2026, 12, 15), 1, "month", date(2027, 1, 15), id="month-over-new-year"),
    pytest.param(date(2025, 8, 31), 6, "month", date(2026, 2, 28), id="battery-from-aug-31"),
    pytest.param(date(2026, 11, 30), 3, "month", date(2027, 2, 28), id="earphones-from-nov-30"),
    pytest.param(date(2026, 10, 31), 3, "month", date(2027, 1, 31), id="3-months-keeps-31"),
    pytest.param(date(2026, 3, 1), 12, "month", date(2027, 3, 1), id="12-months"),
    pytest.param(date(2024, 2, 29), 1, "year", date(2025, 2, 28), id="leap-day-plus-year"),
    pytest.param(date(2024, 2, 29), 4, "year", date(2028, 2, 29), id="leap-day-plus-4-years"),
    pytest.param(date(2023, 2, 28), 1, "year", date(2024, 2, 28), id="feb-28-stays-28"),
    pytest.param(date(2024, 2, 29), 12, "month", date(2025, 2, 28), id="leap-day-plus-12-months"),
    pytest.param(date(2026, 3, 1), 3, "year", date(2029, 3, 1), id="3-years-compressor"),
])
def test_period_end(start, length, unit, last_day):
    assert period_end(start, length, unit) == last_day


@pytest.mark.parametrize(("length", "unit"), [
    pytest.param(0, "day", id="zero-length"),
    pytest.param(-1, "month", id="negative-length"),
    pytest.param(7, "week", id="unknown-unit"),
    pytest.param(True, "day", id="bool-is-not-a-length"),
])
def test_invalid_periods_are_refused(length, unit):
    with pytest.raises(ValueError):
        period_end(date(2026, 3, 1), length, unit)
    with pytest.raises(ValueError):
        Period(length, unit)


@pytest.mark.parametrize(("end", "days", "extended"), [
    pytest.param(date(2027, 3, 1), 10, date(2027, 3, 11), id="ten-days"),
    pytest.param(date(2026, 12, 30), 5, date(2027, 1, 4), id="over-new-year"),
    pytest.param(date(2027, 3, 1), 0, date(2027, 3, 1), id="no-repair-no-change"),
])
def test_extend(end, days, extended):
    assert extend(end, days) == extended


def test_extend_refuses_negative_days():
    with pytest.raises(ValueError):
        extend(date(2027, 3, 1), -1)


def test_last_day_is_in_and_next_day_is_out():
    last_day = period_end(date(2026, 3, 1), 7, "day")
    assert is_within(last_day, last_day)
    assert not is_within(last_day + timedelta(days=1), last_day)


@given(start=st.dates(date(2000, 1, 1), date(2090, 12, 31)), months=st.integers(1, 240))
def test_months_land_on_corresponding_or_last_day(start, months):
    end = add_months(start, months)
    assert (end.year - start.year) * 12 + end.month - start.month == months
    if end.day != start.day:   # clamped: only when the target month is too short
        assert end.day < start.day
        assert (end + timedelta(days=1)).day == 1


@given(start=st.dates(date(2000, 1, 1), date(2090, 12, 31)), length=st.integers(1, 60),
       unit=st.sampled_from(["day", "month", "year"]))
def test_longer_periods_never_end_earlier(start, length, unit):
    assert start < period_end(start, length, unit) <= period_end(start, length + 1, unit)
