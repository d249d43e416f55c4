"""The ticket page's collapsed panels load their form when opened (issue 16 §3).

Reassign, edit, cancel and the engineer's solution (before the reply), wait and hand back sit closed on most
visits, yet drawing their ~30 fields was half of the page's CPU. The page shows their <details> with a link;
opening one asks `GET …/panel/<action>/` (htmx: the form alone, swapped into the panel; without JavaScript the
link opens the form as a page). The form posts where it always did, and a refusal comes back on the ticket
page with that panel open (tickets/views.py ticket_body_after_failure). The same role and status rules as the
page decide: someone the page would not offer the step gets 403; a step the ticket's status no longer allows
answers why, as a 200 fragment (htmx swaps only 2xx) or a 409 page."""
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from core.decorators import role_required
from core.roles import Role, user_has_role

from . import selectors
from .forms import ReassignForm, device_category
from .forms_ops import CancelForm, TicketEditForm
from .templatetags.engineering_tags import engineer_form
from .workflow import ACTION_ROLES, allowed_actions

STAFF = (Role.RECEPTION, Role.ENGINEER, Role.MANAGER)
DESK = (Role.RECEPTION, Role.MANAGER)

# action → the panel's title (the fallback page's heading)
PANELS = {
    "reassign": gettext_lazy("Reassign"),
    "edit": gettext_lazy("Edit"),
    "cancel": gettext_lazy("Cancel the ticket"),
    "solve": gettext_lazy("Record the solution"),
    "wait": gettext_lazy("Wait (customer, parts, manufacturer)"),
    "hand_back": gettext_lazy("Hand back to the desk"),
}


def _form(action: str, ticket):
    if action == "reassign":
        return ReassignForm(category=device_category(ticket))
    if action == "edit":
        return TicketEditForm(ticket=ticket)
    if action == "cancel":
        return CancelForm()
    return engineer_form(action, ticket=ticket)


def _possible(action: str, ticket) -> bool:
    """What the ticket page would show now (tickets/views.py _detail_context, forms_ops.ops_context)."""
    if action == "edit":
        return ticket.is_open
    return action in allowed_actions(ticket.status)


@require_GET
@role_required(*STAFF)
def ticket_panel_view(request, number: str, action: str):
    if action not in PANELS:
        raise Http404
    ticket = selectors.ticket_get_for_user(user=request.user, number=number)  # invisible → 404
    roles = DESK if action == "edit" else ACTION_ROLES[action]
    if not user_has_role(request.user, *roles):
        raise PermissionDenied
    context = {"ticket": ticket, "title": PANELS[action], "form_template": f"tickets/_form_{action}.html"}
    if not _possible(action, ticket):
        context["refusal"] = _("This step is not possible on the ticket any more. Reload the ticket.")
        if request.htmx:
            return render(request, "tickets/_panel_refusal.html", context)
        return render(request, "tickets/panel.html", context, status=409)
    context["f"] = _form(action, ticket)
    return render(request, context["form_template"] if request.htmx else "tickets/panel.html", context)
