"""The engineer's steps over REST: /api/v1/tickets/<number>/reply/, solution/, wait/, resume/, hand-back/.

Same roles as the ticket page (tickets.workflow.ACTION_ROLES); the services re-check the rules."""
from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.response import Response

from core.roles import Role
from tickets import selectors
from tickets.api.serializers import TicketOutput
from tickets.api.views import TicketStepApi
from tickets.choices import ReplyTo, SolutionKind, WaitReason
from tickets.engineering import rules
from tickets.engineering import services as engineering
from tickets.engineering.models import TicketSolution
from tickets.engineering.selectors import solutions_for_ticket
from tickets.workflow import ACTION_ROLES

READERS = {Role.RECEPTION, Role.ENGINEER, Role.MANAGER}


def _text(**kwargs):
    return serializers.CharField(max_length=settings.NOTE_MAX, **kwargs)


def _problems_to_errors(problems) -> None:
    if problems:
        raise serializers.ValidationError({field: [str(p.message)] for field, p in problems.items()})


class _EngineerActionApi(TicketStepApi):
    def respond(self, ticket):
        # The ticket as the service left it: after a hand back the engineer could not fetch it again.
        return Response(TicketOutput(ticket).data)


class ReplyInput(serializers.Serializer):
    difficulty = _text(help_text="What makes the fault difficult, even without a solution yet.")
    next_step = _text(help_text="What happens next, and when.")
    replied_to = serializers.ChoiceField(choices=ReplyTo.choices, default=ReplyTo.CUSTOMER)

    def validate(self, attrs):
        _problems_to_errors(rules.reply_problems(limit=settings.NOTE_MAX, **attrs))
        return attrs


@extend_schema_view(post=extend_schema(request=ReplyInput, responses=TicketOutput, operation_id="tickets_reply"))
class TicketReplyApi(_EngineerActionApi):
    roles = ACTION_ROLES["reply"]
    Input = ReplyInput

    def perform(self, request, ticket, data):
        return engineering.ticket_reply(ticket=ticket, actor=request.user, **data)


class SolutionInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SolutionKind.choices)
    plan = _text()
    result = _text()
    manufacturer_reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="",
                                                   help_text="Required when kind is `manufacturer` (返厂).")
    sent_on = serializers.DateField(required=False, allow_null=True, default=None)
    returned_on = serializers.DateField(required=False, allow_null=True, default=None)

    def validate(self, attrs):
        _problems_to_errors(rules.solution_problems(
            kind=attrs["kind"], plan=attrs["plan"], result=attrs["result"], reference=attrs["manufacturer_reference"],
            sent_on=attrs["sent_on"], returned_on=attrs["returned_on"], today=timezone.localdate(),
            limit=settings.NOTE_MAX))
        return attrs


class SolutionOutput(serializers.ModelSerializer):
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = TicketSolution
        fields = ("id", "kind", "plan", "result", "manufacturer_reference", "sent_on", "returned_on",
                  "recorded_by", "recorded_at")


class SolutionCreatedOutput(SolutionOutput):
    ticket = TicketOutput()

    class Meta(SolutionOutput.Meta):
        fields = (*SolutionOutput.Meta.fields, "ticket")


@extend_schema_view(post=extend_schema(request=SolutionInput, responses={201: SolutionCreatedOutput},
                                       operation_id="tickets_solve"))
class TicketSolutionApi(_EngineerActionApi):
    roles = READERS
    roles_by_method = {"POST": ACTION_ROLES["solve"]}

    @extend_schema(responses=SolutionOutput(many=True), operation_id="tickets_solutions_list")
    def get(self, request, number: str):
        ticket = selectors.ticket_get_for_user(user=request.user, number=number)
        return Response(SolutionOutput(solutions_for_ticket(ticket=ticket), many=True).data)

    Input = SolutionInput

    def perform(self, request, ticket, data):
        return engineering.ticket_solve(ticket=ticket, actor=request.user, **data)

    def respond(self, solution):
        return Response(SolutionCreatedOutput(solution).data, status=status.HTTP_201_CREATED)


class WaitInput(serializers.Serializer):
    reason = serializers.ChoiceField(choices=WaitReason.choices)
    note = _text(help_text="Why the ticket waits.")
    manufacturer_reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="",
                                                   help_text="Required when reason is `manufacturer`.")
    expected_on = serializers.DateField(required=False, allow_null=True, default=None)

    def validate(self, attrs):
        _problems_to_errors(rules.wait_problems(
            reason=attrs["reason"], note=attrs["note"], reference=attrs["manufacturer_reference"],
            expected_on=attrs["expected_on"], today=timezone.localdate(), limit=settings.NOTE_MAX))
        return attrs


@extend_schema_view(post=extend_schema(request=WaitInput, responses=TicketOutput, operation_id="tickets_wait"))
class TicketWaitApi(_EngineerActionApi):
    roles = ACTION_ROLES["wait"]
    Input = WaitInput

    def perform(self, request, ticket, data):
        return engineering.ticket_wait(ticket=ticket, actor=request.user, **data)


class ResumeInput(serializers.Serializer):
    note = _text(required=False, allow_blank=True, default="")


@extend_schema_view(post=extend_schema(request=ResumeInput, responses=TicketOutput, operation_id="tickets_resume"))
class TicketResumeApi(_EngineerActionApi):
    roles = ACTION_ROLES["resume"]
    Input = ResumeInput

    def perform(self, request, ticket, data):
        return engineering.ticket_resume(ticket=ticket, actor=request.user, **data)


class HandBackInput(serializers.Serializer):
    reason = _text(help_text="Why the desk should dispatch the ticket again.")


@extend_schema_view(post=extend_schema(request=HandBackInput, responses=TicketOutput, operation_id="tickets_hand_back"))
class TicketHandBackApi(_EngineerActionApi):
    roles = ACTION_ROLES["hand_back"]
    Input = HandBackInput

    def perform(self, request, ticket, data):
        return engineering.ticket_hand_back(ticket=ticket, actor=request.user, **data)
