"""The SOP's status table (seed 002): the only place that knows which step may follow which.

Pure: no models, no clock. Services apply it (tickets/services.py:ticket_transition)."""
from typing import Final

from django.utils.translation import gettext_lazy as _

from core.errors import TransitionNotAllowed
from core.roles import Role

from .choices import OPEN_STATUSES, Status

S = Status
SAME: Final = "__same__"  # the action keeps the status (reassign, note)
RESUME: Final = "__resume__"  # back to the status saved when waiting began

TRANSITIONS: Final[dict[str, tuple[frozenset[str], str]]] = {
    #  action              may start from                                              ends in
    "preprocess":        (frozenset({S.REGISTERED}),                                   S.PREPROCESSED),
    "dispatch":          (frozenset({S.PREPROCESSED, S.REOPENED}),                     S.DISPATCHED),
    "reassign":          (frozenset({S.DISPATCHED, S.REPLIED}),                        SAME),
    "reply":             (frozenset({S.DISPATCHED}),                                   S.REPLIED),
    # pre-processing may solve a ticket by remote guidance (seed 003) without dispatch.
    "solve":             (frozenset({S.PREPROCESSED, S.DISPATCHED, S.REPLIED}),        S.SOLVED),
    "wait":              (frozenset({S.PREPROCESSED, S.DISPATCHED, S.REPLIED, S.REOPENED}), S.WAITING),
    "resume":            (frozenset({S.WAITING}),                                      RESUME),
    "callback_ok":       (frozenset({S.SOLVED}),                                       S.CALLED_BACK),
    "callback_failed":   (frozenset({S.SOLVED}),                                       S.REOPENED),  # 回访不合格
    "close":             (frozenset({S.CALLED_BACK}),                                  S.CLOSED),
    "close_unreachable": (frozenset({S.SOLVED}),                                       S.CLOSED),
    # Issue 14: a ticket may be cancelled (with a reason, tickets/lifecycle.py) from any open status.
    "cancel":            (frozenset(OPEN_STATUSES),                                    S.CANCELLED),
    "reopen":            (frozenset({S.CLOSED}),                                       S.REOPENED),
    # Issue 14: a duplicate is merged into another open ticket (tickets/merging.py); clocks stop as on cancel.
    "merge":             (frozenset(OPEN_STATUSES),                                    S.MERGED),
    # The engineer gives the ticket back to the desk (wrong skill, wrong area): it is dispatched again.
    "hand_back":         (frozenset({S.DISPATCHED, S.REPLIED}),                        S.PREPROCESSED),
}

ACTION_LABELS: Final = {
    "register": _("Register"),
    "preprocess": _("Pre-process"),
    "dispatch": _("Dispatch"),
    "reassign": _("Reassign"),
    "reply": _("Engineer reply"),
    "solve": _("Record solution"),
    "wait": _("Start waiting"),
    "resume": _("Resume"),
    "callback_ok": _("Callback: fixed"),
    "callback_failed": _("Callback: not fixed"),
    "close": _("Close"),
    "close_unreachable": _("Close: customer unreachable"),
    "cancel": _("Cancel"),
    "reopen": _("Reopen"),
    "merge": _("Merge into another ticket"),
    "merge_in": _("Duplicate merged in"),
    "note": _("Note"),
    "partner_confirmation": _("Partner confirmation"),
    "update": _("Update"),
    "hand_back": _("Hand back to the desk"),
}

# The timestamp each step stamps the first time it happens (to the minute, seed 002).
STAMPS: Final = {
    "preprocess": "preprocessed_at",
    "dispatch": "dispatched_at",
    "reply": "replied_at",
    "solve": "solved_at",
    "callback_ok": "called_back_at",
    "close": "closed_at",
    "close_unreachable": "closed_at",
}

DESK = frozenset({Role.RECEPTION, Role.MANAGER})
ACTION_ROLES: Final[dict[str, frozenset[str]]] = {
    "preprocess": DESK,
    "dispatch": DESK,
    "reassign": DESK,
    "reply": frozenset({Role.ENGINEER, Role.MANAGER}),
    "solve": frozenset({Role.ENGINEER, Role.MANAGER, Role.RECEPTION}),
    "wait": frozenset({Role.ENGINEER, Role.MANAGER, Role.RECEPTION}),
    "resume": frozenset({Role.ENGINEER, Role.MANAGER, Role.RECEPTION}),
    "callback_ok": DESK,
    # A partner disputes its own ticket's solution via POST …/confirmation/ (partners.services).
    "callback_failed": DESK | {Role.PARTNER},
    "close": DESK,
    "close_unreachable": DESK,
    # A partner may cancel its own ticket (the API only shows it its own); reopening is the desk's.
    "cancel": DESK | {Role.PARTNER},
    "reopen": DESK,
    # A partner may merge its own tickets into its own tickets (tickets/merging.py checks the pair).
    "merge": DESK | {Role.PARTNER},
    "hand_back": frozenset({Role.ENGINEER, Role.MANAGER}),
}
# Engineers act only on tickets dispatched to them.
ENGINEER_OWN_ONLY: Final = frozenset({"reply", "solve", "wait", "resume", "hand_back"})


def next_status(current: str, action: str, *, resume_status: str = "") -> str:
    sources, target = TRANSITIONS[action]
    if current not in sources:
        raise TransitionNotAllowed(
            current=current, action=action,
            current_label=str(Status(current).label) if current in Status.values else current,
            action_label=str(ACTION_LABELS.get(action, action)),
        )
    if target == SAME:
        return current
    if target == RESUME:
        return resume_status or S.DISPATCHED
    return target


def allowed_actions(current: str) -> list[str]:
    return [action for action, (sources, _target) in TRANSITIONS.items() if current in sources]
