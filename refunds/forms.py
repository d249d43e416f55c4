from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin

from .models import RefundMethod


class RefundPaidForm(BootstrapMixin, forms.Form):
    amount = forms.DecimalField(label=_("Amount refunded (CNY)"), max_digits=12, decimal_places=2,
                                min_value=Decimal("0.01"))
    method = forms.ChoiceField(label=_("Method"), choices=RefundMethod.choices)
    reference = forms.CharField(label=_("Payment reference"), max_length=60, required=False)
