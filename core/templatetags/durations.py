"""Countdowns in templates: `{{ due|countdown }}` → "剩余 23 小时 59 分", `{{ due|countdown:step }}` →
"工程师回复 · 剩余 23 小时 59 分". The text comes from core.durations, the one formatter."""
from django import template
from django.utils import timezone

from core.durations import duration_text, step_countdown_text

register = template.Library()


@register.filter
def countdown(due, step: str = "") -> str:
    if due is None:
        return ""
    return step_countdown_text(str(step or ""), due, timezone.now())


@register.filter
def duration(minutes) -> str:
    return "" if minutes in (None, "") else duration_text(int(minutes))
