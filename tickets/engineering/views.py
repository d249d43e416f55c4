"""The engineer's action panels on the ticket page (reply, solution, wait / resume, hand back).

Same contract as tickets.views.ticket_action_view: htmx swaps only 2xx, so a refusal is a 200 fragment
with the errors next to the fields; without htmx a refusal is the whole page with status 400."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from core.decorators import role_required
from core.errors import ApplicationError
from core.roles import Role, user_has_role

from .. import selectors
from . import services as engineering
from .forms import HandBackForm, ReplyForm, ResumeForm, SolutionForm, WaitForm
from ..views import _detail_context
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
    if not user_has_role(request.user, *ACTION_ROLES[action]):
        raise PermissionDenied  # no panel was offered: this is not a form to correct
    form = form_class(request.POST, prefix=action)
    refusal: ApplicationError | None = None
    if form.is_valid():
        try:
            _run(action=action, ticket=ticket, actor=request.user, data=form.cleaned_data)
        except ApplicationError as exc:
            refusal = exc
            if exc.field in form.fields:
                form.add_error(exc.field, exc.message)
        else:
            messages.success(request, done_message)
            return _after_success(request, number)
    ticket.refresh_from_db()
    context = _detail_context(request, ticket)
    context.update(engineer_forms={action: form}, failed_action=action)
    # A refusal not about one field (wrong status, not your ticket, an open work order) shows above the
    # panels, as in tickets.views: the panel of a step no longer allowed is not rendered at all.
    if refusal is not None and refusal.field not in form.fields:
        context["action_error"] = refusal.message
    if not request.htmx:
        status = refusal.status if refusal is not None and refusal.status >= 400 else 400
        return render(request, "tickets/detail.html", context, status=status)
    return render(request, "tickets/_detail_body.html", context)


def _after_success(request, number: str):
    # After a hand back the engineer no longer sees the ticket: send them to their queue.
    if not selectors.tickets_visible_to(user=request.user).filter(number=number).exists():
        target = reverse("tickets:mine")
        return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
    if not request.htmx:
        return redirect("tickets:detail", number=number)
    ticket = selectors.ticket_get_for_user(user=request.user, number=number)
    return render(request, "tickets/_detail_body.html", _detail_context(request, ticket))
