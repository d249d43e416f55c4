from django import template
from django.utils import timezone

from core.roles import Role, user_has_role

from ..forms import RefundPaidForm
from ..models import Refund

register = template.Library()


@register.inclusion_tag("refunds/_panel.html", takes_context=True)
def ticket_refunds_panel(context, ticket):
    refunds = list(Refund.objects.filter(ticket_id=ticket.pk).order_by("-created_at"))
    user = context["request"].user
    can_pay = user_has_role(user, Role.RECEPTION, Role.MANAGER)
    return {"ticket": ticket, "refunds": refunds, "can_pay": can_pay, "now": timezone.now(),
            "form": RefundPaidForm(initial={"amount": refunds[0].amount}) if refunds and can_pay else None,
            "request": context["request"]}
