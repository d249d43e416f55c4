"""How a clock reads on a page: time left or overdue ("剩余 23 小时 59 分", core.durations, the one formatter of
countdowns), and a colour. Pure: `now` is an argument; the template tags in sla/templatetags/sla_tags.py pass
the request's time."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from core.durations import countdown_text, duration_text

from .choices import ClockState
from .clockmath import is_past_due, minutes_overdue


@dataclass(frozen=True)
class ClockLine:
    clock: object
    tone: str  # Bootstrap contextual colour: success, warning, danger, secondary, info
    text: str


def clock_line(clock, now: datetime) -> ClockLine:
    if clock.state == ClockState.CANCELLED:
        return ClockLine(clock, "secondary", _("not needed any more"))
    if clock.met_at is not None:
        if clock.breached_at is not None:
            late = minutes_overdue(clock.due_at, clock.met_at)
            return ClockLine(clock, "danger", _("done %(late)s late") % {"late": duration_text(late)})
        return ClockLine(clock, "success", _("met"))
    if clock.due_at is not None and is_past_due(clock.due_at, now):
        text = countdown_text(clock.due_at, now)
        if clock.paused_since is not None:
            text += " · " + _("paused")
        return ClockLine(clock, "danger", text)
    if clock.paused_since is not None:
        return ClockLine(clock, "info", _("paused"))
    if clock.due_at is None:
        return ClockLine(clock, "secondary", "—")
    tone = "warning" if clock.warn_at is not None and now >= clock.warn_at else "success"
    return ClockLine(clock, tone, countdown_text(clock.due_at, now))
