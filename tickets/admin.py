from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError

from .customers import customer_merge
from .models import Customer, Device, Ticket, TicketEvent
from .search import search_text_refresh


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("name", "phone", "email", "created_at")
    search_fields = ("=phone", "name")
    actions = ["merge_customers"]

    @admin.action(description=_("Merge the two selected customers (one person, two records)"), permissions=["change"])
    def merge_customers(self, request, queryset):
        """Two records → one: a confirmation page names the survivor (the older by default), then
        tickets.customers.customer_merge moves everything in one transaction; each ticket keeps its contact."""
        pair = list(queryset.annotate(ticket_count=Count("tickets", distinct=True),
                                      device_count=Count("devices", distinct=True)).order_by("created_at", "pk")[:3])
        if len(pair) != 2:
            self.message_user(request, _("Select exactly two customers to merge."), messages.ERROR)
            return None
        chosen = request.POST.get("survivor")
        if chosen is None:
            context = {**self.admin_site.each_context(request), "title": _("Merge two customers"),
                       "opts": self.model._meta, "pair": pair, "action": "merge_customers",
                       "action_checkbox_name": ACTION_CHECKBOX_NAME}
            return TemplateResponse(request, "admin/tickets/customer/merge.html", context)
        survivor = next((c for c in pair if str(c.pk) == chosen), None)
        if survivor is None:
            self.message_user(request, _("Choose which customer record to keep."), messages.ERROR)
            return None
        merged = pair[1] if survivor is pair[0] else pair[0]
        try:
            result = customer_merge(survivor=survivor, merged=merged, actor=request.user)
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return None
        text = _("%(merged)s merged into %(survivor)s: %(tickets)d ticket(s) and %(devices)d device(s) moved; "
                 "each ticket keeps its own contact.") % {
            "merged": f"{merged.name} {merged.phone_display}", "survivor": str(result.survivor),
            "tickets": result.moved.get("tickets.ticket", 0), "devices": result.moved.get("tickets.device", 0)}
        self.log_change(request, result.survivor, str(text))
        self.message_user(request, text, messages.SUCCESS)
        return None


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ("__str__", "category", "customer", "purchase_date")
    search_fields = ("=imei", "=serial")
    list_filter = ("category",)
    raw_id_fields = ("customer",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        search_text_refresh(Ticket.objects.filter(device=obj))  # its tickets are found by brand, model, serial


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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        search_text_refresh(Ticket.objects.filter(pk=obj.pk))  # contact, device or fault edited here


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


# ---- Engineers' product categories for dispatch (tickets/engineering/admin.py registers them) ----
from .engineering import admin as _engineering_admin  # noqa: E402,F401


# ---- The reopen window (tickets/policies.py): versioned by effective_from, a saved version is kept ----
from .policies import ReopenPolicy  # noqa: E402


@admin.register(ReopenPolicy)
class ReopenPolicyAdmin(admin.ModelAdmin):
    list_display = ("name", "effective_from", "window_days", "created_at")
    fields = ("name", "effective_from", "window_days", "note")

    def get_readonly_fields(self, request, obj=None):
        # A version that is saved stays as it was (reopen events cite it): change the rule by adding a new one.
        return ("name", "effective_from", "window_days") if obj is not None else ()
