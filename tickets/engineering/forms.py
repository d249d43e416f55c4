"""Forms of the engineer's action panels. They show every rule problem at once; services re-check."""
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin

from . import rules
from ..choices import ReplyTo, SolutionKind, WaitReason

DATE = forms.DateInput(attrs={"type": "date"})


def _text(label, *, required=True, rows=2, placeholder=""):
    attrs = {"rows": rows, "maxlength": settings.NOTE_MAX}
    if placeholder:
        attrs["placeholder"] = placeholder
    return forms.CharField(label=label, required=required, max_length=settings.NOTE_MAX,
                           widget=forms.Textarea(attrs=attrs))


class _RuleForm(BootstrapMixin, forms.Form):
    def _add_problems(self, problems) -> None:
        for field, problem in problems.items():
            if field not in self.errors:
                self.add_error(field if field in self.fields else None, problem.message)


class ReplyForm(_RuleForm):
    difficulty = _text(_("Difficulty"), placeholder=_("What stands in the way, even without a solution yet"))
    next_step = _text(_("Next step"), placeholder=_("What you will do next, and when"))
    replied_to = forms.ChoiceField(label=_("Answered"), choices=ReplyTo.choices, initial=ReplyTo.CUSTOMER)

    def clean(self):
        data = super().clean()
        self._add_problems(rules.reply_problems(
            difficulty=data.get("difficulty", ""), next_step=data.get("next_step", ""),
            replied_to=data.get("replied_to", ReplyTo.CUSTOMER), limit=settings.NOTE_MAX))
        return data


class SolutionForm(_RuleForm):
    kind = forms.ChoiceField(label=_("Solution type"), choices=SolutionKind.choices)
    plan = _text(_("Plan"))
    result = _text(_("Result"))
    manufacturer_reference = forms.CharField(label=_("Manufacturer reference"), max_length=60, required=False)
    sent_on = forms.DateField(label=_("Sent on"), required=False, widget=DATE)
    returned_on = forms.DateField(label=_("Back on"), required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        if "kind" in data:
            self._add_problems(rules.solution_problems(
                kind=data["kind"], plan=data.get("plan", ""), result=data.get("result", ""),
                reference=data.get("manufacturer_reference", ""), sent_on=data.get("sent_on"),
                returned_on=data.get("returned_on"), today=timezone.localdate(), limit=settings.NOTE_MAX))
        return data


class WaitForm(_RuleForm):
    reason = forms.ChoiceField(label=_("Waiting for"), choices=WaitReason.choices)
    note = _text(_("Reason"))
    manufacturer_reference = forms.CharField(label=_("Manufacturer reference"), max_length=60, required=False,
                                             help_text=_("Needed when the product is at the manufacturer."))
    expected_on = forms.DateField(label=_("Expected on"), required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        if "reason" in data:
            self._add_problems(rules.wait_problems(
                reason=data["reason"], note=data.get("note", ""), reference=data.get("manufacturer_reference", ""),
                expected_on=data.get("expected_on"), today=timezone.localdate(), limit=settings.NOTE_MAX))
        return data


class ResumeForm(_RuleForm):
    note = _text(_("Note"), required=False, rows=1)


class HandBackForm(_RuleForm):
    reason = _text(_("Reason"), placeholder=_("Why the desk should dispatch this ticket again"))
