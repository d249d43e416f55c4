"""Thin API views: validate, call one service or selector, serialize."""
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import RoleRequired, TicketCursorPagination
from core.openapi import ETAG
from core.steps import StepApi
from core.roles import Role, user_has_role
from tickets import selectors, services
from tickets.choices import Priority

from .concurrency import if_match_version, with_etag
from .serializers import TicketCreateInput, TicketEventOutput, TicketFilterInput, TicketOutput, TicketUpdateInput

STAFF = {Role.RECEPTION, Role.ENGINEER, Role.MANAGER}
CREATE_EXAMPLES = [
    OpenApiExample("partner: parcel damaged", request_only=True, value={
        "customer": {"name": "张三", "phone": "13800138000"}, "kind": "logistics_lost_damaged",
        "fault_description": "包裹外箱破损，手机屏幕碎裂", "partner_reference": "SF1234567890"}),
    OpenApiExample("desk: phone repair", request_only=True, value={
        "customer": {"name": "李四", "phone": "+86 139 0013 9000"},
        "device": {"category": "phone", "brand": "华为", "model": "Mate 60", "imei": "490154203237518",
                   "purchase_date": "2026-01-05", "invoice_number": "12345678", "invoice_date": "2026-01-05"},
        "kind": "repair", "channel": "phone", "priority": "normal", "fault_description": "开机黑屏"}),
]


class TicketListCreateApi(APIView):
    permission_classes = [RoleRequired]
    roles = STAFF | {Role.PARTNER}
    roles_by_method = {"POST": {Role.RECEPTION, Role.MANAGER, Role.PARTNER}}
    required_scopes = {"GET": "tickets:read", "POST": "tickets:create"}
    pagination_class = TicketCursorPagination

    @extend_schema(parameters=[TicketFilterInput], responses=TicketOutput(many=True), operation_id="tickets_list")
    def get(self, request):
        filters = TicketFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.ticket_filter(user=request.user, filters=filters.validated_data)
        paginator = self.pagination_class()
        ordering = filters.validated_data.get("ordering") or "-created_at"
        paginator.ordering = (ordering, "-id" if ordering.startswith("-") else "id")  # keyset on (field, id)
        # Deferred join (see selectors.keyset_page): the page is cut on the tickets table alone, then only its
        # rows are loaded with their customer, device, clocks… The cut reads dicts (same SQL as only(): the id and
        # the sort column; DRF's cursor reads a dict's key as it reads an attribute), not 26 model instances.
        page = paginator.paginate_queryset(qs.values("pk", ordering.lstrip("-")), request, view=self)
        rows = selectors.tickets_in_order([row["pk"] for row in page], extended=True)
        return paginator.get_paginated_response(TicketOutput(rows, many=True).data)

    @extend_schema(request=TicketCreateInput, responses={201: TicketOutput}, operation_id="tickets_create",
                   parameters=[ETAG], examples=CREATE_EXAMPLES,
                   description="Register a ticket. A partner's ticket is its own (`partner`) with channel "
                   "`partner_api`. Send an `Idempotency-Key` so a retry never registers it twice.")
    def post(self, request):
        data = TicketCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        partner = getattr(request.user, "partner", None) if user_has_role(request.user, Role.PARTNER) else None
        # The answer is the ticket as created, with what the created hooks attached (the 三包 decision, the SLA
        # clocks): reading it back would cost two queries and say the same (tests/tickets/test_hot_budget.py).
        ticket = services.ticket_create(created_by=request.user, partner=partner, **data.service_kwargs())
        return with_etag(Response(TicketOutput(ticket).data, status=status.HTTP_201_CREATED), ticket)


