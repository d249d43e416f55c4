"""Partner webhooks API: register URLs, read deliveries with their attempts, send one again.

Everything is scoped to the caller's own partner (selectors); another partner's object is a 404."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import RoleRequired, TicketCursorPagination
from core.errors import ApplicationError
from core.openapi import PROBLEM_MEDIA_TYPE, ProblemSerializer
from core.roles import Role

from .. import selectors, services
from .serializers import (
    DeliveryDetailOutput,
    DeliveryFilterInput,
    DeliveryOutput,
    EndpointInput,
    EndpointOutput,
    EndpointUpdateInput,
    EndpointWithSecretOutput,
)

# Problem answers (400/401/403/404/409/429) are added to every operation by core.openapi.
NOT_MINE = {(404, PROBLEM_MEDIA_TYPE): OpenApiResponse(ProblemSerializer, "Unknown, or another partner's.")}
NO_IF_MATCH = OpenApiParameter("If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
                               description="Not used here: the last PATCH wins.")
SIGNING_NOTE = (
    "Each delivery is a POST with a JSON body and the headers X-ServiceDesk-Event, X-ServiceDesk-Delivery "
    "(de-duplicate on it), X-ServiceDesk-Timestamp (unix seconds) and X-ServiceDesk-Signature: "
    "v1=<hex HMAC-SHA256(secret, \"{timestamp}.{raw body}\")>. Any 2xx answer is success; anything else is "
    "retried after 30 s, 1, 2, 4 … minutes (at most hourly) for 24 hours."
)
ENDPOINT_EXAMPLE = OpenApiExample(
    "register", request_only=True,
    value={"url": "https://partner.example.com/hooks/servicedesk", "events": ["ticket.status_changed", "ticket.closed"]},
)


class _WebhookApi(APIView):
    permission_classes = [RoleRequired]
    roles = {Role.PARTNER}
    required_scope = "webhooks"


def _partner_or_refuse(user):
    partner = selectors.partner_of(user)
    if partner is None:
        raise ApplicationError(_("Only a partner account registers webhook URLs."), code="not_partner", status=403)
    return partner


class WebhookEndpointListCreateApi(_WebhookApi):
    @extend_schema(responses=EndpointOutput(many=True), operation_id="webhook_endpoints_list", description=SIGNING_NOTE)
    def get(self, request):
        endpoints = selectors.webhook_endpoints_visible_to(user=request.user).order_by("id")
        return Response(EndpointOutput(endpoints, many=True).data)

    @extend_schema(
        request=EndpointInput, examples=[ENDPOINT_EXAMPLE], operation_id="webhook_endpoints_create",
        description="Register a URL. The answer carries the signing `secret` — keep it; later reads show a hint only.",
        responses={201: EndpointWithSecretOutput,
                   (409, PROBLEM_MEDIA_TYPE): OpenApiResponse(ProblemSerializer, "Too many URLs (at most 10).")},
    )
    def post(self, request):
        data = EndpointInput(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_create(partner=_partner_or_refuse(request.user), **data.validated_data)
        return Response(EndpointWithSecretOutput(endpoint).data, status=status.HTTP_201_CREATED)


class WebhookEndpointDetailApi(_WebhookApi):
    @extend_schema(responses={200: EndpointOutput, **NOT_MINE}, operation_id="webhook_endpoints_retrieve")
    def get(self, request, pk: int):
        return Response(EndpointOutput(selectors.webhook_endpoint_get_for_user(user=request.user, pk=pk)).data)

    @extend_schema(request=EndpointUpdateInput, responses={200: EndpointOutput, **NOT_MINE},
                   parameters=[NO_IF_MATCH], operation_id="webhook_endpoints_update")
    def patch(self, request, pk: int):
        endpoint = selectors.webhook_endpoint_get_for_user(user=request.user, pk=pk)
        data = EndpointUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_update(endpoint=endpoint, **data.validated_data)
        return Response(EndpointOutput(endpoint).data)


class WebhookEndpointRotateSecretApi(_WebhookApi):
    @extend_schema(request=None, responses={200: EndpointWithSecretOutput, **NOT_MINE},
                   operation_id="webhook_endpoints_rotate_secret",
                   description="A new secret, effective at once for every later attempt (retries included).")
    def post(self, request, pk: int):
        endpoint = selectors.webhook_endpoint_get_for_user(user=request.user, pk=pk)
        endpoint = services.webhook_endpoint_rotate_secret(endpoint=endpoint)
        return Response(EndpointWithSecretOutput(endpoint).data)


class WebhookDeliveryListApi(_WebhookApi):
    pagination_class = TicketCursorPagination

    @extend_schema(parameters=[DeliveryFilterInput], responses=DeliveryOutput(many=True),
                   operation_id="webhook_deliveries_list", description=SIGNING_NOTE)
    def get(self, request):
        filters = DeliveryFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.webhook_delivery_list(user=request.user, filters=filters.validated_data)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(DeliveryOutput(page, many=True).data)


class WebhookDeliveryDetailApi(_WebhookApi):
    @extend_schema(responses={200: DeliveryDetailOutput, **NOT_MINE}, operation_id="webhook_deliveries_retrieve")
    def get(self, request, uid):
        return Response(DeliveryDetailOutput(selectors.webhook_delivery_get_for_user(user=request.user, uid=uid)).data)


class WebhookDeliveryRedeliverApi(_WebhookApi):
    @extend_schema(
        request=None, operation_id="webhook_deliveries_redeliver",
        description="Send a finished (succeeded or failed) delivery again, with the same delivery id.",
        responses={202: DeliveryDetailOutput, **NOT_MINE,
                   (409, PROBLEM_MEDIA_TYPE): OpenApiResponse(ProblemSerializer, "Still being retried.")},
    )
    def post(self, request, uid):
        delivery = selectors.webhook_delivery_get_for_user(user=request.user, uid=uid)
        delivery = services.webhook_delivery_redeliver(delivery=delivery)
        delivery = selectors.webhook_delivery_get_for_user(user=request.user, uid=uid)
        return Response(DeliveryDetailOutput(delivery).data, status=status.HTTP_202_ACCEPTED)
