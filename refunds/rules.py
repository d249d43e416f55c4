"""When a refund is due: the close of the N-th working day after the day the return was accepted.

Pure (STYLE §2): the calendar is sla.businesstime's frozen value, so holidays and 调休 make-up days
count exactly as they do for the SLA clocks; no second timer system."""
from datetime import datetime, timedelta

from sla.businesstime import MIDNIGHT, Calendar, is_working_day

ONE_DAY = timedelta(days=1)


def refund_due_at(cal: Calendar, accepted_at: datetime, working_days: int) -> datetime:
    """The acceptance day itself never counts (seed 001: 7 working days *after* the return is received)."""
    if working_days < 1:
        raise ValueError("a refund needs at least one working day")
    day = accepted_at.astimezone(cal.tz).date()
    counted = 0
    for _ in range(working_days * 30 + 400):  # bounded: a calendar with no open days must not loop for ever
        day += ONE_DAY
        if is_working_day(cal, day):
            counted += 1
            if counted == working_days:
                break
    else:
        raise ValueError("the calendar has no working days ahead")
    _opens, closes = cal.windows_on(day)[-1]
    if closes == MIDNIGHT:
        return datetime.combine(day + ONE_DAY, MIDNIGHT, tzinfo=cal.tz)
    return datetime.combine(day, closes, tzinfo=cal.tz)
