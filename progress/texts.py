"""What the customer reads: plain words for each status and step (seed 001: 处理进度查询). Internal
notes never reach the public page; only these sentences and the times do."""
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tickets.choices import Status, WaitReason

S = Status

STATUS_PLAIN = {
    S.REGISTERED: _("We have received your request."),
    S.PREPROCESSED: _("Our service desk has checked your request and is assigning an engineer."),
    S.DISPATCHED: _("An engineer has your request and will contact you soon."),
    S.REPLIED: _("The engineer is working on it."),
    S.WAITING: _("Your repair is waiting for something outside our hands (see below)."),
    S.SOLVED: _("The repair is done. We will call you to confirm that everything works."),
    S.CALLED_BACK: _("You confirmed the repair. We are closing your request."),
    S.REOPENED: _("The problem is not solved yet. The engineer is working on it again."),
    S.CLOSED: _("Your request is complete."),
    S.CANCELLED: _("Your request was cancelled."),
    S.MERGED: _("Your request was merged into another request about the same case."),
}

NEXT_STEP = {
    S.REGISTERED: _("Our service desk checks your request, usually within 30 minutes."),
    S.PREPROCESSED: _("An engineer is assigned, usually within 10 minutes."),
    S.DISPATCHED: _("The engineer contacts you within 30 minutes."),
    S.REPLIED: _("The engineer records the solution."),
    S.WAITING: _("Work resumes as soon as it arrives; we will keep you informed."),
    S.SOLVED: _("We call you to confirm the repair, usually within 20 minutes."),
    S.CALLED_BACK: _("Your request is closed and you receive a completion notice."),
    S.REOPENED: _("The engineer contacts you again."),
    S.CLOSED: "",
    S.CANCELLED: "",
    S.MERGED: "",
}

STEP_PLAIN = {
    "register": _("Request received"),
    "preprocess": _("Checked by the service desk"),
    "dispatch": _("Assigned to an engineer"),
    "reassign": _("Assigned to another engineer"),
    "reply": _("The engineer replied"),
    "hand_back": _("Returned to the service desk to assign again"),
    "wo_create": _("On-site visit arranged"),
    "wo_arrive": _("The engineer arrived at your place"),
    "wo_complete": _("On-site work done"),
    "wait": _("Waiting"),
    "resume": _("Work resumed"),
    "solve": _("Repair done"),
    "refund_paid": _("Refund paid"),
    "callback_ok": _("You confirmed the repair on our call"),
    "callback_failed": _("Not fixed yet: back to the engineer"),
    "close": _("Completed"),
    "close_unreachable": _("Closed: we could not reach you by phone"),
    "cancel": _("Cancelled"),
    "reopen": _("Reopened"),
}
PUBLIC_ACTIONS = tuple(STEP_PLAIN)

# The solution step of a return/refund ticket: the customer gets money back, not a repaired product.
REFUND_AGREED = _("Return accepted: your refund is on its way")

WAIT_PLAIN = {
    WaitReason.CUSTOMER: _("waiting for you"),
    WaitReason.PARTS: _("waiting for spare parts"),
    WaitReason.MANUFACTURER: _("at the manufacturer"),
}


def customer_summary(*, status: str, is_refund: bool, refund_state: str, amount: str, refund_due,
                     visit_window: str, visit_en_route: bool) -> tuple[str, str]:
    """(status sentence, next step) in plain words. A refund ticket speaks of the refund, never of a
    repair; a planned visit names its window. Pure: the caller passes what it read."""
    status_text, next_step = str(STATUS_PLAIN.get(status, "")), str(NEXT_STEP.get(status, ""))
    if is_refund and status in (S.SOLVED, S.CALLED_BACK, S.CLOSED):
        if refund_state == "paid":
            status_text = (gettext("Your refund of %(amount)s has been paid.") % {"amount": amount} if amount
                           else gettext("Your refund has been paid."))
            next_step = gettext("We call you to confirm that you received it.") if status == S.SOLVED else ""
        else:
            status_text = gettext("Your return is accepted. We are paying your refund.")
            due = f"{timezone.localtime(refund_due):%Y-%m-%d}" if refund_due else ""
            if amount and due:
                next_step = gettext("We pay %(amount)s back by %(due)s.") % {"amount": amount, "due": due}
            elif due:
                next_step = gettext("We pay your refund by %(due)s.") % {"due": due}
            else:
                next_step = gettext("We pay your refund within 7 working days.")
        if status == S.CLOSED:
            next_step = ""
    elif visit_window and status in (S.DISPATCHED, S.REPLIED, S.REOPENED, S.WAITING):
        next_step = (gettext("Our engineer is on the way to you (visit %(window)s).") if visit_en_route
                     else gettext("Our engineer visits you on %(window)s.")) % {"window": visit_window}
    return status_text, next_step


def completion_message(ticket) -> tuple[str, str]:
    """(subject, text) of the 完成通知, in the active language."""
    subject = gettext("Your service request %(number)s is complete") % {"number": ticket.number}
    text = gettext(
        "Dear %(name)s, your service request %(number)s is complete and has been confirmed with you on our "
        "callback. You can look up its history on our progress page with the ticket number and your phone "
        "number. Thank you for your patience. — After-sales service desk"
    ) % {"name": ticket.contact_name_shown, "number": ticket.number}
    return subject, text
