from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CallbackKind(models.TextChoices):
    SOLUTION = "solution", _("After a solution")  # seed 002: within 20 minutes of the solution
    PERIODIC = "periodic", _("Periodic (high-value product)")  # seed 003: 价值较高的产品定期回访


class CallbackState(models.TextChoices):
    # A context keeps these apart from the same English words used for tickets, clocks and exports.
    DUE = "due", pgettext_lazy("callback state", "Due")
    DONE = "done", pgettext_lazy("callback state", "Done")  # reached, fixed (or, for a periodic call, contacted)
    FAILED = "failed", pgettext_lazy("callback state", "Failed")  # reached, not fixed or disputed: 回访不合格
    UNREACHABLE = "unreachable", _("Unreachable, retry scheduled")
    CLOSED = "closed", pgettext_lazy("callback state", "Closed")  # attempts exhausted, or settled elsewhere


OPEN_STATES = (CallbackState.DUE, CallbackState.UNREACHABLE)


class CallbackOutcome(models.TextChoices):
    FIXED = "fixed", _("Fixed, confirmed by the customer")
    NOT_FIXED = "not_fixed", _("Not fixed")
    DISPUTED = "disputed", _("Customer disputes the solution")
    CONTACTED = "contacted", _("Customer contacted")  # a periodic call: nothing to confirm
    UNREACHABLE = "unreachable", _("Customer unreachable")
    SETTLED_ELSEWHERE = "settled_elsewhere", _("Settled outside the callback desk")
    TICKET_CANCELLED = "ticket_cancelled", _("Ticket cancelled")  # nothing left to confirm (issue 14)


# What the caller may pick after reaching the customer.
REACHED_OUTCOMES = (CallbackOutcome.FIXED, CallbackOutcome.NOT_FIXED, CallbackOutcome.DISPUTED,
                    CallbackOutcome.CONTACTED)
FAILED_OUTCOMES = (CallbackOutcome.NOT_FIXED, CallbackOutcome.DISPUTED)
# For the API schema (ENUM_NAME_OVERRIDES): the outcomes a caller may record, as their own enum.
REACHED_OUTCOME_CHOICES = [(o.value, o.label) for o in REACHED_OUTCOMES]
