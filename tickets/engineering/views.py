"""The engineer's action panels on the ticket page (reply, solution, wait / resume, hand back), run by
core.steps like the desk's panels: a refusal is the panel again with the errors next to the fields."""
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from core.decorators import role_required
from core.roles import Role
from core.steps import page_step_run

from .. import selectors
from . import services as engineering
from .forms import HandBackForm, ReplyForm, ResumeForm, SolutionForm, WaitForm
from ..views import ticket_body_after_failure, ticket_body_after_success
from ..workflow import ACTION_ROLES

STAFF = (Role.RECEPTION, Role.ENGINEER, Role.MANAGER)

# action → (form, success message). The form prefix is the action: ids stay unique on the page.
ENGINEER_FORMS = {
    "reply": (ReplyForm, _("Reply recorded.")),
    "solve": (SolutionForm, _("Solution recorded.")),
    "wait": (WaitForm, _("The ticket is waiting.")),
    "resume": (ResumeForm, _("Work resumed.")),
    "hand_back": (HandBackForm, _("The ticket is back with the desk.")),
}


def _run(*, action: str, ticket, actor, data: dict) -> None:
    if action == "reply":
        engineering.ticket_reply(ticket=ticket, actor=actor, **data)
    elif action == "solve":
        engineering.ticket_solve(ticket=ticket, actor=actor, **data)
    elif action == "wait":
        engineering.ticket_wait(ticket=ticket, actor=actor, **data)
    elif action == "resume":
        engineering.ticket_resume(ticket=ticket, actor=actor, **data)
    elif action == "hand_back":
        engineering.ticket_hand_back(ticket=ticket, actor=actor, **data)


@require_POST
@role_required(*STAFF)
def engineer_action_view(request, number: str, action: str):
    if action not in ENGINEER_FORMS:
        raise Http404
    form_class, done_message = ENGINEER_FORMS[action]
    ticket = selectors.ticket_get_for_user(user=request.user, number=number, for_write=True)
    return page_step_run(
        request, form=form_class(request.POST, prefix=action), done=done_message, roles=ACTION_ROLES[action],
        run=lambda data: _run(action=action, ticket=ticket, actor=request.user, data=data),
        on_success=lambda: _after_success(request, number),
        on_failure=lambda form, general: ticket_body_after_failure(
            request, ticket, {}, general, engineer_forms={action: form}, failed_action=action),
    )


def _after_success(request, number: str):
    # After a hand back the engineer no longer sees the ticket: send them to their queue.
    if not selectors.tickets_visible_to(user=request.user).filter(number=number).exists():
        target = reverse("tickets:mine")
        return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
    return ticket_body_after_success(request, number)
