"""Work orders in the admin: read-only. They change only through the steps (fieldservice/services.py),
so a record the customer signed is never edited behind the timeline's back."""
from django.contrib import admin

from .models import WorkOrder, WorkOrderPart


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class WorkOrderPartInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = WorkOrderPart
    extra = 0
    fields = ("name", "spec", "quantity", "reason", "charged", "unit_price", "added_at")


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("number", "status", "engineer", "window_start", "fee_quote", "fee_approved_at", "confirmed_at")
    list_filter = ("status",)
    search_fields = ("=number", "=ticket__number")
    date_hierarchy = "window_start"
    inlines = [WorkOrderPartInline]
    show_full_result_count = False
