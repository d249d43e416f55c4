"""/api/v1/reports/: the dashboard's figures as JSON (managers and admins)."""
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import RoleRequired
from core.roles import Role

from ..filters import DashboardFilterForm
from ..selectors import dashboard_figures


class StepOutput(serializers.Serializer):
    step = serializers.CharField()
    met = serializers.IntegerField()
    breached = serializers.IntegerField(help_text="Settled breached in the period plus open_breached.")
    open_breached = serializers.IntegerField(
        help_text="Overdue now and not yet done; counted as breached today when the period includes today.")
    on_time_pct = serializers.FloatField(allow_null=True, help_text="met / (met + breached) × 100.")
    median_minutes = serializers.IntegerField(source="median", allow_null=True)
    p90_minutes = serializers.IntegerField(source="p90", allow_null=True)


class ClockOutput(serializers.Serializer):
    ticket = serializers.CharField(source="ticket.number")
    step = serializers.CharField()
    due_at = serializers.DateTimeField()
    engineer = serializers.CharField(source="ticket.engineer.username", default=None)


class BreachOutput(ClockOutput):
    minutes_overdue = serializers.IntegerField()
    escalated_to = serializers.ListField(child=serializers.CharField())


class EngineerOutput(serializers.Serializer):
    engineer_id = serializers.IntegerField()
    name = serializers.CharField()
    open = serializers.IntegerField()
    dispatched_today = serializers.IntegerField()
    replies_met = serializers.IntegerField()
    replies_total = serializers.IntegerField()
    solutions_met = serializers.IntegerField()
    solutions_total = serializers.IntegerField()
    reopened = serializers.IntegerField()
    satisfaction = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    kpi = serializers.DecimalField(source="kpi.score", max_digits=5, decimal_places=1, allow_null=True, default=None)
    kpi_formula = serializers.CharField(source="kpi.formula", default="")


class TrendOutput(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    registered = serializers.IntegerField()
    met = serializers.IntegerField()
    breached = serializers.IntegerField()
    on_time_pct = serializers.FloatField(allow_null=True)
    satisfaction = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)


class ReopenOutput(serializers.Serializer):
    reopened = serializers.IntegerField(help_text="Tickets reopened in the period.")
    closed = serializers.IntegerField(help_text="Tickets closed in the period.")
    rate_pct = serializers.FloatField(allow_null=True, help_text="reopened / closed × 100; null when none closed.")


class ReportOutput(serializers.Serializer):
    date_from = serializers.DateField(source="filters.date_from")
    date_to = serializers.DateField(source="filters.date_to")
    steps = StepOutput(many=True)
    open_breaches = serializers.IntegerField(source="breaches_total")
    worst_breaches = BreachOutput(many=True, source="breaches")
    warned = serializers.IntegerField(source="warned_total")
    warned_clocks = ClockOutput(many=True, source="warned")
    engineers = EngineerOutput(many=True)
    backlog = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()))
    trend = TrendOutput(many=True)
    complaints = serializers.DictField(source="complaint_stats")
    refunds = serializers.DictField(source="refund_stats")
    reopens = ReopenOutput(source="reopen_stats")
    built_at = serializers.DateTimeField(source="freshness", allow_null=True)


class ReportQuery(serializers.Serializer):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    category = serializers.CharField(required=False)
    kind = serializers.CharField(required=False)
    channel = serializers.CharField(required=False)
    priority = serializers.CharField(required=False)
    partner = serializers.IntegerField(required=False)
    engineer = serializers.IntegerField(required=False)
    trend = serializers.ChoiceField(choices=["day", "week"], required=False)


class ReportsDashboardApi(APIView):
    permission_classes = [RoleRequired]
    roles = {Role.MANAGER}

    @extend_schema(parameters=[ReportQuery], responses=ReportOutput, operation_id="reports_dashboard")
    def get(self, request):
        form = DashboardFilterForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(
                {k: [e["message"] for e in v] for k, v in form.errors.get_json_data().items()})
        return Response(ReportOutput(dashboard_figures(filters=form.to_filters())).data)
