"""Cancel and reopen over the API (issue 14): thin steps over tickets/lifecycle.py (core.steps contract)."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import serializers

from core.errors import ApplicationError
from core.roles import Role
from tickets import selectors
from tickets.lifecycle import CancelReason, ticket_cancel, ticket_reopen

from .serializers import TicketOutput
from .views import _ActionApi


class TicketCancelInput(serializers.Serializer):
    reason = serializers.ChoiceField(choices=CancelReason.choices,
                                     help_text="Why: a duplicate, the customer withdrew, registered by mistake, other.")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="",
                                 help_text="Required with reason `other`.")


class ReopenInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="Why the ticket is reopened.")
    engineer = serializers.CharField(max_length=150, required=False, allow_blank=True, default="",
                                     help_text="An engineer's username; empty: back to the last engineer.")


@extend_schema_view(post=extend_schema(
    request=TicketCancelInput, responses=TicketOutput, operation_id="tickets_cancel",
    examples=[OpenApiExample("duplicate", request_only=True, value={"reason": "duplicate", "note": "同 SD-20260301-0007"})],
    description="Cancel an open ticket with a reason. Its SLA clocks stop (neither met nor breached), open "
    "callbacks and visits are cancelled, the partner gets `ticket.cancelled`. A partner may cancel its own "
    "tickets; a closed or cancelled ticket → 409."))
class TicketCancelApi(_ActionApi):
    roles = {Role.RECEPTION, Role.MANAGER, Role.PARTNER}
    Input = TicketCancelInput

    def perform(self, request, ticket, data):
        return ticket_cancel(ticket=ticket, actor=request.user, reason=data["reason"], note=data["note"])


@extend_schema_view(post=extend_schema(
    request=ReopenInput, responses=TicketOutput, operation_id="tickets_reopen",
    description="Reopen a closed ticket within the reopen window (30 days unless the admin says otherwise): "
    "a new round of SLA clocks; back to the last engineer unless `engineer` names another. Desk only."))
class TicketReopenApi(_ActionApi):
    roles = {Role.RECEPTION, Role.MANAGER}
    Input = ReopenInput

    def perform(self, request, ticket, data):
        engineer = None
        if data["engineer"]:
            engineer = selectors.engineers_active().filter(username=data["engineer"]).first()
            if engineer is None:
                raise ApplicationError(_("Choose an active engineer."), code="not_engineer", field="engineer",
                                       status=400)
        return ticket_reopen(ticket=ticket, actor=request.user, reason=data["reason"], engineer=engineer)
