from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin

from .choices import AttachmentKind

ACCEPT = "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf"


class AttachmentForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=AttachmentKind.choices, initial=AttachmentKind.FAULT_PHOTO)
    file = forms.FileField(label=_("File (JPEG, PNG or PDF, at most 10 MB)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
