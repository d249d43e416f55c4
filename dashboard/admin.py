"""Policy is data: the KPI weights and period, and the supervisors' ratings, edited by managers."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tickets.selectors import engineers_active

from .models import ExportJob, KpiPolicy, SupervisorRating


@admin.register(KpiPolicy)
class KpiPolicyAdmin(admin.ModelAdmin):
    list_display = ("name", "effective_from", "period", "customer_weight", "supervisor_share", "min_ratings")
    ordering = ("-effective_from",)

    @admin.display(description=_("supervisor rating weight"))
    def supervisor_share(self, obj):
        return obj.supervisor_weight


@admin.register(SupervisorRating)
class SupervisorRatingAdmin(admin.ModelAdmin):
    list_display = ("engineer", "period_start", "score", "scale", "by", "created_at")
    list_filter = ("period_start", "scale")
    exclude = ("by",)
    autocomplete_fields = ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "engineer":  # only engineers are rated (issue 15): not the desk, partners or admins
            kwargs["queryset"] = engineers_active()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj.by = request.user  # who rated is whoever entered it, never typed in
        super().save_model(request, obj, form, change)


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "format", "state", "progress", "rows", "requested_by", "created_at", "finished_at")
    readonly_fields = [f.name for f in ExportJob._meta.fields]

    def has_add_permission(self, request):
        return False
