"""The engineers' product categories in the admin (issue 15 §10): ticked from the same list a ticket's device
uses. Registered from tickets/admin.py (Django looks for admin modules only at an app's top)."""
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.roles import Role

from ..choices import ProductCategory
from .models import EngineerProfile


class EngineerProfileForm(forms.ModelForm):
    categories = forms.TypedMultipleChoiceField(
        label=_("Product categories"), choices=ProductCategory.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=EngineerProfile._meta.get_field("categories").help_text)

    class Meta:
        model = EngineerProfile
        fields = ("engineer", "categories")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "engineer" in self.fields:  # only engineers get a profile; active or not (a returning one keeps theirs)
            self.fields["engineer"].queryset = (get_user_model().objects.filter(groups__name=Role.ENGINEER)
                                                .order_by("username"))

    def clean_categories(self) -> list[str]:
        chosen = set(self.cleaned_data["categories"])
        return [code for code in ProductCategory.values if code in chosen]  # stored in the list's order


@admin.register(EngineerProfile)
class EngineerProfileAdmin(admin.ModelAdmin):
    form = EngineerProfileForm
    list_display = ("engineer", "categories_display", "last_assigned_at")
    readonly_fields = ("last_assigned_at",)
    search_fields = ("engineer__username", "engineer__first_name", "engineer__last_name")
    ordering = ("engineer__username",)

    def get_readonly_fields(self, request, obj=None):
        # The engineer of a saved row stays: change their categories, or delete the row (every category again).
        return ("engineer", "last_assigned_at") if obj is not None else ("last_assigned_at",)

    @admin.display(description=_("Product categories"))
    def categories_display(self, obj) -> str:
        labels = [str(ProductCategory(code).label) for code in obj.categories if code in ProductCategory.values]
        return "、".join(labels) if labels else str(_("Every category"))

    def save_model(self, request, obj, form, change):
        if change:  # never write back a stale last_assigned_at: dispatch stamps it meanwhile
            obj.save(update_fields=["categories"])
        else:
            super().save_model(request, obj, form, change)
