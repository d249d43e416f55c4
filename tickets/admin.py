from django.contrib import admin

from .models import Customer, Device, Ticket, TicketEvent


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("name", "phone", "email", "created_at")
    search_fields = ("=phone", "name")


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ("__str__", "category", "customer", "purchase_date")
    search_fields = ("=imei", "=serial")
    list_filter = ("category",)
    raw_id_fields = ("customer",)


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "action", "from_status", "to_status", "actor", "note")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False  # the timeline is append-only, written by services


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ("number", "status", "kind", "customer", "engineer", "created_at")
    list_filter = ("status", "kind", "channel", "priority")
    search_fields = ("=number",)
    raw_id_fields = ("customer", "device", "engineer", "created_by", "partner")
    readonly_fields = ("status", "version", "created_at", "updated_at", "status_changed_at")
    inlines = [TicketEventInline]
    show_full_result_count = False  # no COUNT(*) over a million rows


@admin.register(TicketEvent)
class TicketEventAdmin(admin.ModelAdmin):
    list_display = ("ticket", "action", "from_status", "to_status", "actor", "at")
    raw_id_fields = ("ticket", "actor")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # events are written by tickets/timeline.py only, which also bumps the ticket

    def has_change_permission(self, request, obj=None):
        return False


# ---- Engineer's solutions (tickets/engineering/models.py): read-only, written by tickets.engineering.services ----
from .engineering.models import TicketSolution  # noqa: E402


@admin.register(TicketSolution)
class TicketSolutionAdmin(admin.ModelAdmin):
    list_display = ("ticket", "kind", "recorded_by", "recorded_at", "manufacturer_reference")
    list_filter = ("kind",)
    search_fields = ("=ticket__number", "=manufacturer_reference")
    raw_id_fields = ("ticket", "recorded_by")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# ---- The reopen window (tickets/policies.py): versioned by effective_from, a saved version is kept ----
from .policies import ReopenPolicy  # noqa: E402


@admin.register(ReopenPolicy)
class ReopenPolicyAdmin(admin.ModelAdmin):
    list_display = ("name", "effective_from", "window_days", "created_at")
    fields = ("name", "effective_from", "window_days", "note")

    def get_readonly_fields(self, request, obj=None):
        # A version that is saved stays as it was (reopen events cite it): change the rule by adding a new one.
        return ("name", "effective_from", "window_days") if obj is not None else ()
