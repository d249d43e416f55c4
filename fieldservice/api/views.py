"""Work orders over REST. One APIView per operation; each step validates, calls its service, answers
the whole work order. Same roles as the pages (fieldservice.workflow.STEP_ROLES)."""
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import RoleRequired, TicketCursorPagination
from core.roles import Role
from fieldservice import selectors, services
from fieldservice.workflow import STEP_ROLES
from tickets.selectors import ticket_get_for_user

from . import serializers as s

STAFF = {Role.RECEPTION, Role.ENGINEER, Role.MANAGER}


def _fresh(request, number: str):
    return selectors.work_order_get_for_user(user=request.user, number=number)


class TicketWorkOrdersApi(APIView):
    permission_classes = [RoleRequired]
    roles = STAFF
    roles_by_method = {"POST": STEP_ROLES["create"]}

    @extend_schema(responses=s.WorkOrderOutput(many=True), operation_id="tickets_work_orders_list")
    def get(self, request, number: str):
        ticket = ticket_get_for_user(user=request.user, number=number)
        return Response(s.WorkOrderOutput(selectors.work_orders_for_ticket(ticket=ticket), many=True).data)

    @extend_schema(request=s.WorkOrderCreateInput, responses={201: s.WorkOrderOutput},
                   operation_id="tickets_work_orders_create")
    def post(self, request, number: str):
        ticket = ticket_get_for_user(user=request.user, number=number, for_write=True)  # 404/403 before 400
        data = s.WorkOrderCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        work_order = services.work_order_create(ticket=ticket, actor=request.user, **data.validated_data)
        return Response(s.WorkOrderOutput(_fresh(request, work_order.number)).data, status=status.HTTP_201_CREATED)


class WorkOrderPagination(TicketCursorPagination):
    ordering = ("-created_at", "-id")


class WorkOrderListApi(APIView):
    permission_classes = [RoleRequired]
    roles = STAFF
    pagination_class = WorkOrderPagination

    @extend_schema(parameters=[s.WorkOrderFilterInput], responses=s.WorkOrderOutput(many=True),
                   operation_id="work_orders_list")
    def get(self, request):
        filters = s.WorkOrderFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.work_order_list(user=request.user, filters=filters.validated_data)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(s.WorkOrderOutput(page, many=True).data)


class WorkOrderDetailApi(APIView):
    permission_classes = [RoleRequired]
    roles = STAFF

    @extend_schema(responses=s.WorkOrderOutput, operation_id="work_orders_retrieve")
    def get(self, request, number: str):
        return Response(s.WorkOrderOutput(_fresh(request, number)).data)


def _step_api(step: str, input_class, service, *, created: bool = False):
    """An APIView for one step: its own roles, input schema and operation id in the OpenAPI document."""
    code = status.HTTP_201_CREATED if created else status.HTTP_200_OK

    @extend_schema(request=input_class, responses={code: s.WorkOrderOutput}, operation_id=f"work_orders_{step}")
    def post(self, request, number: str):
        work_order = _fresh(request, number)  # 404 for a work order the caller may not see, before any 400
        data = input_class(data=request.data)
        data.is_valid(raise_exception=True)
        service(work_order=work_order, actor=request.user, **data.validated_data)
        return Response(s.WorkOrderOutput(_fresh(request, number)).data, status=code)

    name = "WorkOrder" + "".join(part.title() for part in step.split("_")) + "Api"
    return type(name, (APIView,), {"permission_classes": [RoleRequired], "roles": STEP_ROLES[step], "post": post,
                                   "__doc__": f"Work-order step `{step}`.", "__module__": __name__})


WorkOrderRescheduleApi = _step_api("reschedule", s.RescheduleInput, services.work_order_reschedule)
WorkOrderDepartApi = _step_api("depart", s.StepTimeInput, services.work_order_depart)
WorkOrderArriveApi = _step_api("arrive", s.StepTimeInput, services.work_order_arrive)
WorkOrderInspectApi = _step_api("inspect", s.InspectInput, services.work_order_inspect)
WorkOrderAddPartApi = _step_api("add_part", s.PartInput, services.work_order_part_add, created=True)
WorkOrderQuoteApi = _step_api("quote", s.QuoteInput, services.work_order_quote)
WorkOrderApproveFeeApi = _step_api("approve_fee", s.ApproveFeeInput, services.work_order_approve_fee)
WorkOrderCompleteApi = _step_api("complete", s.CompleteInput, services.work_order_complete)
WorkOrderPaymentApi = _step_api("payment", s.PaymentInput, services.work_order_record_payment)
WorkOrderConfirmApi = _step_api("confirm", s.ConfirmInput, services.work_order_confirm)
WorkOrderCancelApi = _step_api("cancel", s.CancelInput, services.work_order_cancel)


class WorkOrderPartRemoveApi(APIView):
    permission_classes = [RoleRequired]
    roles = STEP_ROLES["remove_part"]

    @extend_schema(request=None, responses=s.WorkOrderOutput, operation_id="work_orders_remove_part")
    def delete(self, request, number: str, part_id: int):
        services.work_order_part_remove(work_order=_fresh(request, number), actor=request.user, part_id=part_id)
        return Response(s.WorkOrderOutput(_fresh(request, number)).data)
