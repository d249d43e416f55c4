from django.contrib import admin

from . import services
from .models import Attachment


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("ticket", "kind", "content_type", "size", "original_name", "uploaded_by", "uploaded_at")
    list_filter = ("kind", "content_type")
    search_fields = ("ticket__number", "sha256")
    list_select_related = ("ticket", "uploaded_by")
    readonly_fields = [f.name for f in Attachment._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False  # uploads go through the checks on the ticket page or the API

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def delete_model(self, request, obj):
        services.attachment_delete(attachment=obj)

    def delete_queryset(self, request, queryset):
        for attachment in queryset:
            services.attachment_delete(attachment=attachment)
