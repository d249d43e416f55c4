from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.decorators import role_required
from core.errors import ApplicationError
from core.roles import Role, user_has_role
from tickets.selectors import ticket_get_for_user

from .forms import RefundPaidForm
from .models import Refund
from .selectors import refunds_for_ticket
from .services import refund_mark_paid


@require_POST
@role_required(Role.RECEPTION, Role.MANAGER)
def refund_paid_view(request, pk: int):
    refund = get_object_or_404(Refund, pk=pk)
    ticket = ticket_get_for_user(user=request.user, pk=refund.ticket_id, for_write=True)
    form, error = RefundPaidForm(request.POST), None
    if form.is_valid():
        try:
            refund = refund_mark_paid(refund=refund, actor=request.user, **form.cleaned_data)
            form = None
        except ApplicationError as exc:
            form.add_error(exc.field, exc.message)
            error = exc.message
    return render(request, "refunds/_panel.html", {"ticket": ticket, "refunds": [refund], "form": form,
                                                   "can_pay": True, "now": timezone.now(),
                                                   "error": error})


def ticket_panel_context(*, request, ticket) -> dict:
    """The ticket page's refund card (tickets.hooks panel): the refunds, and the paid form for the desk."""
    refunds = refunds_for_ticket(ticket=ticket)
    can_pay = user_has_role(request.user, Role.RECEPTION, Role.MANAGER)
    return {"refunds": refunds, "can_pay": can_pay, "now": timezone.now(),
            "form": RefundPaidForm(initial={"amount": refunds[0].amount}) if refunds and can_pay else None}
