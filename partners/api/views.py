"""Partner-only API operations. Creating, reading, updating and noting tickets are tickets.api's."""
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import RoleRequired
from core.openapi import ETAG
from core.roles import Role
from partners.services import ticket_partner_confirm
from tickets import selectors
from tickets.api.concurrency import with_etag
from tickets.api.serializers import TicketOutput


class ConfirmationInput(serializers.Serializer):
    accepted = serializers.BooleanField(help_text="true: the solution is confirmed; false: disputed.")
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class TicketConfirmationApi(APIView):
    permission_classes = [RoleRequired]
    roles = {Role.PARTNER}
    required_scope = "tickets:update"

    @extend_schema(
        request=ConfirmationInput, responses=TicketOutput, operation_id="tickets_partner_confirmation",
        parameters=[ETAG],
        description="The ticket's partner confirms or disputes the recorded solution (status `solved`). "
        "Both are recorded on the timeline as `partner_confirmation`. A dispute reopens the ticket "
        "(the `callback_failed` step: solved → reopened); an acceptance changes no status. One answer "
        "per recorded solution; another partner's ticket is a 404.",
        examples=[
            OpenApiExample("accept", value={"accepted": True, "comment": "维修结果确认无误"}, request_only=True),
            OpenApiExample("dispute", value={"accepted": False, "comment": "客户反馈问题依旧"}, request_only=True),
        ],
    )
    def post(self, request, number: str):
        ticket = selectors.ticket_get_for_user(user=request.user, number=number, for_write=True)
        data = ConfirmationInput(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = ticket_partner_confirm(ticket=ticket, actor=request.user, **data.validated_data)
        return with_etag(Response(TicketOutput(ticket).data), ticket)
