"""Merging a duplicate over the API (issue 14, part 3): a thin step over tickets/merging.py.

A merged ticket's number keeps answering `GET /api/v1/tickets/{number}/` with 200, its status `merged`
and `merged_into` naming the survivor — not a 301: a partner syncing with `?updated_since=` must see the
duplicate's last change (and its ETag) like any other, and a client that followed a redirect silently
would read, and PATCH, another ticket under the number it asked for."""
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import serializers

from core.roles import Role
from tickets import selectors
from tickets.merging import ticket_merge

from .serializers import TicketOutput
from .views import _ActionApi


class MergeInput(serializers.Serializer):
    into = serializers.RegexField(r"^[Ss][Dd]-\d{8}-\d{4,}$", max_length=30,
                                  help_text="The number of the open ticket that survives (SD-YYYYMMDD-NNNN).")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


@extend_schema_view(post=extend_schema(
    request=MergeInput, responses=TicketOutput, operation_id="tickets_merge",
    examples=[OpenApiExample("duplicate call", request_only=True,
                             value={"into": "SD-20260301-0007", "note": "客户重复来电"})],
    description="Merge this open ticket (a duplicate) into another open ticket of the same customer or the same "
    "device, which survives. This ticket becomes `merged` with `merged_into` set: its SLA clocks stop (neither "
    "met nor breached), open callbacks and visits are cancelled, its partner gets `ticket.merged`; both "
    "timelines record it. Its number keeps answering GET (200, `merged_into` set). A partner may merge only "
    "its own tickets into its own tickets (another partner's ticket → 404). Into itself, across customers and "
    "devices → 400; a closed, cancelled or merged ticket on either side → 409."))
class TicketMergeApi(_ActionApi):
    roles = {Role.RECEPTION, Role.MANAGER, Role.PARTNER}
    Input = MergeInput

    def perform(self, request, ticket, data):
        # The survivor as this caller may see it: another partner's ticket is a 404, as it is everywhere.
        into = selectors.ticket_get_for_user(user=request.user, number=data["into"].upper(), for_write=True)
        return ticket_merge(ticket=ticket, into=into, actor=request.user, note=data["note"])
