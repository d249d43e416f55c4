"""Attachments API: list, upload (multipart), download — for whoever may see the ticket."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import RoleRequired
from core.openapi import PROBLEM_MEDIA_TYPE, ProblemSerializer
from core.roles import Role
from tickets.selectors import ticket_get_for_user

from .. import selectors, services
from ..limits import request_body_check
from ..responses import attachment_file_response
from ..sniffing import JPEG, PDF, PNG
from .serializers import AttachmentOutput, AttachmentUploadInput

ROLES = {Role.RECEPTION, Role.ENGINEER, Role.MANAGER, Role.PARTNER}
TOO_LARGE = OpenApiResponse(ProblemSerializer, "The request body is over the 10 MB file limit.", [OpenApiExample(
    "too_large", status_codes=["413"], response_only=True,
    value={"type": "urn:servicedesk:too_large", "title": "The file is larger than 10 MB.", "status": 413,
           "errors": {"file": ["The file is larger than 10 MB."]}})])
REFUSED_FILE = OpenApiResponse(ProblemSerializer, "The file was refused; nothing was stored.", [OpenApiExample(
    "unsupported_type", status_codes=["400"], response_only=True,
    value={"type": "urn:servicedesk:unsupported_type", "status": 400,
           "title": "Only JPEG, PNG and PDF files are accepted (checked by the file's content, not its name).",
           "errors": {"file": ["Only JPEG, PNG and PDF files are accepted (checked by the file's content, not its name)."]}},
)])


class TicketAttachmentListCreateApi(APIView):
    permission_classes = [RoleRequired]
    roles = ROLES
    parser_classes = [MultiPartParser]  # a file travels in multipart only; the schema lists just that

    def initial(self, request, *args, **kwargs):
        if request.method == "POST":
            request_body_check(request.META)  # before authentication/CSRF read (and spool) the body
        super().initial(request, *args, **kwargs)

    @extend_schema(responses=AttachmentOutput(many=True), operation_id="ticket_attachments_list")
    def get(self, request, number: str):
        ticket = ticket_get_for_user(user=request.user, number=number)
        return Response(AttachmentOutput(selectors.attachments_for_ticket(ticket=ticket), many=True).data)

    @extend_schema(
        request={"multipart/form-data": AttachmentUploadInput}, operation_id="ticket_attachments_create",
        description="Attach an invoice, warranty card, fault photo or work-order scan: JPEG, PNG or PDF, "
        "checked by content (not by name or Content-Type), at most 10 MB, at most 20 per ticket.",
        responses={201: AttachmentOutput, (400, PROBLEM_MEDIA_TYPE): REFUSED_FILE,
                   (413, PROBLEM_MEDIA_TYPE): TOO_LARGE},
    )
    def post(self, request, number: str):
        ticket = ticket_get_for_user(user=request.user, number=number, for_write=True)
        data = AttachmentUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = services.attachment_add(ticket=ticket, actor=request.user, upload=data.validated_data["file"],
                                             kind=data.validated_data["kind"])
        return Response(AttachmentOutput(attachment).data, status=status.HTTP_201_CREATED)


class _AnyAccept(BaseContentNegotiation):
    """The file is what it is: an `Accept: application/pdf` must not turn into a 406."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class TicketAttachmentDownloadApi(APIView):
    permission_classes = [RoleRequired]
    roles = ROLES
    content_negotiation_class = _AnyAccept

    @extend_schema(
        operation_id="ticket_attachments_download",
        description="The file: images inline, PDFs as a download; always `X-Content-Type-Options: nosniff`.",
        responses={(200, JPEG): OpenApiTypes.BINARY, (200, PNG): OpenApiTypes.BINARY, (200, PDF): OpenApiTypes.BINARY},
    )
    def get(self, request, number: str, pk: int):
        return attachment_file_response(selectors.attachment_get_for_user(user=request.user, number=number, pk=pk))
