from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import BoundedDateFormField, ImeiFormField, PhoneFormField, TypedPastDateFormField
from core.forms import BootstrapMixin
from core.templatetags.desk import person
from core.validation import validate_fault_size
from core.widgets import InitialsSelect, QuickDateInput, QuickSelect, QuickTextInput, SegmentedRadio

from . import hooks
from .choices import Channel, Kind, Priority, ProductCategory, Status
from .customers import NamePolicy
from .engineering.rules import engineer_suggested, engineers_for_category
from .engineering.selectors import engineer_load, engineers_with_load
from .intake import intake_device_errors
from .selectors import AGEING_BUCKETS, SLA_OUTCOMES, SLA_STEPS, engineers_active


class ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """Options from one plain query: the default .iterator() opens a server-side cursor on PostgreSQL
    (DECLARE … WITH HOLD, FETCH, CLOSE) for a few dozen engineers on every list page."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        listed = getattr(self.field, "listed", None)  # rows the page already read (two forms, one query)
        for obj in listed if listed is not None else list(self.queryset):
            yield self.choice(obj)


def engineers_key(engineers) -> tuple:
    """What an engineer select shows of each (EngineerChoiceField.label_from_instance): a fragment cache key."""
    return tuple((user.pk, user.username, user.first_name, user.last_name) for user in engineers)


class EngineerChoiceField(forms.ModelChoiceField):
    """Engineers by name, as the desk calls them (李工), with the login to tell two namesakes apart."""

    def label_from_instance(self, user) -> str:
        name, login = person(user), user.get_username()
        return name if name == login else f"{name} · {login}"


DEVICE_FIELDS = ("category", "component", "brand", "model", "imei", "serial", "purchase_date", "invoice_number",
                 "invoice_date", "warranty_card_number", "factory_date", "sold_online")


class TicketIntakeForm(BootstrapMixin, forms.Form):
    """Reception's new-ticket form. Field order is the order of a phone call."""

    phone = PhoneFormField(label=_("Customer phone"), max_length=30,
                           widget=forms.TextInput(attrs={"autofocus": True, "inputmode": "tel", "autocomplete": "off"}))
    name = forms.CharField(label=_("Customer name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"), required=False)
    # A known phone with another name: its radios come with the caller lookup (tickets/_customer_lookup.html);
    # not sent (a new caller, or the lookup not run) means the safe one, "this ticket only".
    name_policy = forms.ChoiceField(label=_("This name"), choices=NamePolicy.choices, required=False,
                                    widget=forms.RadioSelect)
    # Short lists, one Tab stop each (issue 15). Four options fit one row of buttons, where the arrow keys move
    # the choice (SegmentedRadio); thirteen kinds do not, so the kind is a select typed ahead by its pinyin
    # initials ("wx" → 维修, "ts" → 投诉; InitialsSelect), which Chinese-only options could not be before.
    kind = forms.ChoiceField(label=_("Kind of request"), choices=Kind.choices, initial=Kind.REPAIR, widget=InitialsSelect)
    channel = forms.ChoiceField(label=_("Channel"), choices=[c for c in Channel.choices if c[0] != Channel.PARTNER_API],
                                initial=Channel.PHONE, widget=SegmentedRadio)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL,
                                 widget=SegmentedRadio)
    fault_description = forms.CharField(
        label=_("Fault description"), validators=[validate_fault_size],
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": settings.FAULT_DESCRIPTION_MAX}),
    )
    # Five categories would fit as buttons, but the parts list and the 三包 preview follow this <select>
    # (intake.js, warranty/_intake.html): typed ahead instead ("sj" → 手机, "jd" → 家电).
    category = forms.ChoiceField(label=_("Product category"), choices=ProductCategory.choices,
                                 initial=ProductCategory.PHONE, widget=InitialsSelect)
    brand = forms.CharField(label=_("Brand"), max_length=60, required=False)
    model = forms.CharField(label=_("Model"), max_length=80, required=False)
    imei = ImeiFormField(label=_("IMEI"), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    serial = forms.CharField(label=_("Serial number"), max_length=64, required=False)
    purchase_date = TypedPastDateFormField(label=_("Purchase date"), required=False)
    invoice_number = forms.CharField(label=_("Invoice number"), max_length=40, required=False)
    invoice_date = TypedPastDateFormField(label=_("Invoice date"), required=False)
    warranty_card_number = forms.CharField(label=_("Warranty card number"), max_length=40, required=False)
    factory_date = TypedPastDateFormField(label=_("Factory date"), required=False)
    sold_online = forms.BooleanField(label=_("Sold online"), required=False)
    # Then the fields other apps add (tickets.hooks.Intake): the 三包 facts (fault kind, faulty part,
    # altered documents), a complaint's promised answer time.

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind_fields: dict[str, tuple[str, ...]] = {}  # field → the kinds it is shown for (hooks.Intake.kinds)
        for _app, intake in hooks.intakes():
            self.fields.update(intake.form_fields())
            self.kind_fields.update(intake.kinds)
        self.bootstrap()
        for name, kinds in self.kind_fields.items():
            if self.kind_value() not in kinds:  # hidden on the page: disabled too, so not a Tab stop
                self.fields[name].widget.attrs["disabled"] = True

    def kind_value(self) -> str:
        """The kind chosen (posted, or the initial one): which kind-only fields the page shows."""
        return self["kind"].value() or Kind.REPAIR

    def kind_only_fields(self) -> list[tuple[forms.BoundField, str, bool]]:
        """(field, its kinds as data-kinds, shown now) for tickets/new.html; intake.js toggles them live."""
        return [(self[name], " ".join(kinds), self.kind_value() in kinds) for name, kinds in self.kind_fields.items()]

    def clean(self):
        cleaned = super().clean()
        # A field of another kind is not on the page (disabled, so not posted); one posted anyway by a stale
        # page or a script is dropped, its errors with it: a repair never fails on a complaint's promise.
        kind = cleaned.get("kind")
        for name, kinds in self.kind_fields.items():
            if kind not in kinds:
                cleaned[name] = None
                self.errors.pop(name, None)
        problems = dict(intake_device_errors(cleaned))
        for _app, intake in hooks.intakes():
            problems.update(intake.form_errors(cleaned))
        for field, message in problems.items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "customer": {"name": data["name"], "phone": data["phone"], "email": data.get("email", ""),
                         "name_policy": data.get("name_policy") or NamePolicy.TICKET_ONLY},
            "device": {field: data.get(field) for field in DEVICE_FIELDS},
            "kind": data["kind"],
            "channel": data["channel"],
            "priority": data["priority"],
            "fault_description": data["fault_description"],
            "extras": {app: value for app, intake in hooks.intakes()
                       if (value := intake.form_value(data)) is not None},
        }


class TicketFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=QuickTextInput(attrs={"placeholder": _("Number or its end, phone, name, model, fault"),
                                                     "type": "search"}))
    status = forms.MultipleChoiceField(label=_("Status"), choices=Status.choices, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds"))] + Kind.choices, required=False,
                             widget=QuickSelect)
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", _("All channels"))] + Channel.choices, required=False,
                                widget=QuickSelect)
    priority = forms.ChoiceField(label=_("Priority"), choices=[("", _("All priorities"))] + Priority.choices,
                                 required=False, widget=QuickSelect)
    engineer = EngineerChoiceField(label=_("Engineer"), queryset=None, required=False, empty_label=_("All engineers"),
                                      widget=QuickSelect)
    # Bounded: ?created_to=9999-12-31 is a field error (400), not an OverflowError in the date arithmetic.
    created_from = BoundedDateFormField(label=_("From"), required=False, widget=QuickDateInput(attrs={"type": "date"}))
    created_to = BoundedDateFormField(label=_("To"), required=False, widget=QuickDateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(label=_("Sort"), required=False, widget=QuickSelect, choices=[
        ("-created_at", _("Newest first")), ("created_at", _("Oldest first")), ("-updated_at", _("Recently updated")),
    ])
    # Drill-down from the dashboard (dashboard/filters.py tickets_url): carried as hidden inputs.
    category = forms.ChoiceField(label=_("Category"), choices=[("", "")] + ProductCategory.choices, required=False,
                                 widget=forms.HiddenInput)
    partner = forms.IntegerField(label=_("Partner"), required=False, min_value=1, widget=forms.HiddenInput)
    sla_step = forms.ChoiceField(label=_("SLA step"), required=False, widget=forms.HiddenInput,
                                 choices=[("", "")] + [(s, s) for s in SLA_STEPS])
    sla_outcome = forms.ChoiceField(label=_("SLA outcome"), required=False, widget=forms.HiddenInput,
                                    choices=[("", "")] + [(o, o) for o in SLA_OUTCOMES])
    settled_from = BoundedDateFormField(label=_("Step done from"), required=False, widget=forms.HiddenInput)
    settled_to = BoundedDateFormField(label=_("Step done until"), required=False, widget=forms.HiddenInput)
    ageing = forms.ChoiceField(label=_("Age"), required=False, widget=forms.HiddenInput,
                               choices=[("", "")] + [(b, b) for b in AGEING_BUCKETS])

    def __init__(self, *args, engineers: list | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engineer"].iterator = ListedChoiceIterator
        self.fields["engineer"].queryset = self.engineers_queryset()
        self.fields["engineer"].listed = engineers  # already read (tickets/list_filters.py): no query of its own

    @staticmethod
    def engineers_queryset():
        # A filter only needs who to offer and to look for: not the password hash and eight other columns.
        return engineers_active().only("username", "first_name", "last_name")

    def engineers_offered(self) -> list:
        """The engineer select's rows, read once (the list page hands them to the bulk bar too)."""
        field = self.fields["engineer"]
        if getattr(field, "listed", None) is None:
            field.listed = list(field.queryset)
        return field.listed

    def fragment_key(self):
        """Everything the filter bar's HTML is made of but the language — the values asked for and the engineers
        offered — for its fragment cache (core/templatetags/fragments.py); None (drawn each time) with errors."""
        if self.errors:
            return None
        data = tuple(sorted((key, tuple(values)) for key, values in self.data.lists())) if self.is_bound else ()
        return data, engineers_key(self.engineers_offered())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("created_from"), cleaned.get("created_to")
        if start and end and start > end:
            self.add_error("created_to", _("The end date must not be before the start date."))
        return cleaned


class PreprocessForm(BootstrapMixin, forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    note = forms.CharField(label=_("Pre-processing conclusion"), required=False, max_length=settings.NOTE_MAX,
                           widget=forms.Textarea(attrs={"rows": 2}))


class LoadedChoiceIterator(ListedChoiceIterator):
    """The options of the dispatch select: every engineer with their load, from the field's one query. For a ticket
    whose category only some engineers handle, those come first under their own heading, then the others."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        handling, others = self.field.grouped()
        if not others or not handling:
            yield from (self.choice(user) for user in handling or others)
            return
        yield (self.field.handling_label(), [self.choice(user) for user in handling])
        yield (_("Other engineers"), [self.choice(user) for user in others])


class LoadedEngineerChoiceField(EngineerChoiceField):
    """Each engineer with their open tickets and nearest due time beside the name, the suggested one marked
    (issue 15 §10): tickets.engineering.rules.engineer_suggested for the ticket's device `category`. Lazy: the
    load query runs only when the select is drawn, and once — a detail page whose ticket cannot be dispatched
    asks nothing. Validation still looks up the plain queryset: any active engineer may be chosen."""

    iterator = LoadedChoiceIterator
    category = ""  # the ticket's device category (DispatchForm's `category`); "" : none known

    def loads(self) -> list:
        if getattr(self, "_loads", None) is None:
            self._loads = list(engineers_with_load())
            self._rows = {u.pk: engineer_load(u) for u in self._loads}
            self._suggested = engineer_suggested(list(self._rows.values()), self.category)
        return self._loads

    def grouped(self) -> tuple[list, list]:
        """(engineers who handle the category, the others); everyone handles it when nobody lists it."""
        users = self.loads()
        handling = {row.engineer_id for row in engineers_for_category(list(self._rows.values()), self.category)}
        return [u for u in users if u.pk in handling], [u for u in users if u.pk not in handling]

    def handling_label(self) -> str:
        return str(_("Handles %(category)s") % {"category": ProductCategory(self.category).label})

    def suggested_id(self) -> int | None:
        self.loads()
        return self._suggested

    def label_from_instance(self, user) -> str:
        label = super().label_from_instance(user)
        if not hasattr(user, "open_count"):
            return label
        parts = [label, _("%(count)d open") % {"count": user.open_count}]
        if user.nearest_due_at is not None:
            parts.append(_("due %(time)s") % {"time": f"{timezone.localtime(user.nearest_due_at):%m-%d %H:%M}"})
        if user.pk == self._suggested:
            parts.append(str(_("suggested")))
        return " · ".join(str(p) for p in parts)


def device_category(ticket) -> str:
    """The category the dispatch suggestion narrows to: the ticket's device's ("" without a device)."""
    return ticket.device.category if ticket.device_id else ""


class DispatchForm(BootstrapMixin, forms.Form):
    engineer = LoadedEngineerChoiceField(label=_("Engineer"), queryset=None)
    note = forms.CharField(label=_("Note"), required=False, max_length=settings.NOTE_MAX,
                           widget=forms.Textarea(attrs={"rows": 2}))
    preselect = True  # the suggested engineer is chosen already; the desk only confirms or picks another

    def __init__(self, *args, category: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["engineer"]
        field.queryset = engineers_active()
        field.category = category if category in ProductCategory.values else ""
        if self.preselect:
            self.initial.setdefault("engineer", field.suggested_id)  # a callable: evaluated only when drawn

    def suggestion_basis(self) -> str:
        """Who is preselected and why, under the select — on a phone the option's text is cut before its "suggested"
        mark. Read after the select is drawn: no query of its own."""
        field = self.fields["engineer"]
        handling, others = field.grouped()
        suggested = next((u for u in handling + others if u.pk == field.suggested_id()), None)
        if suggested is None:
            return ""
        name = person(suggested)
        if field.category and handling and others:
            return str(_("Suggested: %(name)s, the least open work among those who handle %(category)s; among "
                         "equals, whoever was given a ticket longest ago.")
                       % {"name": name, "category": ProductCategory(field.category).label})
        return str(_("Suggested: %(name)s, the least open work; among equals, whoever was given a ticket longest "
                     "ago.") % {"name": name})


class ReassignForm(DispatchForm):
    note = forms.CharField(label=_("Reason"), max_length=settings.NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2}))
    preselect = False  # a reassignment is a decision about this ticket: the loads inform it, nothing is chosen


class NoteForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("Note"), max_length=settings.NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2}))
