"""Date arithmetic for 三包 periods, counted the way Chinese civil law counts them.

《民法典》第二百零一条: the day a period starts on is not counted; counting begins the next day.
So a 7-day period bought on 03-01 runs 03-02 … 03-08 and its last day is start + 7 days.
《民法典》第二百零二条: a month or year period ends on the corresponding day of the final month,
or on that month's last day when it has none (2024-02-29 + 1 year → 2025-02-28).

《民法典》第二百零三条, and for phones the 2001 三包 regulation ("三包有效期的最后一天为法定休假日的，
以休假日的次日为三包有效期的最后一天"): a last day on a statutory rest day moves to the day after the
rest. The rest days are data (`RestDays`), passed in by the caller: weekends, the State Council's
public holidays, and not the 调休 weekend days that are worked in lieu.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from dataclasses import field
from datetime import date, timedelta
from typing import Literal, get_args

Unit = Literal["day", "month", "year"]
UNITS: frozenset[str] = frozenset(get_args(Unit))


@dataclass(frozen=True)
class Period:
    """A period length as policies state it: `Period(7, "day")`, `Period(6, "month")`."""

    length: int
    unit: Unit

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unknown period unit {self.unit!r}; expected one of {sorted(UNITS)}")
        if isinstance(self.length, bool) or not isinstance(self.length, int) or self.length <= 0:
            raise ValueError(f"period length must be a positive integer, got {self.length!r}")

    def __str__(self) -> str:
        return f"{self.length} {self.unit}{'' if self.length == 1 else 's'}"


def add_months(start: date, months: int) -> date:
    """The corresponding day `months` later, clamped to the month's last day (第二百零二条)."""
    year, month_index = divmod(start.month - 1 + months, 12)
    year += start.year
    month = month_index + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))


def period_end(start: date, length: int, unit: Unit) -> date:
    """The last day (inclusive) of a period of `length` units that starts on `start`.

    `start` itself is not counted, so a report on the returned date is still within the period
    and a report the day after is not.
    """
    Period(length, unit)  # one place validates length and unit
    if unit == "day":
        return start + timedelta(days=length)
    if unit == "month":
        return add_months(start, length)
    return add_months(start, 12 * length)


def end_of(start: date, period: Period) -> date:
    """`period_end` for a `Period` value."""
    return period_end(start, period.length, period.unit)


def extend(end: date, days: int) -> date:
    """Move a last day back by `days`, e.g. the days the item spent in repair (seed 001:
    三包期 "扣除因返厂修理和无零配件待修占用的时间")."""
    if days < 0:
        raise ValueError(f"cannot extend a period by a negative number of days ({days})")
    return end + timedelta(days=days)


def is_within(report_date: date, last_day: date) -> bool:
    """The last day is still inside the period; the day after is out."""
    return report_date <= last_day


@dataclass(frozen=True)
class RestDays:
    """Statutory rest days (法定休假日): Saturdays and Sundays unless worked as 调休 make-up days, and
    the public holidays. `weekends=False` with no holidays is "no calendar": periods end on their
    calendar date (the pure tables, and callers that have no calendar)."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)  # 调休: weekend days that are worked
    weekends: bool = True

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date):
            return False
        if day in self.holidays:
            return True
        return self.weekends and day.weekday() >= 5 and day not in self.workdays


NO_REST_DAYS = RestDays(weekends=False)


def after_rest(last_day: date, rest_days: RestDays) -> date:
    """The last day of a period, moved to the day after the rest when it falls on a rest day
    (a last day in the National Day week moves to the first day after it, which may be a 调休 Saturday)."""
    day = last_day
    while day in rest_days:
        day += timedelta(days=1)
    return day
