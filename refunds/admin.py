from django.contrib import admin

from .models import Refund


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = ("ticket", "amount", "method", "state", "accepted_at", "due_at", "paid_at")
    list_filter = ("state", "method")
    readonly_fields = ("ticket", "solution", "accepted_at", "due_at", "working_days", "calendar_name", "paid_at",
                       "paid_by", "created_at")
