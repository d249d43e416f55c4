"""Forms of the work-order page: one per step, prefixed by the step so ids stay unique on the page."""
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.fields import BoundedDateTimeFormField, PhoneFormField
from core.forms import BootstrapMixin

from . import rules

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
YES_NO = [("", "—"), ("yes", _("Yes")), ("no", _("No"))]


def _text(label, *, required=True, rows=2):
    return forms.CharField(label=label, required=required, max_length=settings.NOTE_MAX,
                           widget=forms.Textarea(attrs={"rows": rows, "maxlength": settings.NOTE_MAX}))


def _yes_no(label):
    # Explicitly answered: "not asked" (None) is not the same as "no".
    return forms.TypedChoiceField(label=label, choices=YES_NO, coerce=lambda v: v == "yes", empty_value=None,
                                  required=False)


def _money(label, **kwargs):
    kwargs.setdefault("widget", forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}))
    return forms.DecimalField(label=label, max_digits=12, decimal_places=2, min_value=Decimal("0"), **kwargs)


class _StepForm(BootstrapMixin, forms.Form):
    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class _WindowForm(_StepForm):
    window_start = BoundedDateTimeFormField(label=_("Appointment from"), widget=DATETIME)
    window_end = BoundedDateTimeFormField(label=_("Appointment until"), widget=DATETIME)

    def clean(self):
        data = super().clean()
        for field, problem in rules.window_problems(start=data.get("window_start"), end=data.get("window_end")).items():
            self.add_error(field, problem.message)
        return data


class WorkOrderCreateForm(_WindowForm):
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("Contact"), max_length=100, required=False)
    contact_phone = PhoneFormField(label=_("Contact phone"), max_length=30, required=False,
                                   widget=forms.TextInput(attrs={"inputmode": "tel"}))
    note = _text(_("Note"), required=False, rows=1)


class RescheduleForm(_WindowForm):
    reason = _text(_("Reason"), rows=1)


class StepTimeForm(_StepForm):
    at = BoundedDateTimeFormField(label=_("Time (empty = now)"), required=False, widget=DATETIME)


class InspectForm(_StepForm):
    heard = _text(_("Heard (听): what the customer reports"))
    seen = _text(_("Seen (看): the product, its 三包 papers, signs of opening"))
    checked = _text(_("Checked (查): the real cause"))
    opened_before = _yes_no(_("Opened before?"))
    within_warranty = _yes_no(_("Within 三包?"))


class PartForm(_StepForm):
    name = forms.CharField(label=_("Part"), max_length=100)
    spec = forms.CharField(label=_("Specification"), max_length=100, required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=999, initial=1)
    reason = forms.CharField(label=_("Reason"), max_length=200)
    charged = forms.BooleanField(label=_("Charged to the customer"), required=False)
    unit_price = _money(_("Unit price (CNY)"), initial=Decimal("0.00"))


class RemovePartForm(_StepForm):
    part_id = forms.IntegerField(widget=forms.HiddenInput)


class QuoteForm(_StepForm):
    # Items first: the quote is call-out + labour + the charged parts (fieldservice.rules.quote_total), printed
    # one per line; the total may be left empty, or typed alone for a fee that has no items.
    callout_fee = _money(_("Call-out fee (CNY)"), required=False)
    labour_fee = _money(_("Labour (CNY)"), required=False)
    amount = _money(_("Fee (CNY)"), required=False, help_text=_("Empty: call-out fee + labour + charged parts."))
    note = forms.CharField(label=_("What the fee covers"), max_length=200, required=False)


class ApproveFeeForm(_StepForm):
    # The amount the customer was shown travels with the form: a quote changed meanwhile is refused.
    amount = _money(_("Amount approved (CNY)"), widget=forms.HiddenInput)
    customer_name = forms.CharField(label=_("Customer's name"), max_length=100)


class CompleteForm(_StepForm):
    fix = _text(_("Work done"), rows=3)
    old_parts_taken_back = _yes_no(_("Old parts brought back?"))
    at = BoundedDateTimeFormField(label=_("Time (empty = now)"), required=False, widget=DATETIME)


class PaymentForm(_StepForm):
    receipt_number = forms.CharField(label=_("Receipt number"), max_length=40)


class ConfirmForm(_StepForm):
    customer_name = forms.CharField(label=_("Customer's name (as signed)"), max_length=100)
    satisfied = _yes_no(_("Satisfied with the service?"))
    comment = _text(_("Customer's comment"), required=False, rows=2)


class CancelForm(_StepForm):
    reason = _text(_("Reason"), rows=1)
