"""Form widgets rendered once per distinct content, then served from memory.

A widget's HTML is a pure function of its template and its context (name, value, attrs, the choices of a
select with their labels) in the active language. Rendering it through Django's template engine is the
dearest part of a page with forms: a select is an include per option, and the ticket page holds several
forms (about 40 widgets, 260 includes, a third of the page's CPU). The same blank form on another ticket, or
the same ticket again, has the same widget contexts, so this renderer keys the HTML by the context's
content — nothing to invalidate: another value, label, choice or language is another key.

Only contexts made of plain data are cached (strings — safe and plain kept apart —, numbers, booleans, None,
lists, tuples and dicts of them). Anything else (a form, a bound field, an error list: labels, errors and
whole-form templates) is rendered as usual. The memory is per process and bounded (emptied when full)."""
from django.conf import settings
from django.forms.models import ModelChoiceIteratorValue
from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.safestring import SafeData
from django.utils.translation import get_language

MAX_ENTRIES = 2000


class Uncacheable(Exception):
    pass


def _frozen(value):
    """A hashable copy of a widget context; Uncacheable for anything that is not plain data."""
    if isinstance(value, str):
        return ("s", value) if isinstance(value, SafeData) else value
    if value is None or isinstance(value, (bool, int, float)):
        return (type(value).__name__, value)  # 1, 1.0 and True render differently
    if isinstance(value, dict):
        return ("d", tuple((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple)):
        return ("l", tuple(_frozen(item) for item in value))
    if isinstance(value, Promise):  # a lazy translation: its text in the active language
        return str(value)
    if isinstance(value, ModelChoiceIteratorValue):  # templates show its str(): the primary key
        return ("m", str(value))
    raise Uncacheable


class CachedDjangoTemplates(DjangoTemplates):
    def __init__(self):
        super().__init__()
        self._html: dict = {}

    def render(self, template_name, context, request=None):
        if request is not None or settings.DEBUG:
            return super().render(template_name, context, request=request)
        try:
            key = (template_name, get_language(), _frozen(context))
        except Uncacheable:
            return super().render(template_name, context, request=request)
        html = self._html.get(key)
        if html is None:
            html = super().render(template_name, context, request=request)
            if len(self._html) >= MAX_ENTRIES:
                self._html.clear()
            self._html[key] = html
        return html
