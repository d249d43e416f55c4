from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import QueryInput, StrictInput

from ..choices import DeliveryState, WebhookEvent
from ..models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from ..validators import validate_webhook_url


class EndpointInput(serializers.Serializer):
    url = serializers.CharField(max_length=500, validators=[validate_webhook_url],
                                help_text="http:// or https:// URL that receives signed POSTs.")
    events = serializers.MultipleChoiceField(choices=WebhookEvent.choices, allow_empty=False)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class EndpointUpdateInput(StrictInput):
    url = serializers.CharField(max_length=500, validators=[validate_webhook_url], required=False)
    events = serializers.MultipleChoiceField(choices=WebhookEvent.choices, allow_empty=False, required=False)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)

    def read_only_names(self):
        return EndpointWithSecretOutput.Meta.fields


class EndpointOutput(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.choices))
    secret_hint = serializers.CharField(read_only=True)

    class Meta:
        model = WebhookEndpoint
        fields = ("id", "url", "events", "description", "is_active", "secret_hint", "created_at", "secret_rotated_at")


class EndpointWithSecretOutput(EndpointOutput):
    secret = serializers.CharField(read_only=True, help_text=_("The HMAC key; shown on creation and rotation."))

    class Meta(EndpointOutput.Meta):
        fields = (*EndpointOutput.Meta.fields, "secret")


class AttemptOutput(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ("at", "response_code", "latency_ms", "error")


class DeliveryOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uid", read_only=True, help_text="Sent as X-ServiceDesk-Delivery.")
    endpoint = serializers.PrimaryKeyRelatedField(read_only=True)
    ticket = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    attempt_log = AttemptOutput(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = ("id", "endpoint", "event", "event_id", "ticket", "state", "attempts", "next_attempt_at",
                  "last_response_code", "last_latency_ms", "last_error", "created_at", "delivered_at", "attempt_log")


class DeliveryDetailOutput(DeliveryOutput):
    payload = serializers.JSONField(read_only=True, help_text="The exact JSON body sent (its bytes are signed).")

    class Meta(DeliveryOutput.Meta):
        fields = (*DeliveryOutput.Meta.fields, "payload")


class DeliveryFilterInput(QueryInput):
    """`?state=` or `?event=` with no value is a 400, not the unfiltered list."""

    state = serializers.ChoiceField(choices=DeliveryState.choices, required=False)
    event = serializers.ChoiceField(choices=WebhookEvent.choices, required=False)
    endpoint = serializers.IntegerField(required=False, min_value=1)
    ticket = serializers.CharField(required=False, max_length=20)
