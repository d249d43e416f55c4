from django.contrib import admin
from django.utils import timezone

from .models import Callback, CallbackAttempt, CallbackPolicy, Complaint


@admin.register(CallbackPolicy)
class CallbackPolicyAdmin(admin.ModelAdmin):
    """A policy in force is never edited in place: callbacks point at it. Save as new, dated later."""

    list_display = ("name", "effective_from", "due_minutes", "max_attempts", "first_retry_minutes",
                    "later_retry_at", "periodic_months", "periodic_value_threshold")
    save_as = True

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.effective_from <= timezone.now():
            return [f.name for f in obj._meta.fields]
        return ("created_at",)


class CallbackAttemptInline(admin.TabularInline):
    model = CallbackAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("number", "at", "by", "reached", "outcome", "note", "next_attempt_at")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Callback)
class CallbackAdmin(admin.ModelAdmin):
    """Read-only: calls are recorded on the callback desk, which moves the ticket with them."""

    list_display = ("__str__", "ticket", "state", "due_at", "attempts", "outcome", "manager_flagged")
    list_filter = ("state", "kind", "outcome", "manager_flagged")
    search_fields = ("=ticket__number",)
    inlines = [CallbackAttemptInline]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ("ticket", "source_ticket", "promised_answer_at", "answered_at")
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]  # the promise is changed on the ticket page

    def has_add_permission(self, request):
        return False
