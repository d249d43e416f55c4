"""How a span of time reads to a person (STYLE §10): "23 小时 59 分", "2 天 3 小时", "超时 1 小时 5 分".

The one formatter for countdowns: the engineer's queue cards, the ticket page's clocks (sla.display), the
list's due cells (tickets/templatetags/ticket_rows.py) and the `countdown` template filter all call it, so a
clock reads the same wherever it is seen. Pure: `now` is an argument; it lives in core because tickets,
which may import only core, renders list cells with it.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.utils.translation import gettext as _

MINUTE = timedelta(minutes=1)
# Up to two days a countdown is read in hours and minutes ("47 小时 59 分"); beyond, days and hours: the
# minutes of a deadline three days away are noise, and "73 小时" has to be divided in the head.
DAYS_AFTER_MINUTES = 48 * 60


def duration_text(minutes: int, *, gettext=_) -> str:
    """Whole minutes → "37 分钟" / "23 小时 59 分" / "2 小时" / "2 天 3 小时" (English "37 min", "23 h 59 min").
    `gettext`: the translation function — a page of rows passes one that remembers its answers (each call of
    Django's looks the active language up, ~10 Python calls)."""
    _ = gettext
    minutes = max(0, int(minutes))
    if minutes > DAYS_AFTER_MINUTES:
        days, hours = divmod(minutes // 60, 24)
        if hours:
            return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
        return _("%(days)d d") % {"days": days}
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _("%(minutes)d min") % {"minutes": rest}
    if not rest:
        return _("%(hours)d h") % {"hours": hours}
    return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": rest}


def minutes_between(start: datetime, end: datetime) -> int:
    """Whole wall-clock minutes from `start` to `end` (floor, as times are shown to the minute); 0 if none."""
    return max(0, (end.astimezone(UTC) - start.astimezone(UTC)) // MINUTE)


def countdown_text(due: datetime, now: datetime, *, gettext=_) -> str:
    """"剩余 23 小时 59 分" before the deadline (inclusive, as sla.clockmath.is_past_due), "超时 1 小时 5 分" after."""
    if now > due:
        return gettext("overdue %(late)s") % {"late": duration_text(minutes_between(due, now), gettext=gettext)}
    return gettext("%(left)s left") % {"left": duration_text(minutes_between(now, due), gettext=gettext)}


def step_countdown_text(step: str, due: datetime, now: datetime) -> str:
    """"工程师回复 · 剩余 23 小时 59 分": a countdown always says which step it belongs to."""
    return f"{step} · {countdown_text(due, now)}" if step else countdown_text(due, now)
