"""Managers edit 三包 policies here (core/groups.py gives them the warranty app).

Versioning: a version that has decided a ticket is never changed in place. Saving it — like the
"Save as new" button — writes version N+1 with the posted values and periods; the old version stays
as it was, so old tickets keep the rules that decided them. New evaluations use the newest active
version of each code. Retire a policy with the "Deactivate" action (the previous active version, if
any, becomes current again); deleting is only possible for a version no ticket used."""
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .choices import COMPONENT_LABELS, DOCUMENT_LABELS, component_label
from .models import WarrantyComponentRule, WarrantyDecision, WarrantyPolicy
from .rules import KNOWN_DOCUMENTS, REMEDIES
from .signals import policies_changed
from .services import policy_is_used, policy_new_version, policy_next_version
from .snapshots import PERIOD_FIELDS, snapshot_from_rows

def _documents(label, codes=tuple(DOCUMENT_LABELS), **kwargs) -> forms.MultipleChoiceField:
    """Documents are ticked by name (issue 15 §8: the admin asked for English codes); the codes are stored."""
    return forms.MultipleChoiceField(label=label, required=False, widget=forms.CheckboxSelectMultiple,
                                     choices=[(code, DOCUMENT_LABELS.get(code, code)) for code in codes], **kwargs)


class WarrantyPolicyAdminForm(forms.ModelForm):
    start_documents = _documents(_("documents that prove the purchase date"), KNOWN_DOCUMENTS,
                                 help_text=_("Without them the periods run from the factory date."))
    return_documents = _documents(_("a return needs"))
    exchange_documents = _documents(_("an exchange needs"))
    repair_documents = _documents(_("a free repair needs"))

    class Meta:
        model = WarrantyPolicy
        exclude = ("required_documents",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        required = self.instance.required_documents or {}
        for remedy in REMEDIES:
            field, codes = self.fields[f"{remedy}_documents"], list(required.get(remedy, []))
            # A code no label knows (typed in an older version) stays listed, so saving never drops it.
            field.choices = [*field.choices, *((code, code) for code in codes if code not in DOCUMENT_LABELS)]
            field.initial = codes

    def clean(self):
        cleaned = super().clean()
        self.instance.required_documents = {remedy: list(cleaned.get(f"{remedy}_documents") or [])
                                            for remedy in REMEDIES}
        citations = cleaned.get("citations")
        if citations is not None and not (isinstance(citations, dict)
                                          and all(isinstance(v, str) for v in citations.values())):
            self.add_error("citations", _("Write an object of reason code → rule text."))
        return cleaned


class ComponentRuleFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        rows = [form.cleaned_data for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        if not any(row.get("component") == "main_unit" for row in rows):
            raise forms.ValidationError(_("Every policy needs a “main_unit” row: it is what a ticket is about "
                                          "unless reception names a part."))
        rules = [WarrantyComponentRule(**{key: value for key, value in row.items()
                                          if key not in ("DELETE", "id", "policy", "component_other")})
                 for row in rows]
        try:
            snapshot_from_rows(self.instance, rules)  # the engine's own checks on the whole policy
        except (ValueError, TypeError) as exc:
            raise forms.ValidationError(str(exc))


class ComponentRuleForm(forms.ModelForm):
    """The component is picked by name; a component the list does not know is typed once as a new code."""

    component = forms.ChoiceField(label=_("component"), required=False)
    component_other = forms.SlugField(label=_("or a new component code"), required=False, max_length=30)

    class Meta:
        model = WarrantyComponentRule
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "---------"), *COMPONENT_LABELS.items()]
        if (current := self.instance.component) and current not in COMPONENT_LABELS:
            choices.append((current, current))
        self.fields["component"].choices = choices

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("component_other"):
            cleaned["component"] = cleaned["component_other"]
        elif not cleaned.get("component"):
            self.add_error("component", _("Choose a component or type a new code."))
        return cleaned


class WarrantyComponentRuleInline(admin.TabularInline):
    model = WarrantyComponentRule
    form = ComponentRuleForm
    formset = ComponentRuleFormSet
    extra = 0
    min_num = 1
    fields = ("component", "component_other",
              *(f"{name}_{part}" for name in PERIOD_FIELDS for part in ("length", "unit")))


