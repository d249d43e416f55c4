"""Thin API views: validate, call one service or selector, serialize."""
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import RoleRequired, TicketCursorPagination
from core.roles import Role
from tickets import selectors, services
from tickets.choices import Priority

from .serializers import TicketCreateInput, TicketEventOutput, TicketFilterInput, TicketOutput

STAFF = {Role.RECEPTION, Role.ENGINEER, Role.MANAGER}


class TicketListCreateApi(APIView):
    permission_classes = [RoleRequired]
    roles = STAFF | {Role.PARTNER}
    roles_by_method = {"POST": {Role.RECEPTION, Role.MANAGER, Role.PARTNER}}
    pagination_class = TicketCursorPagination

    @extend_schema(parameters=[TicketFilterInput], responses=TicketOutput(many=True), operation_id="tickets_list")
    def get(self, request):
        filters = TicketFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.ticket_filter(user=request.user, filters=filters.validated_data).select_related(
            *selectors.LIST_RELATED
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(TicketOutput(page, many=True).data)

    @extend_schema(request=TicketCreateInput, responses={201: TicketOutput}, operation_id="tickets_create")
    def post(self, request):
        data = TicketCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.ticket_create(
            created_by=request.user, partner=getattr(request.user, "partner", None), **data.validated_data
        )
        ticket = selectors.ticket_get_for_user(user=request.user, pk=ticket.pk)
        return Response(TicketOutput(ticket).data, status=status.HTTP_201_CREATED)


class TicketDetailApi(APIView):
    permission_classes = [RoleRequired]
    roles = STAFF | {Role.PARTNER}

    @extend_schema(responses=TicketOutput, operation_id="tickets_retrieve")
    def get(self, request, number: str):
        ticket = selectors.ticket_get_for_user(user=request.user, number=number)
        return Response(TicketOutput(ticket).data)


class TicketTimelineApi(APIView):
    permission_classes = [RoleRequired]
    roles = STAFF | {Role.PARTNER}

    @extend_schema(responses=TicketEventOutput(many=True), operation_id="tickets_timeline")
    def get(self, request, number: str):
        ticket = selectors.ticket_get_for_user(user=request.user, number=number)
        return Response(TicketEventOutput(selectors.ticket_timeline(ticket=ticket), many=True).data)


class _ActionApi(APIView):
    permission_classes = [RoleRequired]
    roles = STAFF

    def _ticket(self, request, number):
        return selectors.ticket_get_for_user(user=request.user, number=number, for_write=True)

    def _done(self, ticket, code=status.HTTP_200_OK):
        return Response(TicketOutput(ticket).data, status=code)


class NoteInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class TicketPreprocessApi(_ActionApi):
    roles = {Role.RECEPTION, Role.MANAGER}

    class InputSerializer(NoteInput):
        priority = serializers.ChoiceField(choices=Priority.choices, required=False)

    @extend_schema(request=InputSerializer, responses=TicketOutput, operation_id="tickets_preprocess")
    def post(self, request, number: str):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.ticket_preprocess(ticket=self._ticket(request, number), actor=request.user, **data.validated_data)
        return self._done(ticket)


class EngineerInput(NoteInput):
    engineer = serializers.CharField(max_length=150, help_text="The engineer's username.")


class TicketDispatchApi(_ActionApi):
    roles = {Role.RECEPTION, Role.MANAGER}

    @extend_schema(request=EngineerInput, responses=TicketOutput, operation_id="tickets_dispatch")
    def post(self, request, number: str):
        data = EngineerInput(data=request.data)
        data.is_valid(raise_exception=True)
        engineer = selectors.engineers_active().filter(username=data.validated_data["engineer"]).first()
        ticket = services.ticket_dispatch(ticket=self._ticket(request, number), actor=request.user,
                                          engineer=engineer, note=data.validated_data["note"])
        return self._done(ticket)


class TicketReassignApi(_ActionApi):
    roles = {Role.RECEPTION, Role.MANAGER}

    @extend_schema(request=EngineerInput, responses=TicketOutput, operation_id="tickets_reassign")
    def post(self, request, number: str):
        data = EngineerInput(data=request.data)
        data.is_valid(raise_exception=True)
        engineer = selectors.engineers_active().filter(username=data.validated_data["engineer"]).first()
        ticket = services.ticket_reassign(ticket=self._ticket(request, number), actor=request.user,
                                          engineer=engineer, reason=data.validated_data["note"])
        return self._done(ticket)


class TicketNoteApi(_ActionApi):
    roles = STAFF | {Role.PARTNER}

    @extend_schema(request=NoteInput, responses={201: TicketEventOutput}, operation_id="tickets_note")
    def post(self, request, number: str):
        data = NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = selectors.ticket_get_for_user(user=request.user, number=number, for_write=True)
        event = services.ticket_add_note(ticket=ticket, actor=request.user, note=data.validated_data["note"])
        return Response(TicketEventOutput(event).data, status=status.HTTP_201_CREATED)
