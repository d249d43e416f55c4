"""Dates as reception types them, in one text box: 20261127, 2026-11-27, 1127 (this year), with a time for a
moment: "1127 18:00", "20261127 1800", "2026-11-27T18:00". Pure: "today" is an argument (the desk's, in
Asia/Shanghai, given by the form field in core/fields.py). Anything else raises ValueError."""
import re
from datetime import date, time

_FULL = (re.compile(r"(\d{4})(\d{2})(\d{2})"),                          # 20261127
         re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"))  # 2026-11-27, 2026/11/27, 2026年11月27日
_THIS_YEAR = (re.compile(r"(\d{2})(\d{2})"),                            # 1127
              re.compile(r"(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"))      # 11-27, 11/27, 11月27日
_TIME = (re.compile(r"(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?"),            # 18, 18:00, 18:00:00
         re.compile(r"(\d{2})(\d{2})"))                                 # 1800


def parse_typed_date(text: str, *, today: date) -> date:
    value = text.strip()
    for pattern in _FULL:
        if match := pattern.fullmatch(value):
            year, month, day = (int(part) for part in match.groups())
            return date(year, month, day)  # ValueError for month 13, 31 February, year 0
    for pattern in _THIS_YEAR:
        if match := pattern.fullmatch(value):
            month, day = (int(part) for part in match.groups())
            return date(today.year, month, day)
    raise ValueError(f"not a typed date: {text!r}")


def parse_typed_time(text: str) -> time:
    value = text.strip()
    for pattern in _TIME:
        if match := pattern.fullmatch(value):
            hour, minute, second = (int(part or 0) for part in (match.groups() + (None,))[:3])
            return time(hour, minute, second)  # ValueError for 25:00
    raise ValueError(f"not a typed time: {text!r}")


def parse_typed_datetime(text: str, *, today: date) -> tuple[date, time]:
    """A date and a time, separated by a space or a "T"; the time is required (a promise names the hour)."""
    parts = re.split(r"\s*[T\s]\s*", text.strip(), maxsplit=1)
    if len(parts) != 2:
        raise ValueError(f"no time in {text!r}")
    return parse_typed_date(parts[0], today=today), parse_typed_time(parts[1])
