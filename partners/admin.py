from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.errors import ApplicationError

from .accounts import may_issue_keys
from .models import ApiScope, Partner, PartnerApiKey, default_scopes
from .services import (
    api_key_assign_secret,
    api_key_check_issue,
    api_key_revoke,
    api_key_rotate,
    partner_account_lock_password,
)


class PartnerApiKeyInline(admin.TabularInline):
    model = PartnerApiKey
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("name", "key_hint", "scopes", "rate_limit_per_minute", "last_used_at", "revoked_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # keys are issued on their own add page, which shows the key once

    @admin.display(description=_("key"))
    def key_hint(self, obj):
        return f"sd_{obj.prefix}_…"


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "is_active")
    list_filter = ("kind", "is_active")
    raw_id_fields = ("account",)
    inlines = [PartnerApiKeyInline]

    def get_readonly_fields(self, request, obj=None):
        # The account is who every key of the partner acts as: choosing it is as strong as issuing a key.
        return () if may_issue_keys(request.user) else ("account",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)  # Partner.clean has refused a non-dedicated account
        partner_account_lock_password(account=obj.account)


class PartnerApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple, initial=default_scopes,
    )

    class Meta:
        model = PartnerApiKey
        fields = ("partner", "name", "scopes", "rate_limit_per_minute")

    issuer = None  # set by PartnerApiKeyAdmin.get_form: the admin user issuing the key

    def clean_scopes(self) -> list[str]:
        chosen = set(self.cleaned_data["scopes"])
        return [scope for scope in ApiScope.values if scope in chosen]

    def clean(self):
        cleaned = super().clean()
        partner = cleaned.get("partner")
        if self.instance._state.adding and partner is not None:
            try:
                api_key_check_issue(partner=partner, created_by=self.issuer)
            except ApplicationError as exc:
                self.add_error("partner" if exc.field == "partner" else None, exc.message)
        return cleaned


@admin.register(PartnerApiKey)
class PartnerApiKeyAdmin(admin.ModelAdmin):
    """Issue (shown once), rotate and revoke partner API keys. Keys are never deleted: revoked rows stay as a record."""

    form = PartnerApiKeyForm
    list_display = ("partner", "name", "key_hint", "scope_list", "rate_limit_per_minute", "created_at",
                    "last_used_at", "is_active")
    list_filter = ("partner", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "=prefix", "partner__code", "partner__name")
    actions = ["revoke_keys", "rotate_keys"]

    def get_readonly_fields(self, request, obj=None):
        fields = ("key_hint", "created_at", "created_by", "last_used_at", "revoked_at")
        return ("partner", *fields) if obj else ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"issuer": request.user})

    def has_add_permission(self, request):
        # Only administrators issue keys (the add page and the "Rotate" action); managers may view and revoke.
        return may_issue_keys(request.user) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("key"))
    def key_hint(self, obj):
        return f"sd_{obj.prefix}_…" if obj.prefix else "—"

    @admin.display(description=_("scopes"))
    def scope_list(self, obj):
        labels = dict(ApiScope.choices)  # by name, not the codes a partner's developer reads
        return "、".join(str(labels.get(scope, scope)) for scope in obj.scopes or [])

    @admin.display(description=_("active"), boolean=True)
    def is_active(self, obj):
        return obj.is_active

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            obj._issued_key = api_key_assign_secret(key=obj)
            partner_account_lock_password(account=obj.partner.account)
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        return self._show_issued(request, [(obj, obj._issued_key)])

    def _show_issued(self, request, issued):
        """The only page that ever shows a key: rendered in the POST's answer, never stored, never cached."""
        context = {
            **self.admin_site.each_context(request),
            "title": _("Copy the API key now"),
            "opts": self.model._meta,
            "issued": issued,
            "api_base": request.build_absolute_uri("/api/v1/"),
        }
        response = TemplateResponse(request, "admin/partners/partnerapikey/issued.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Revoke the selected keys (refused at once)"), permissions=["change"])
    def revoke_keys(self, request, queryset):
        count = sum(api_key_revoke(key=key) for key in queryset)
        self.message_user(request, ngettext("%(count)d key revoked.", "%(count)d keys revoked.", count)
                          % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Rotate the selected keys (new key shown once, old one revoked)"),
                  permissions=["add"])
    def rotate_keys(self, request, queryset):
        issued = [api_key_rotate(key=key, created_by=request.user) for key in queryset.filter(revoked_at=None)]
        if not issued:
            self.message_user(request, _("Only active keys can be rotated."), messages.WARNING)
            return None
        return self._show_issued(request, issued)
