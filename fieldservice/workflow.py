"""The work order's status table: scheduled → en route → on site → work done → confirmed (or cancelled).

Pure: no models, no clock. fieldservice/services.py applies it with a conditional UPDATE."""
from typing import Final

from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from core.roles import Role

from .choices import WorkOrderStatus

W = WorkOrderStatus
SAME: Final = "__same__"  # a record on the order that keeps its status (inspection, a part, the fee)

TRANSITIONS: Final[dict[str, tuple[frozenset[str], str]]] = {
    #  step            may start from                                   ends in
    "reschedule":    (frozenset({W.SCHEDULED}),                         SAME),
    "depart":        (frozenset({W.SCHEDULED}),                         W.EN_ROUTE),
    # Arriving without tapping "depart" first is allowed: the departure time then stays empty.
    "arrive":        (frozenset({W.SCHEDULED, W.EN_ROUTE}),             W.ON_SITE),
    "inspect":       (frozenset({W.ON_SITE}),                           SAME),
    "add_part":      (frozenset({W.ON_SITE}),                           SAME),
    "remove_part":   (frozenset({W.ON_SITE}),                           SAME),
    "quote":         (frozenset({W.ON_SITE}),                           SAME),
    "approve_fee":   (frozenset({W.ON_SITE}),                           SAME),
    "complete":      (frozenset({W.ON_SITE}),                           W.WORK_DONE),
    "payment":       (frozenset({W.ON_SITE, W.WORK_DONE}),              SAME),
    "confirm":       (frozenset({W.WORK_DONE}),                         W.CONFIRMED),
    "cancel":        (frozenset({W.SCHEDULED, W.EN_ROUTE, W.ON_SITE}),  W.CANCELLED),
}

STEP_LABELS: Final = {
    "create": _("Schedule an on-site visit"),
    "reschedule": _("Reschedule"),
    "depart": _("Depart"),
    "arrive": _("Arrive"),
    "inspect": _("Listen, look, check"),
    "add_part": _("Add a replaced part"),
    "remove_part": _("Remove a part"),
    "quote": _("Quote the fee"),
    "approve_fee": _("Customer approves the fee"),
    "complete": _("Work done"),
    "payment": _("Record the receipt"),
    "confirm": _("Customer confirms"),
    "cancel": _("Cancel the visit"),
}

FIELD = frozenset({Role.ENGINEER, Role.MANAGER})
SCHEDULERS = frozenset({Role.ENGINEER, Role.RECEPTION, Role.MANAGER})
STEP_ROLES: Final[dict[str, frozenset[str]]] = {
    "create": SCHEDULERS,
    "reschedule": SCHEDULERS,
    "cancel": SCHEDULERS,
    **{step: FIELD for step in ("depart", "arrive", "inspect", "add_part", "remove_part", "quote", "approve_fee",
                                "complete", "payment", "confirm")},
}


def next_status(current: str, step: str) -> str:
    sources, target = TRANSITIONS[step]
    if current not in sources:
        if step == "confirm" and current in {W.SCHEDULED, W.EN_ROUTE, W.ON_SITE}:
            # Seed 003 5.2.2: 不允许在服务前要求客户签字.
            raise ApplicationError(_("The customer signs only after the work is recorded as done."),
                                   code="signature_before_work_done", field="status")
        raise ApplicationError(
            _("“%(step)s” is not possible while the work order is “%(status)s”.")
            % {"step": STEP_LABELS.get(step, step), "status": W(current).label if current in W.values else current},
            code="transition_not_allowed", field="status",
        )
    return current if target == SAME else target


def allowed_steps(current: str) -> list[str]:
    return [step for step, (sources, _target) in TRANSITIONS.items() if current in sources]
