"""The dashboard's period and filters: one form for the page, the exports and the API, and the
translation of a figure into the ticket list's query string (every figure links to its tickets)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import BoundedDateFormField
from core.forms import BootstrapMixin
from core.widgets import QuickSelect
from partners.models import Partner
from tickets.choices import Channel, Kind, Priority, ProductCategory
from tickets.selectors import engineers_active

from .choices import Dim

MAX_DAYS = 366
DEFAULT_DAYS = 30
DATE = forms.DateInput(attrs={"type": "date"})
SLICED = ("kind", "channel", "priority", "category", "partner")  # the rollup answers one of these


class DashboardFilterForm(BootstrapMixin, forms.Form):
    date_from = BoundedDateFormField(label=_("From"), required=False, widget=DATE)  # year 9999 → 400, not overflow
    date_to = BoundedDateFormField(label=_("To"), required=False, widget=DATE)
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("All categories"))] + ProductCategory.choices, widget=QuickSelect)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds"))] + Kind.choices,
                             widget=QuickSelect)
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("All channels"))] + Channel.choices,
                                widget=QuickSelect)
    partner = forms.ModelChoiceField(label=_("Partner"), required=False, queryset=Partner.objects.order_by("name"),
                                     empty_label=_("All partners"), widget=QuickSelect)
    engineer = forms.ModelChoiceField(label=_("Engineer"), required=False, queryset=None,
                                      empty_label=_("All engineers"), widget=QuickSelect)
    priority = forms.ChoiceField(label=_("Priority"), required=False,
                                 choices=[("", _("All priorities"))] + Priority.choices,
                                 widget=QuickSelect)
    trend = forms.ChoiceField(label=_("Trend by"), required=False, choices=[("day", _("Day")), ("week", _("Week"))],
                              widget=QuickSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engineer"].queryset = engineers_active()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must not be before the start date."))
        elif start and end and (end - start).days >= MAX_DAYS:
            self.add_error("date_from", _("Choose at most a year."))
        return cleaned

    def to_filters(self, *, today: date | None = None) -> Filters:
        data = self.cleaned_data
        today = today or timezone.localdate()
        end = data.get("date_to") or today
        start = data.get("date_from") or (end - timedelta(days=DEFAULT_DAYS - 1))
        return Filters(
            date_from=start, date_to=end, category=data.get("category") or "", kind=data.get("kind") or "",
            channel=data.get("channel") or "", priority=data.get("priority") or "",
            partner_id=data["partner"].pk if data.get("partner") else None,
            engineer_id=data["engineer"].pk if data.get("engineer") else None,
            trend=data.get("trend") or "day")


@dataclass(frozen=True)
class Filters:
    date_from: date
    date_to: date
    category: str = ""
    kind: str = ""
    channel: str = ""
    priority: str = ""
    partner_id: int | None = None
    engineer_id: int | None = None
    trend: str = "day"

    @classmethod
    def from_dict(cls, data: dict) -> Filters:
        """Back from ExportJob.filters (JSON). Jobs stored before issue 15 say partner_id / engineer_id."""
        values = dict(data)
        values["date_from"] = date.fromisoformat(values["date_from"])
        values["date_to"] = date.fromisoformat(values["date_to"])
        for name in ("partner", "engineer"):
            if name in values:
                values[f"{name}_id"] = values.pop(name)
        return cls(**values)

    def as_dict(self) -> dict:
        """The form's own field names (engineer, partner), so the export links and the stored job read back as
        the filters the page applied: an `engineer_id` the form never reads silently dropped the filter."""
        return {"date_from": self.date_from.isoformat(), "date_to": self.date_to.isoformat(),
                "category": self.category, "kind": self.kind, "channel": self.channel, "priority": self.priority,
                "partner": self.partner_id, "engineer": self.engineer_id, "trend": self.trend}

    def sliced(self) -> dict[str, str]:
        values = {"kind": self.kind, "channel": self.channel, "priority": self.priority,
                  "category": self.category, "partner": str(self.partner_id or "")}
        return {name: value for name, value in values.items() if value}

    def rollup_slice(self) -> tuple[str, str] | None:
        """(dim, value) of the rollup rows that answer these filters; None: two slices, compute live."""
        sliced = self.sliced()
        if not sliced:
            return Dim.ALL, ""
        if len(sliced) == 1:
            (name, value), = sliced.items()
            return name, value
        return None

    def ticket_q(self, *, with_engineer: bool = True) -> Q:
        q = Q()
        for name, field in (("kind", "kind"), ("channel", "channel"), ("priority", "priority"),
                            ("category", "device__category")):
            if value := getattr(self, name):
                q &= Q(**{field: value})
        if self.partner_id:
            q &= Q(partner_id=self.partner_id)
        if with_engineer and self.engineer_id:
            q &= Q(engineer_id=self.engineer_id)
        return q

    def ticket_params(self) -> dict:
        """The ticket list's query parameters for the same filters (no period: each link adds its own)."""
        params = {"kind": self.kind, "channel": self.channel, "priority": self.priority,
                  "category": self.category, "partner": self.partner_id or "", "engineer": self.engineer_id or ""}
        return {k: v for k, v in params.items() if v}

    def query(self) -> str:
        return urlencode({k: v for k, v in self.as_dict().items() if v not in (None, "")})


def tickets_url(filters: Filters, *, list_url: str | None = None, **extra) -> str:
    """`list_url`: the ticket list's path when the caller already has it (the page builds ~150 links)."""
    params = filters.ticket_params()
    params.update({k: v for k, v in extra.items() if v not in (None, "")})
    return f"{list_url or reverse('tickets:list')}?{urlencode(params, doseq=True)}"
