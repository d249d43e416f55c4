"""Business time: the company's open hours between two instants, and where N of them end.

Pure arithmetic over a frozen `Calendar` value (STYLE §2): no Django, no database, and "now" is
always an argument. A calendar's windows are local wall-clock times in its zone, but every sum
and difference is taken in UTC: Python subtracts two datetimes that share a tzinfo on the wall
clock, which would bend a clock across a DST change (Asia/Shanghai has none; a partner's or a
branch's calendar may).

Windows are half-open, [opens, closes): an instant at 17:00 on an 8:00–17:00 calendar is closed,
yet adding exactly the rest of a window lands *on* its close (17:00), not on the next morning.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

Window = tuple[time, time]  # (opens, closes); closes == 00:00 means 24:00, the end of the day
DayWindows = tuple[Window, ...]

MIDNIGHT = time(0)
ALL_DAY: DayWindows = ((MIDNIGHT, MIDNIGHT),)
ZERO = timedelta(0)
ONE_DAY = timedelta(days=1)
MINUTE = timedelta(minutes=1)


def _since_midnight(t: time) -> timedelta:
    return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)


def _validated_windows(windows: Iterable[Window], what: str) -> DayWindows:
    result = tuple((opens, closes) for opens, closes in windows)
    previous_close = ZERO
    for opens, closes in result:
        if not (isinstance(opens, time) and isinstance(closes, time)):
            raise TypeError(f"{what}: a window is a pair of datetime.time, got {opens!r}, {closes!r}")
        if opens.tzinfo is not None or closes.tzinfo is not None:
            raise ValueError(f"{what}: window times are local to the calendar's zone, not aware")
        lo, hi = _since_midnight(opens), _since_midnight(closes) or ONE_DAY
        if lo >= hi:
            raise ValueError(f"{what}: window {opens}–{closes} does not open before it closes")
        if lo < previous_close:
            raise ValueError(f"{what}: windows must be in order and must not overlap")
        previous_close = hi
    return result


@dataclass(frozen=True)
class Calendar:
    """Open hours per weekday, public holidays and 调休 make-up working days, in one zone.

    `always_open` marks a 24×7 calendar: windows and holidays are then ignored and arithmetic
    takes a fast path (plain UTC addition).
    """

    tz: ZoneInfo
    windows_by_weekday: tuple[DayWindows, ...]  # Mon..Sun; () is a closed day
    holidays: frozenset[date] = frozenset()
    makeup_days: frozenset[date] = frozenset()  # 调休: weekend days worked in lieu of a holiday
    makeup_windows: DayWindows | None = None  # None: a make-up day keeps Monday's hours
    always_open: bool = False

    def __post_init__(self) -> None:
        # Coerce on the way in so a value built from DB rows (lists, sets) is still hashable.
        days = tuple(self.windows_by_weekday)
        if len(days) != 7:
            raise ValueError(f"windows_by_weekday needs 7 entries (Mon..Sun), got {len(days)}")
        names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
        object.__setattr__(self, "windows_by_weekday",
                           tuple(_validated_windows(w, name) for w, name in zip(days, names)))
        if self.makeup_windows is not None:
            object.__setattr__(self, "makeup_windows",
                               _validated_windows(self.makeup_windows, "makeup_windows"))
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "makeup_days", frozenset(self.makeup_days))
        if both := self.holidays & self.makeup_days:
            # Silently letting one side win would move SLA deadlines by a day; fail at load time.
            raise ValueError(f"dates are both holiday and make-up day: {sorted(both)}")

    @classmethod
    def twenty_four_seven(cls, tz: ZoneInfo) -> Calendar:
        return cls(tz=tz, windows_by_weekday=(ALL_DAY,) * 7, always_open=True)

    @classmethod
    def working_hours(cls, tz: ZoneInfo, windows: Iterable[Window], weekdays: Iterable[int] = range(5),
                      holidays: Iterable[date] = (), makeup_days: Iterable[date] = (),
                      makeup_windows: Iterable[Window] | None = None) -> Calendar:
        """The same `windows` on each of `weekdays` (0 = Monday); make-up days use `windows`
        unless `makeup_windows` says otherwise."""
        day = tuple(windows)
        open_weekdays = set(weekdays)
        if not open_weekdays <= set(range(7)):
            raise ValueError(f"weekdays are 0 (Monday) .. 6 (Sunday), got {sorted(open_weekdays)}")
        week = tuple(day if weekday in open_weekdays else () for weekday in range(7))
        return cls(tz=tz, windows_by_weekday=week,
                   holidays=frozenset(holidays), makeup_days=frozenset(makeup_days),
                   makeup_windows=day if makeup_windows is None else tuple(makeup_windows))

    def windows_on(self, day: date) -> DayWindows:
        if self.always_open:
            return ALL_DAY
        if day in self.makeup_days:
            return self.windows_by_weekday[0] if self.makeup_windows is None else self.makeup_windows
        if day in self.holidays:
            return ()
        return self.windows_by_weekday[day.weekday()]


def chinese_holidays(year_from: int, year_to: int, *,
                     include_weekends: bool = False) -> tuple[frozenset[date], frozenset[date]]:
    """(holidays, make-up working days) of the State Council schedule, from `chinese_calendar`.

    By default only holidays on Monday–Friday are returned: on a weekend they change nothing for a
    Mon–Fri calendar. `include_weekends=True` returns every day of each holiday period, which a
    calendar open at weekends needs (Saturday 2025-10-04 is National Day, too).
    """
    known = sorted(chinese_calendar.holidays)
    first_known, last_known = known[0].year, known[-1].year
    if not first_known <= year_from <= year_to <= last_known:
        # A year without data would silently count every holiday as a working day.
        raise ValueError(f"chinese_calendar {chinese_calendar.__version__} knows {first_known}–"
                         f"{last_known}; asked for {year_from}–{year_to}")
    holidays = frozenset(d for d in known if year_from <= d.year <= year_to
                         and (include_weekends or d.weekday() < 5))
    makeup_days = frozenset(d for d in chinese_calendar.workdays
                            if year_from <= d.year <= year_to and d.weekday() >= 5)
    return holidays, makeup_days


# --- the arithmetic -------------------------------------------------------------------------

def _require_aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got naive {value.isoformat()}")
    return value.astimezone(UTC)


def _local_day(cal: Calendar, instant: datetime) -> date:
    return instant.astimezone(cal.tz).date()


def _day_intervals(cal: Calendar, day: date) -> Iterator[tuple[datetime, datetime]]:
    """The UTC [opens, closes) intervals of `day`'s windows, in order."""
    for opens, closes in cal.windows_on(day):
        lo = datetime.combine(day, opens, tzinfo=cal.tz).astimezone(UTC)
        close_day = day + ONE_DAY if closes == MIDNIGHT else day
        hi = datetime.combine(close_day, closes, tzinfo=cal.tz).astimezone(UTC)
        if lo < hi:  # a window inside a DST gap can collapse; it then has no time to give
            yield lo, hi