class TicketDetailApi(APIView):
    permission_classes = [RoleRequired]
    roles = STAFF | {Role.PARTNER}
    roles_by_method = {"PATCH": {Role.RECEPTION, Role.MANAGER, Role.PARTNER}}

    @extend_schema(responses=TicketOutput, operation_id="tickets_retrieve", parameters=[ETAG])
    def get(self, request, number: str):
        ticket = selectors.ticket_get_for_user(user=request.user, number=number)
        return with_etag(Response(TicketOutput(ticket).data), ticket)

    @extend_schema(
        request=TicketUpdateInput, responses=TicketOutput, operation_id="tickets_partial_update", parameters=[ETAG],
        examples=[OpenApiExample("raise priority", value={"priority": "high", "partner_reference": "SF1234567890"},
                                 request_only=True),
                  OpenApiExample("correct kind and purchase date", request_only=True, value={
                      "kind": "return_exchange", "device": {"purchase_date": "2026-01-05"}})],
        description="Change the contact on this ticket, the device, kind, channel, priority, description or the "
        "partner reference; each change is on the timeline as old → new, and a change that matters re-targets "
        "the SLA clocks (kind, priority) or re-decides 三包 (device dates and documents, category, kind). "
        "Send `If-Match` with the ETag you last read: a stale one → 412 and nothing changes; none → 428.",
    )
    def patch(self, request, number: str):
        ticket = selectors.ticket_get_for_user(user=request.user, number=number, for_write=True)
        expected = if_match_version(request, current=ticket.version)
        data = TicketUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.ticket_update(
            ticket=ticket, actor=request.user, expected_version=expected, changes=data.service_changes()
        )
        return with_etag(Response(TicketOutput(ticket).data), ticket)


class TicketTimelineApi(APIView):
    permission_classes = [RoleRequired]
    roles = STAFF | {Role.PARTNER}

    @extend_schema(responses=TicketEventOutput(many=True), operation_id="tickets_timeline")
    def get(self, request, number: str):
        ticket = selectors.ticket_get_for_user(user=request.user, number=number)
        return Response(TicketEventOutput(selectors.ticket_timeline(ticket=ticket), many=True).data)


class TicketStepApi(StepApi):
    """A step on one ticket (core.steps contract): the ticket as its writer may see it (404 / 403)."""

    roles = STAFF

    def target(self, request, number: str):
        return selectors.ticket_get_for_user(user=request.user, number=number, for_write=True)


class _ActionApi(TicketStepApi):
    def respond(self, ticket):
        return with_etag(Response(TicketOutput(ticket).data, status=status.HTTP_200_OK), ticket)


class NoteInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class PreprocessInput(NoteInput):
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)


@extend_schema_view(post=extend_schema(request=PreprocessInput, responses=TicketOutput,
                                       operation_id="tickets_preprocess"))
class TicketPreprocessApi(_ActionApi):
    roles = {Role.RECEPTION, Role.MANAGER}
    Input = PreprocessInput

    def perform(self, request, ticket, data):
        return services.ticket_preprocess(ticket=ticket, actor=request.user, **data)


class EngineerInput(NoteInput):
    engineer = serializers.CharField(max_length=150, help_text="The engineer's username.")


def _engineer(data):
    return selectors.engineers_active().filter(username=data["engineer"]).first()


@extend_schema_view(post=extend_schema(request=EngineerInput, responses=TicketOutput,
                                       operation_id="tickets_dispatch"))
class TicketDispatchApi(_ActionApi):
    roles = {Role.RECEPTION, Role.MANAGER}
    Input = EngineerInput

    def perform(self, request, ticket, data):
        return services.ticket_dispatch(ticket=ticket, actor=request.user, engineer=_engineer(data), note=data["note"])


@extend_schema_view(post=extend_schema(request=EngineerInput, responses=TicketOutput,
                                       operation_id="tickets_reassign"))
class TicketReassignApi(_ActionApi):
    roles = {Role.RECEPTION, Role.MANAGER}
    Input = EngineerInput

    def perform(self, request, ticket, data):
        return services.ticket_reassign(ticket=ticket, actor=request.user, engineer=_engineer(data),
                                        reason=data["note"])


@extend_schema_view(post=extend_schema(request=NoteInput, responses={201: TicketEventOutput},
                                       operation_id="tickets_note"))
class TicketNoteApi(TicketStepApi):
    roles = STAFF | {Role.PARTNER}
    Input = NoteInput

    def perform(self, request, ticket, data):
        return services.ticket_add_note(ticket=ticket, actor=request.user, note=data["note"])

    def respond(self, event):
        return Response(TicketEventOutput(event).data, status=status.HTTP_201_CREATED)
