from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .messages import PLACEHOLDERS
from .models import CompletionNotice, CustomerMessage, MessageTemplate


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


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    """Policy data: the words the desk starts from. The placeholders are checked on save (model clean)."""

    list_display = ("name", "code", "position", "active", "provider_template_code")
    list_editable = ("position", "active")
    fields = ("name", "code", "body", "subject", "provider_template_code", "position", "active")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        names = " ".join("{%s}" % name for name in PLACEHOLDERS)
        form.base_fields["body"].help_text = _("Placeholders: %(names)s") % {"names": names}
        return form


@admin.register(CustomerMessage)
class CustomerMessageAdmin(admin.ModelAdmin):
    list_display = ("ticket", "channel", "status", "created_at", "sent_at", "attempts", "provider_id")
    list_filter = ("status", "channel")
    raw_id_fields = ("ticket",)
    readonly_fields = [field.name for field in CustomerMessage._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # written from the ticket page, never by hand
