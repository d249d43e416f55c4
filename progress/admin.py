from django.contrib import admin

from .models import CompletionNotice


@admin.register(CompletionNotice)
class CompletionNoticeAdmin(admin.ModelAdmin):
    list_display = ("ticket", "channel", "recipient", "created_at", "sent_at", "attempts")
    list_filter = ("channel",)
    raw_id_fields = ("ticket",)
    readonly_fields = ("ticket", "channel", "recipient", "created_at", "claimed_at", "sent_at", "attempts",
                       "last_error")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # written by the close step, never by hand
