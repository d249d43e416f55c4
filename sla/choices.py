from django.db import models
from django.utils.translation import gettext_lazy as _


class Step(models.TextChoices):
    """The SOP steps that carry a promise (seed 002), in SOP order."""

    PREPROCESS = "preprocess", _("Pre-process")
    DISPATCH = "dispatch", _("Dispatch")
    FIRST_REPLY = "first_reply", _("Engineer reply")
    SOLUTION = "solution", _("Solution")
    CALLBACK = "callback", _("Callback")


# Position of each step in the SOP: clocks are written and shown in this order.
STEP_ORDER = {step: index for index, step in enumerate(Step.values)}


class ClockEvent(models.TextChoices):
    """What happens to a ticket that may start or stop a clock (see sla/lifecycle.py ACTION_EVENTS)."""

    REGISTERED = "registered", _("Registered")
    PREPROCESSED = "preprocessed", _("Pre-processed")
    DISPATCHED = "dispatched", _("Dispatched")
    REPLIED = "replied", _("Engineer replied")
    SOLVED = "solved", _("Solution recorded")
    CALLED_BACK = "called_back", _("Called back")
    CLOSED = "closed", _("Closed")


class ClockState(models.TextChoices):
    PENDING = "pending", _("Not started")
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    MET = "met", _("Met")
    BREACHED = "breached", _("Breached")
    CANCELLED = "cancelled", _("Not needed")


class SlaEventKind(models.TextChoices):
    WARNING = "warning", _("Warning")
    BREACH = "breach", _("Breach")
    ESCALATION = "escalation", _("Escalation")


class Recipient(models.TextChoices):
    """Whom a warning, a breach or an escalation is told to, besides the users named on the target. A partner
    account is never told (sla.notifications): a partner hears of a breach through its webhook."""

    RECEPTION = "reception", _("The desk on duty (every reception user)")
    ASSIGNEE = "assignee", _("The ticket's engineer (the desk while none is assigned)")
    LEAD = "lead", _("The engineer's team lead")
    MANAGER = "manager", _("Every manager")
    CREATOR = "creator", _("Who registered the ticket (unless a partner)")


class CalendarYearSource(models.TextChoices):
    PACKAGE = "chinese_calendar", _("chinese-calendar package")
    ADMIN = "admin", _("Typed in the admin")
    FILE = "file", _("Imported from a file")


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday (closed)")
    MAKEUP_WORKDAY = "makeup_workday", _("Make-up working day (调休, open)")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")
