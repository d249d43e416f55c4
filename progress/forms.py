from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin

from .models import NoticeChannel


class ProgressLookupForm(BootstrapMixin, forms.Form):
    # Not validated beyond length: a malformed value is simply a miss, answered like any other miss.
    number = forms.CharField(label=_("Ticket number"), max_length=30,
                             widget=forms.TextInput(attrs={"placeholder": "SD-20260101-0001", "autocomplete": "off"}))
    phone = forms.CharField(label=_("Phone number"), max_length=30,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))


class CustomerMessageForm(BootstrapMixin, forms.Form):
    """The desk's message to the customer: a template to start from, the words (editable), the channel."""

    # SMS first: every ticket has a phone, few customers gave an e-mail address.
    channel = forms.ChoiceField(label=_("Send as"), choices=sorted(NoticeChannel.choices, key=lambda c: c[0] != "sms"),
                                initial=NoticeChannel.SMS,
                                widget=forms.RadioSelect)
    template = forms.ChoiceField(label=_("Template"), required=False)
    subject = forms.CharField(label=_("E-mail subject"), max_length=150, required=False)
    text = forms.CharField(label=_("Message"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("Placeholders such as {ticket_no} are filled in when it is sent."))

    def __init__(self, *args, templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [("", _("— write your own —"))] + [(t.code, t.name) for t in templates]
