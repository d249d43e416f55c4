from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin


class ProgressLookupForm(BootstrapMixin, forms.Form):
    # Not validated beyond length: a malformed value is simply a miss, answered like any other miss.
    number = forms.CharField(label=_("Ticket number"), max_length=30,
                             widget=forms.TextInput(attrs={"placeholder": "SD-20260101-0001", "autocomplete": "off"}))
    phone = forms.CharField(label=_("Phone number"), max_length=30,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
