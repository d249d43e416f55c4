"""Form widgets written in Python, for filter bars rendered on every request of the busiest pages.

Django renders each widget through templates — a <select> includes a sub-template per option and per
attribute list, ~0.1 ms each — which made the ticket list's and the dashboard's filter bars a third of
their pages' time (bench/README.md, dashboard/README.md). These write the same markup as Django's
templates, every value escaped as Django's `escape` does (`html.escape(str(value))`).
"""
from datetime import date, datetime
from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .pinyin import pinyin_initials


class QuickSelect(forms.Select):
    """A flat <select>; grouped choices (<optgroup>) are left to Django's template."""

    def render(self, name, value, attrs=None, renderer=None):
        if any(isinstance(label, (list, tuple)) for _value, label in self.choices):
            return super().render(name, value, attrs, renderer)
        chosen = set(self.format_value(value))
        options = "".join(f'<option value="{escape(str(v))}"{" selected" if str(v) in chosen else ""}>'
                          f"{escape(str(label))}</option>" for v, label in self.choices)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)),
                           mark_safe(options))


class QuickInput(forms.widgets.Input):
    """An <input> as Django's input.html writes it: a value only when there is one; True attributes bare,
    False ones left out."""

    def render(self, name, value, attrs=None, renderer=None):
        value = self.format_value(value)
        shown = format_html(' value="{}"', value) if value is not None else ""
        return format_html('<input type="{}" name="{}"{}{}>', self.input_type, name, shown,
                           flatatt(self.build_attrs(self.attrs, attrs)))


class QuickTextInput(QuickInput, forms.TextInput):
    pass


class QuickDateInput(QuickInput, forms.DateInput):
    pass


# ---- reception's keyboard widgets (the new-ticket form, static/js/intake.js) ----

class TypedDateInput(forms.TextInput):
    """A date as digits in one text box (core.fields.TypedDateFormField), the calendar on demand: a button kept
    out of the Tab order, or Alt+↓ / F4 in the box, opens the browser's own picker on a hidden date input
    (intake.js copies the pick back). data-this-year lets the page show "1127" as the date it means."""

    picker_type = "date"
    placeholder = _("20261127 or 1127")

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "autocomplete": "off", "data-typed-date": self.picker_type,
                          "placeholder": self.placeholder, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) \
                else value.strftime("%Y-%m-%d %H:%M")
        if isinstance(value, date):
            return value.isoformat()
        return super().format_value(value)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**(attrs or {}), "data-this-year": timezone.localdate(timezone=timezone.get_default_timezone()).year}
        box = super().render(name, value, attrs, renderer)
        target = self.build_attrs(self.attrs, attrs).get("id", "")
        return format_html(
            '<div class="input-group flex-nowrap">{}'
            '<button type="button" class="btn btn-outline-secondary" tabindex="-1" data-calendar-for="{}" '
            'title="{}" aria-label="{}"><i class="bi bi-calendar3" aria-hidden="true"></i></button>'
            '<input type="{}" class="typed-date-picker" tabindex="-1" aria-hidden="true" data-picker-for="{}">'
            '</div>', box, target, _("Calendar (Alt+↓)"), _("Calendar"), self.picker_type, target)


class TypedDateTimeInput(TypedDateInput):
    picker_type = "datetime-local"
    placeholder = _("1127 18:00")


class SegmentedRadio(forms.RadioSelect):
    """A short list (≤ 5 options) as one row of buttons: native radios, so the group is ONE Tab stop and the
    arrow keys move the choice (no script). Bootstrap's .btn-check keeps each radio focusable but invisible."""

    bootstrapped = True  # core.forms.BootstrapMixin would give the group form-control

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        base = attrs.pop("id", f"id_{name}")
        attrs.pop("required", None)  # a radio is checked by default; `required` is no attribute of a group
        attrs.setdefault("aria-labelledby", f"{base}_label")  # the field's label (tickets/_intake_choice.html)
        css = f"btn-group flex-wrap {attrs.pop('class', '')}".strip()
        chosen = set(self.format_value(value))
        buttons = []
        for index, (option, label) in enumerate(self.choices):
            buttons.append(format_html(
                '<input type="radio" class="btn-check" name="{}" id="{}_{}" value="{}" autocomplete="off"{}>'
                '<label class="btn btn-outline-primary" for="{}_{}">{}</label>',
                name, base, index, option, mark_safe(" checked") if str(option) in chosen else "", base, index,
                label))
        return format_html('<div id="{}" role="radiogroup" class="{}"{}>{}</div>', base, css, flatatt(attrs),
                           mark_safe("".join(buttons)))


class InitialsSelect(QuickSelect):
    """A longer list typed ahead by pinyin initials ("wx" → 维修): each option carries its label's initials
    (core/pinyin.py); static/js/intake.js matches the letters typed against them."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(str(v))}" data-initials="{escape(pinyin_initials(label))}"'
            f'{" selected" if str(v) in chosen else ""}>{escape(str(label))}</option>' for v, label in self.choices)
        attrs = {**self.build_attrs(self.attrs, attrs), "data-initials-select": ""}
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs), mark_safe(options))
