"""Admins see every endpoint and delivery, each delivery with its attempt log; actions call services."""
from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.errors import ApplicationError

from . import services
from .choices import WebhookEvent
from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("partner", "url", "events", "description", "is_active")

    def clean_events(self):
        return sorted(self.cleaned_data["events"])


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ("url", "partner", "event_labels", "is_active", "signing_secret_hint", "created_at")
    list_filter = ("is_active", "partner")
    search_fields = ("url", "partner__name", "partner__code")
    readonly_fields = ("secret", "secret_rotated_at", "created_at")
    actions = ["rotate_secret"]

    @admin.display(description=_("events"))
    def event_labels(self, obj) -> str:
        return "、".join(str(WebhookEvent(e).label) if e in WebhookEvent.values else e for e in obj.events or [])

    @admin.display(description=_("signing secret"))
    def signing_secret_hint(self, obj) -> str:
        return obj.secret_hint

    @admin.action(description=_("Rotate the signing secret"))
    def rotate_secret(self, request, queryset):
        for endpoint in queryset:
            services.webhook_endpoint_rotate_secret(endpoint=endpoint)
        self.message_user(request, _("New secrets generated; tell the partners."), messages.SUCCESS)


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ("at", "response_code", "latency_ms", "error")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("uid", "event", "endpoint", "ticket", "state", "attempts", "last_response_code",
                    "last_latency_ms", "next_attempt_at", "created_at")
    list_filter = ("state", "event")
    search_fields = ("=uid", "=event_id", "ticket__number", "endpoint__url")
    list_select_related = ("endpoint", "ticket")
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    inlines = [WebhookAttemptInline]
    actions = ["redeliver"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # append-only history; the redeliver action is the one way to act on it

    @admin.action(description=_("Send again"))
    def redeliver(self, request, queryset):
        sent = skipped = 0
        for delivery in queryset:
            try:
                services.webhook_delivery_redeliver(delivery=delivery)
                sent += 1
            except ApplicationError:
                skipped += 1
        if sent:
            self.message_user(request, ngettext("%(n)d delivery queued again.", "%(n)d deliveries queued again.",
                                                sent) % {"n": sent}, messages.SUCCESS)
        if skipped:
            self.message_user(request, ngettext("%(n)d delivery is still being retried; skipped.",
                                                "%(n)d deliveries are still being retried; skipped.",
                                                skipped) % {"n": skipped}, messages.WARNING)
