"""The Python-written filter widgets give the same HTML as Django's own templates (compared as HTML)."""
import pytest
from django import forms
from django.test.html import parse_html

from core.widgets import QuickDateInput, QuickSelect, QuickTextInput

CHOICES = [("", "全部"), ("repair", "维修 <急>"), ("a&b", 'say "hi"')]


@pytest.mark.parametrize("value", [None, "", "repair", "a&b", ["repair"]])
def test_quick_select_is_djangos_select(value):
    attrs = {"class": "form-select", "id": "id_kind", "disabled": False, "required": True}
    quick = QuickSelect(attrs=attrs, choices=CHOICES).render("kind", value)
    django = forms.Select(attrs=attrs, choices=CHOICES).render("kind", value)
    assert parse_html(quick) == parse_html(django)
    assert "&lt;急&gt;" in quick and "<急>" not in quick


def test_grouped_choices_are_left_to_djangos_template():
    grouped = [("手机", [("phone", "手机")]), ("家电", [("tv", "电视")])]
    assert parse_html(QuickSelect(choices=grouped).render("c", "tv")) == parse_html(
        forms.Select(choices=grouped).render("c", "tv"))


@pytest.mark.parametrize("widget, django_widget, value", [
    (QuickTextInput(attrs={"type": "search", "placeholder": "号码 <或> 姓名"}),
     forms.TextInput(attrs={"type": "search", "placeholder": "号码 <或> 姓名"}), '王"伟'),
    (QuickTextInput(), forms.TextInput(), None),
    (QuickDateInput(attrs={"type": "date"}), forms.DateInput(attrs={"type": "date"}), "2026-11-23"),
])
def test_quick_inputs_are_djangos_inputs(widget, django_widget, value):
    assert parse_html(widget.render("q", value)) == parse_html(django_widget.render("q", value))
