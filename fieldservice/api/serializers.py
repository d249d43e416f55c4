from decimal import Decimal

from django.conf import settings
from rest_framework import serializers

from core.fields import BoundedDateTimeField, PhoneField
from fieldservice import rules
from fieldservice.models import WorkOrder, WorkOrderPart

MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0")}


def _text(**kwargs):
    return serializers.CharField(max_length=settings.NOTE_MAX, **kwargs)


class PartOutput(serializers.ModelSerializer):
    line_total = serializers.DecimalField(max_digits=None, decimal_places=2, read_only=True)

    class Meta:
        model = WorkOrderPart
        fields = ("id", "name", "spec", "quantity", "reason", "charged", "unit_price", "line_total", "added_at")


class WorkOrderOutput(serializers.ModelSerializer):
    ticket = serializers.SlugRelatedField(slug_field="number", read_only=True)
    engineer = serializers.SlugRelatedField(slug_field="username", read_only=True)
    parts = PartOutput(many=True, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = WorkOrder
        fields = ("number", "ticket", "status", "status_display", "engineer", "address", "contact_name",
                  "contact_phone", "window_start", "window_end", "departed_at", "arrived_at", "heard", "seen",
                  "checked", "opened_before", "within_warranty", "inspected_at", "fix", "old_parts_taken_back",
                  "work_done_at", "fee_quote", "fee_note", "fee_callout", "fee_labour", "fee_approved_amount",
                  "fee_approved_by",
                  "fee_approved_at", "fee_receipt_number", "customer_name", "confirmed_at", "customer_satisfied",
                  "customer_comment", "cancel_reason", "parts", "created_at", "updated_at", "version")


class WindowInput(serializers.Serializer):
    window_start = BoundedDateTimeField()
    window_end = BoundedDateTimeField()

    def validate(self, attrs):
        if problems := rules.window_problems(start=attrs["window_start"], end=attrs["window_end"]):
            raise serializers.ValidationError({k: [str(p.message)] for k, p in problems.items()})
        return attrs


class WorkOrderCreateInput(WindowInput):
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                    help_text="Defaults to the customer's address.")
    contact_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    contact_phone = PhoneField(required=False, allow_blank=True, default="")
    note = _text(required=False, allow_blank=True, default="")


class RescheduleInput(WindowInput):
    reason = _text()


class StepTimeInput(serializers.Serializer):
    at = BoundedDateTimeField(required=False, allow_null=True, default=None,
                                   help_text="When it happened; defaults to now.")


class InspectInput(serializers.Serializer):
    heard = _text(help_text="听: what the customer reports.")
    seen = _text(help_text="看: the product, its 三包 papers, signs of opening.")
    checked = _text(help_text="查: the real cause.")
    opened_before = serializers.BooleanField(allow_null=True)
    within_warranty = serializers.BooleanField(allow_null=True)


class PartInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    spec = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    quantity = serializers.IntegerField(min_value=1, max_value=999, default=1)
    reason = serializers.CharField(max_length=200)
    charged = serializers.BooleanField(default=False)
    unit_price = serializers.DecimalField(default=Decimal("0.00"), **MONEY)


class QuoteInput(serializers.Serializer):
    amount = serializers.DecimalField(allow_null=True, default=None, **MONEY,
                                      help_text="The total; omitted, call-out fee + labour + charged parts.")
    callout_fee = serializers.DecimalField(allow_null=True, default=None, **MONEY)
    labour_fee = serializers.DecimalField(allow_null=True, default=None, **MONEY)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ApproveFeeInput(serializers.Serializer):
    amount = serializers.DecimalField(help_text="The amount the customer was shown: must equal the quote.", **MONEY)
    customer_name = serializers.CharField(max_length=100)


class CompleteInput(StepTimeInput):
    fix = _text()
    old_parts_taken_back = serializers.BooleanField(allow_null=True, default=None)


class PaymentInput(serializers.Serializer):
    receipt_number = serializers.CharField(max_length=40)


class ConfirmInput(StepTimeInput):
    customer_name = serializers.CharField(max_length=100)
    satisfied = serializers.BooleanField(allow_null=True)
    comment = _text(required=False, allow_blank=True, default="")


class CancelInput(serializers.Serializer):
    reason = _text()


class WorkOrderFilterInput(serializers.Serializer):
    open_only = serializers.BooleanField(required=False, default=False)
