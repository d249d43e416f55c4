"""Callbacks over REST, with the callback desk's permissions: reception and managers."""
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import RoleRequired
from core.roles import Role
from tickets.selectors import ticket_get_for_user

from .. import selectors, services
from .serializers import CallbackAttemptOutput, CallbackOutput, CallbackRecordInput

DESK = {Role.RECEPTION, Role.MANAGER}


class DueCursorPagination(CursorPagination):
    ordering = ("due_at", "id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class CallbackDueListApi(APIView):
    permission_classes = [RoleRequired]
    roles = DESK
    pagination_class = DueCursorPagination

    @extend_schema(responses=CallbackOutput(many=True), operation_id="callbacks_due_list")
    def get(self, request):
        qs = selectors.callbacks_due(user=request.user, now=timezone.now())
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(CallbackOutput(page, many=True).data)


class CallbackDetailApi(APIView):
    permission_classes = [RoleRequired]
    roles = DESK

    @extend_schema(responses=CallbackOutput, operation_id="callbacks_retrieve")
    def get(self, request, pk: int):
        return Response(CallbackOutput(selectors.callback_get_for_user(user=request.user, pk=pk)).data)


def _record(request, callback) -> Response:
    data = CallbackRecordInput(data=request.data)
    data.is_valid(raise_exception=True)
    services.callback_record(callback=callback, actor=request.user, **data.validated_data)
    fresh = selectors.callback_get_for_user(user=request.user, pk=callback.pk)
    return Response(CallbackOutput(fresh).data, status=status.HTTP_201_CREATED)


class CallbackAttemptsApi(APIView):
    """GET: the calls made so far. POST: record a call (reached or not, outcome, satisfaction)."""

    permission_classes = [RoleRequired]
    roles = DESK

    @extend_schema(responses=CallbackAttemptOutput(many=True), operation_id="callbacks_attempts_list")
    def get(self, request, pk: int):
        callback = selectors.callback_get_for_user(user=request.user, pk=pk)
        return Response(CallbackAttemptOutput(callback.calls.all(), many=True).data)

    @extend_schema(request=CallbackRecordInput, responses={201: CallbackOutput},
                   operation_id="callbacks_attempts_create")
    def post(self, request, pk: int):
        return _record(request, selectors.callback_get_for_user(user=request.user, pk=pk))


class TicketCallbackApi(APIView):
    """Record the callback of a ticket by its number: refused while the ticket has no solution."""

    permission_classes = [RoleRequired]
    roles = DESK

    @extend_schema(request=CallbackRecordInput, responses={201: CallbackOutput}, operation_id="tickets_callback")
    def post(self, request, number: str):
        ticket = ticket_get_for_user(user=request.user, number=number, for_write=True)
        return _record(request, services.callback_for_ticket(ticket=ticket))