@admin.register(WarrantyPolicy)
class WarrantyPolicyAdmin(admin.ModelAdmin):
    form = WarrantyPolicyAdminForm
    inlines = [WarrantyComponentRuleInline]
    save_as = True
    save_on_top = True
    list_display = ("code", "version", "name", "applies_to_category", "applies_to_sales", "is_default",
                    "is_active", "decision_count", "change_note", "updated_at")
    list_filter = ("code", "is_active", "applies_to_category")
    search_fields = ("code", "name")
    readonly_fields = ("version", "decision_count", "created_at", "updated_at")
    actions = ("new_version", "deactivate", "activate")
    fieldsets = (
        (None, {"fields": ("code", "version", "name", "category", "change_note", "decision_count")}),
        (_("Which tickets get it"), {"fields": ("applies_to_category", "applies_to_sales", "is_default",
                                                "is_active")}),
        (_("Rules"), {"fields": (("no_reason_return_length", "no_reason_return_unit"), "no_reason_online_only",
                                 "repeat_repair_exchange_after", "repair_overdue_exchange_days",
                                 "repair_time_extends", "exchange_restarts",
                                 ("factory_date_grace_length", "factory_date_grace_unit"))}),
        (_("Documents"), {"fields": ("start_documents", "return_documents", "exchange_documents",
                                     "repair_documents")}),
        (_("Rules cited in the reasons"), {"classes": ("collapse",), "fields": ("citations",)}),
        (None, {"fields": ("created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(decisions_total=Count("decisions"))

    @admin.display(description=_("tickets decided"), ordering="decisions_total")
    def decision_count(self, obj) -> int:
        return getattr(obj, "decisions_total", 0) if obj.pk else 0

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        policy = self.get_object(request, unquote(object_id)) if object_id else None
        if policy is not None and policy_is_used(policy):
            extra_context = {**(extra_context or {}), "subtitle": _(
                "Version %(version)s has decided tickets: saving creates a new version.") % {"version": policy.version}}
            if request.method == "POST" and "_saveasnew" not in request.POST:
                request.POST = request.POST.copy()
                request.POST["_saveasnew"] = "1"  # copy-on-write: Django's own "save as new", inlines included
                request.warranty_edited_version = policy.version
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:  # a new code, "Save as new", or an edit of a used version
            obj.version = policy_next_version(code=obj.code)
            edited = getattr(request, "warranty_edited_version", None)
            if edited is not None:
                obj.change_note = obj.change_note or f"Edited from v{edited}"
                messages.info(request, _("Version %(old)s had decided tickets and stays as it was; your changes "
                                         "are version %(new)s.") % {"old": edited, "new": obj.version})
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or not policy_is_used(obj))

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # used versions are history; delete one unused version at a time
        return actions

    @admin.action(description=_("Create a new version of the selected policies"), permissions=["add"])
    def new_version(self, request, queryset):
        for policy in queryset:
            copy = policy_new_version(policy=policy)
            self.message_user(request, _("%(policy)s created.") % {"policy": copy}, messages.SUCCESS)

    @admin.action(description=_("Deactivate the selected versions"), permissions=["change"])
    def deactivate(self, request, queryset):
        queryset.update(is_active=False)  # lifecycle, not content: allowed on used versions
        policies_changed()

    @admin.action(description=_("Activate the selected versions"), permissions=["change"])
    def activate(self, request, queryset):
        queryset.update(is_active=True)
        policies_changed()


@admin.register(WarrantyDecision)
class WarrantyDecisionAdmin(admin.ModelAdmin):
    """Read-only: decisions are made at intake and overridden on the ticket page."""

    list_display = ("ticket", "policy", "fault", "component_name", "decided_at", "overridden_at")
    list_filter = ("fault", "policy__code")
    search_fields = ("=ticket__number",)
    list_select_related = ("ticket", "policy")
    show_full_result_count = False

    @admin.display(description=_("component"), ordering="component")
    def component_name(self, obj) -> str:
        return component_label(obj.component)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