def _last_open_day(cal: Calendar) -> date | None:
    """None when some weekday is open, so open time never runs out; otherwise only make-up days
    can be open and the last of them bounds the search."""
    if cal.always_open or any(cal.windows_by_weekday):
        return None
    makeup_open = cal.windows_by_weekday[0] if cal.makeup_windows is None else cal.makeup_windows
    if not (makeup_open and cal.makeup_days):
        return date.min
    return max(cal.makeup_days)


def _open_intervals(cal: Calendar, day: date) -> Iterator[tuple[datetime, datetime]]:
    """Every open interval from `day` on. Closed days (weekend, holiday) cost a set lookup each;
    a calendar with no open time left raises instead of looping for ever."""
    last_open_day = _last_open_day(cal)
    while True:
        if last_open_day is not None and day > last_open_day:
            after = "at all" if last_open_day == date.min else f"after {last_open_day}"
            raise ValueError(f"calendar has no open time {after}")
        yield from _day_intervals(cal, day)
        day += ONE_DAY


def is_working_day(cal: Calendar, d: date) -> bool:
    return bool(cal.windows_on(d))


def is_open(cal: Calendar, t: datetime) -> bool:
    instant = _require_aware(t, "t")
    if cal.always_open:
        return True
    return any(lo <= instant < hi for lo, hi in _day_intervals(cal, _local_day(cal, instant)))


def next_open(cal: Calendar, t: datetime) -> datetime:
    """The first open instant at or after `t` (`t` itself when open), in the calendar's zone."""
    instant = _require_aware(t, "t")
    if cal.always_open:
        return instant.astimezone(cal.tz)
    for lo, hi in _open_intervals(cal, _local_day(cal, instant)):
        if hi > instant:
            return max(lo, instant).astimezone(cal.tz)
    raise AssertionError("_open_intervals either yields for ever or raises")


def add_business_time(cal: Calendar, start: datetime, delta: timedelta) -> datetime:
    """The earliest instant by which `delta` of open time has passed since `start`.

    Zero returns `start` unchanged (converted to the calendar's zone), even when closed; a
    positive `delta` lands inside a window or exactly on its close.
    """
    instant = _require_aware(start, "start")
    if delta < ZERO:
        raise ValueError(f"business time to add must not be negative, got {delta}")
    if delta == ZERO or cal.always_open:
        return (instant + delta).astimezone(cal.tz)
    remaining = delta
    for lo, hi in _open_intervals(cal, _local_day(cal, instant)):
        if hi <= instant:
            continue
        instant = max(instant, lo)
        available = hi - instant
        if remaining <= available:
            return (instant + remaining).astimezone(cal.tz)
        remaining -= available
        instant = hi
    raise AssertionError("_open_intervals either yields for ever or raises")


def add_business_minutes(cal: Calendar, start: datetime, minutes: float) -> datetime:
    if not math.isfinite(minutes):
        raise ValueError(f"minutes must be finite, got {minutes}")
    return add_business_time(cal, start, timedelta(minutes=minutes))


def business_time_between(cal: Calendar, start: datetime, end: datetime) -> timedelta:
    """Open time inside [start, end); zero when `end` is not after `start`."""
    lower, upper = _require_aware(start, "start"), _require_aware(end, "end")
    if upper <= lower:
        return ZERO
    if cal.always_open:
        return upper - lower
    total = ZERO
    day, last_day = _local_day(cal, lower), _local_day(cal, upper)
    while day <= last_day:
        for lo, hi in _day_intervals(cal, day):
            overlap = min(hi, upper) - max(lo, lower)
            if overlap > ZERO:
                total += overlap
        day += ONE_DAY
    return total


def business_minutes_between(cal: Calendar, start: datetime, end: datetime) -> float:
    return business_time_between(cal, start, end) / MINUTE
