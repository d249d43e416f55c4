from django.conf import settings
from rest_framework import serializers

from core.fields import BoundedDateTimeField

from ..choices import REACHED_OUTCOME_CHOICES
from ..models import Callback, CallbackAttempt


class CallbackAttemptOutput(serializers.ModelSerializer):
    by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = CallbackAttempt
        fields = ("number", "at", "by", "reached", "outcome", "note", "next_attempt_at")


class CallbackOutput(serializers.ModelSerializer):
    ticket = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    complaint_ticket = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    # The ticket's contact as registered (a periodic call: the customer record's) — issue 14, part 5.
    customer_name = serializers.CharField(source="contact_name")
    customer_phone = serializers.CharField(source="contact_phone")
    device = serializers.StringRelatedField(allow_null=True)
    attempt_log = CallbackAttemptOutput(source="calls", many=True, read_only=True)

    class Meta:
        model = Callback
        fields = ("id", "kind", "state", "ticket", "customer_name", "customer_phone", "device", "due_at",
                  "first_due_at", "period_due_on", "attempts", "last_attempt_at", "outcome", "fixed",
                  "score_attitude", "score_quality", "score_price", "comments", "complaint_ticket",
                  "manager_flagged", "completed_at", "attempt_log")


def _score():
    return serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True, default=None,
                                    help_text="Satisfaction from 1 to 5.")


class CallbackRecordInput(serializers.Serializer):
    reached = serializers.BooleanField(help_text="Whether the customer answered.")
    outcome = serializers.ChoiceField(choices=REACHED_OUTCOME_CHOICES, required=False,
                                      allow_blank=True, default="",
                                      help_text="When reached: fixed, not_fixed or disputed (periodic: contacted).")
    score_attitude = _score()
    score_quality = _score()
    score_price = _score()
    comments = serializers.CharField(max_length=settings.NOTE_MAX, required=False, allow_blank=True, default="")
    complaint = serializers.CharField(max_length=settings.FAULT_DESCRIPTION_MAX, required=False, allow_blank=True,
                                      default="", help_text="A complaint raised on the call: opens a complaint ticket.")
    promised_answer_at = BoundedDateTimeField(required=False, allow_null=True, default=None)
