"""The ticket page's callback panel: history of callbacks and, on a complaint, its promised answer time."""
from django import template

from core.roles import Role, user_has_role
from tickets.choices import Kind

from ..forms import ComplaintPromiseForm
from ..selectors import callbacks_for_ticket, complaint_for_ticket

register = template.Library()


def panel_context(request, ticket, promise_form=None) -> dict:
    complaint = complaint_for_ticket(ticket=ticket) if ticket.kind == Kind.COMPLAINT else None
    is_desk = user_has_role(request.user, Role.RECEPTION, Role.MANAGER)
    if promise_form is None and complaint is not None and is_desk:
        promise_form = ComplaintPromiseForm(initial={"promised_answer_at": complaint.promised_answer_at})
    return {
        "request": request, "ticket": ticket, "callbacks": callbacks_for_ticket(ticket=ticket),
        "complaint": complaint, "promise_form": promise_form if is_desk else None, "is_desk": is_desk,
    }


@register.inclusion_tag("callbacks/_ticket_panel.html", takes_context=True)
def ticket_callbacks_panel(context, ticket):
    return panel_context(context["request"], ticket)
