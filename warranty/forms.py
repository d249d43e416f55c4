"""三包 form fields: the intake form's additions (tickets/forms.py), the live preview, a manager's override."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.fields import PastDateFormField, TypedPastDateFormField
from core.forms import BootstrapMixin
from core.validation import normalize_imei
from core.widgets import InitialsSelect
from tickets.choices import ProductCategory

from .choices import FaultKind, component_label
from .intake import intake_warranty_errors
from .selectors import policy_registry
from .services import OVERRIDE_OPTIONS

DATE = forms.DateInput(attrs={"type": "date"})


class ComponentSelect(forms.Select):
    """Each option names the product categories it belongs to (data-categories), so the page can show
    only the current category's components without a round trip."""

    by_category: dict[str, list[str]] = {}

    def get_context(self, name, value, attrs):
        self.by_category = _components_by_category()  # once per render, not once per option
        return super().get_context(name, value, attrs)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["attrs"]["data-categories"] = " ".join(
            category for category, components in self.by_category.items() if str(value) in components)
        return option


def _components_by_category() -> dict[str, list[str]]:
    return policy_registry().components_by_category()


def component_choices() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for components in _components_by_category().values():
        for code in components:
            seen.setdefault(code, component_label(code))
    return list(seen.items()) or [("main_unit", component_label("main_unit"))]


class FaultKindField(forms.ChoiceField):
    def clean(self, value):
        return super().clean(value) or FaultKind.PERFORMANCE  # not said: the product itself failed


def fault_kind_field() -> forms.ChoiceField:
    return FaultKindField(label=_("Fault kind (三包)"), choices=FaultKind.choices, initial=FaultKind.PERFORMANCE,
                          required=False, widget=InitialsSelect)  # typed ahead by pinyin: "js" → 进水


class ComponentChoiceField(forms.ChoiceField):
    def clean(self, value):
        return super().clean(value) or "main_unit"  # not asked about a part: the product itself


def component_field() -> forms.ChoiceField:
    return ComponentChoiceField(label=_("Faulty part"), choices=component_choices, initial="main_unit", required=False,
                             widget=ComponentSelect)


def documents_altered_field() -> forms.BooleanField:
    return forms.BooleanField(label=_("Invoice or warranty card altered or not matching"), required=False)


class WarrantyPreviewForm(forms.Form):
    """The intake form's 三包 fields, read leniently while reception is still typing."""

    category = forms.ChoiceField(choices=ProductCategory.choices)
    component = forms.CharField(required=False, max_length=30)
    fault_kind = forms.ChoiceField(choices=FaultKind.choices, required=False)
    # As the intake form reads them (20261127, 1127 = this year): the preview decides on what will be stored.
    purchase_date = TypedPastDateFormField(required=False)
    invoice_date = TypedPastDateFormField(required=False)
    factory_date = TypedPastDateFormField(required=False)
    invoice_number = forms.CharField(required=False, max_length=40)
    warranty_card_number = forms.CharField(required=False, max_length=40)
    sold_online = forms.BooleanField(required=False)
    documents_altered = forms.BooleanField(required=False)
    imei = forms.CharField(required=False, max_length=30)
    serial = forms.CharField(required=False, max_length=64)

    field_labels = {"purchase_date": _("Purchase date"), "invoice_date": _("Invoice date"),
                    "factory_date": _("Factory date"), "category": _("Product category"),
                    "component": _("Faulty part"), "fault_kind": _("Fault kind (三包)")}

    def clean_imei(self) -> str:
        # A half-typed IMEI must not stop the preview; it just cannot find the device's history yet.
        try:
            return normalize_imei(self.cleaned_data["imei"]) if self.cleaned_data["imei"] else ""
        except forms.ValidationError:
            return ""

    def clean(self):
        cleaned = super().clean()
        for field, message in intake_warranty_errors(cleaned).items():
            self.add_error(field, message)
        purchase, factory = cleaned.get("purchase_date") or cleaned.get("invoice_date"), cleaned.get("factory_date")
        if purchase and factory and factory > purchase:
            self.add_error("factory_date", _("The factory date cannot be after the purchase date."))
        return cleaned

    def labelled_errors(self) -> list[str]:
        return [f"{self.field_labels.get(field, field)}: {' '.join(messages)}"
                for field, messages in self.errors.items()]


OVERRIDE_LABELS = {
    "return:free": _("Return"), "return:paid": _("No-reason return (customer pays shipping)"),
    "exchange:free": _("Free exchange"), "repair:free": _("Free repair"), "repair:paid": _("Paid repair"),
}


class WarrantyOverrideForm(BootstrapMixin, forms.Form):
    remedies = forms.MultipleChoiceField(
        label=_("Remedies the customer may choose"), widget=forms.CheckboxSelectMultiple,
        choices=[(option, OVERRIDE_LABELS[option]) for option in OVERRIDE_OPTIONS])
    reason = forms.CharField(label=_("Reason for the override"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    exchanged_on = PastDateFormField(
        label=_("Replacement handed over on"), required=False, widget=DATE,
        help_text=_("Only if the customer already received a replacement: the device's next ticket counts its "
                    "periods from this day."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remedies"].widget.attrs["class"] = "form-check-input"  # BootstrapMixin set form-control
