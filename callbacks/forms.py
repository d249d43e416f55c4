from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import BoundedDateTimeFormField, TypedDateTimeFormField
from core.forms import BootstrapMixin
from tickets.choices import Kind

from . import rules
from .choices import CallbackKind, CallbackOutcome
from .selectors import DeskFilters

SCORE_CHOICES = [("", "—")] + [(str(n), str(n)) for n in range(1, 6)]
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
SCORE_FIELDS = ("score_attitude", "score_quality", "score_price")


def _score(label):
    return forms.TypedChoiceField(label=label, choices=SCORE_CHOICES, coerce=int, empty_value=None, required=False)


class CallbackOutcomeForm(BootstrapMixin, forms.Form):
    """One call. The same rules as the API and the service (callbacks.rules.outcome_errors)."""

    reached = forms.TypedChoiceField(
        label=_("Customer reached?"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        choices=[("yes", _("Reached")), ("no", _("Not reached"))])
    outcome = forms.ChoiceField(label=_("Outcome"), required=False)
    score_attitude = _score(_("Service attitude"))
    score_quality = _score(_("Product quality"))
    score_price = _score(_("Price"))
    comments = forms.CharField(label=_("Comments"), required=False, max_length=settings.NOTE_MAX,
                               widget=forms.Textarea(attrs={"rows": 2}))
    complaint = forms.CharField(label=_("Complaint (if the customer complains)"), required=False,
                                max_length=settings.FAULT_DESCRIPTION_MAX, widget=forms.Textarea(attrs={"rows": 2}))
    promised_answer_at = BoundedDateTimeFormField(label=_("Complaint answer promised by"), required=False, widget=DATETIME)

    def __init__(self, *args, kind: str = CallbackKind.SOLUTION, **kwargs):
        self.kind = kind
        super().__init__(*args, **kwargs)
        outcomes = [CallbackOutcome.CONTACTED] if kind == CallbackKind.PERIODIC else [
            CallbackOutcome.FIXED, CallbackOutcome.NOT_FIXED, CallbackOutcome.DISPUTED]
        self.fields["outcome"].choices = [("", "—")] + [(o.value, o.label) for o in outcomes]
        self.fields["reached"].widget.attrs["class"] = "form-check-input"  # radios, not a text box

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        errors = rules.outcome_errors(
            kind=self.kind, reached=cleaned.get("reached", False), outcome=cleaned.get("outcome", ""),
            scores={f: cleaned.get(f) for f in SCORE_FIELDS}, comments=cleaned.get("comments", ""),
            complaint=cleaned.get("complaint", ""))
        for field, message in errors.items():
            self.add_error(field, message)
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {key: data.get(key) for key in ("reached", "outcome", *SCORE_FIELDS, "comments", "complaint",
                                                "promised_answer_at")}


class ComplaintPromiseForm(BootstrapMixin, forms.Form):
    promised_answer_at = BoundedDateTimeFormField(label=_("Answer promised by"), widget=DATETIME)


# --- the promise captured on reception's new-ticket form (tickets/forms.py TicketIntakeForm) -----------------

def complaint_promise_field() -> forms.DateTimeField:
    # Typed in one box ("1205 18:00"): the datetime-local picker was five Tab stops on a call.
    return TypedDateTimeFormField(
        label=_("Complaint: answer promised by"), required=False,
        help_text=_("For a complaint: when the customer was told to expect an answer. Empty: the policy's default."))


def complaint_promise_errors(cleaned) -> dict[str, str]:
    promised = cleaned.get("promised_answer_at")
    if promised is not None and cleaned.get("kind") == Kind.COMPLAINT and promised <= timezone.now():
        return {"promised_answer_at": _("The promised answer time must be in the future.")}
    return {}


class CallbackDeskFilterForm(forms.Form):
    """The desk's filters, read from the URL (GET) so a filtered page can be bookmarked or shared."""

    due = forms.BooleanField(label=_("Due now"), required=False)
    retries = forms.BooleanField(label=_("Retries"), required=False)
    engineer = forms.IntegerField(label=_("Solved by"), required=False, min_value=1)
    page = forms.IntegerField(required=False, min_value=1)

    def filters(self) -> DeskFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return DeskFilters(due_now=bool(data.get("due")), retries=bool(data.get("retries")),
                           engineer_id=data.get("engineer"))
