"""The ticket list's bulk bar (tickets/views_bulk.py): what to do with the rows ticked on the page."""
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin

from .bulk import BULK_MAX, BulkAction
from .choices import Priority
from .forms import EngineerChoiceField, ListedChoiceIterator, engineers_key
from .lifecycle import CancelReason
from .selectors import NUMBER_RE, engineers_active


class NumberListField(forms.Field):
    """The ticked rows: `ticket=SD-…` once per row (the row checkboxes, tied to the bar's form)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Select at least one ticket."),
        "invalid": _("“%(value)s” is not a ticket number."),
        "too_many": _("Select at most %(max)d tickets at a time."),
    }

    def to_python(self, value):
        values = [str(v).strip().upper() for v in (value or []) if str(v).strip()]
        for v in values:
            if not NUMBER_RE.match(v):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid", params={"value": v[:30]})
        if len(set(values)) > BULK_MAX:
            raise forms.ValidationError(self.error_messages["too_many"], code="too_many", params={"max": BULK_MAX})
        return values


class BulkForm(BootstrapMixin, forms.Form):
    action = forms.ChoiceField(label=_("With the selected tickets"), choices=BulkAction.choices)
    engineer = EngineerChoiceField(label=_("Engineer"), queryset=None, required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=[("", "—"), *Priority.choices], required=False)
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", "—"), *CancelReason.choices], required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=settings.NOTE_MAX)
    ticket = NumberListField()

    def __init__(self, *args, engineers: list | None = None, **kwargs):
        kwargs.setdefault("auto_id", "bulk_%s")  # the filter form above has its own id_engineer, id_priority…
        super().__init__(*args, **kwargs)
        self.fields["engineer"].iterator = ListedChoiceIterator
        self.fields["engineer"].queryset = engineers_active()
        self.fields["engineer"].listed = engineers  # the filter form's rows (the list page): no query of its own
        for name in ("engineer", "priority", "reason", "note"):  # static/js/bulk.js shows the action's own
            self.fields[name].widget.attrs["data-bulk-for"] = {"engineer": "dispatch", "priority": "priority",
                                                               "reason": "cancel", "note": "dispatch note cancel"}[name]

    def fragment_key(self):
        """The bar's fields are the same HTML for the same engineers in the same language (the fragment cache of
        core/templatetags/fragments.py); a posted form (with its values and errors) is drawn each time."""
        if self.is_bound:
            return None
        field = self.fields["engineer"]
        if field.listed is None:
            field.listed = list(field.queryset)
        return engineers_key(field.listed)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"numbers": data["ticket"], "action": data["action"], "engineer": data.get("engineer"),
                "priority": data.get("priority") or "", "note": data.get("note") or "",
                "reason": data.get("reason") or ""}
