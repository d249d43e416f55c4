"""Form widgets written in Python, for filter bars rendered on every request of the busiest pages.

Django renders each widget through templates — a <select> includes a sub-template per option and per
attribute list, ~0.1 ms each — which made the ticket list's and the dashboard's filter bars a third of
their pages' time (bench/README.md, dashboard/README.md). These write the same markup as Django's
templates, every value escaped as Django's `escape` does (`html.escape(str(value))`).
"""
from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


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
