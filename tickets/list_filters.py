"""The desk list's two bars (filters, bulk actions) without building their forms on every request.

Both bars come from the fragment cache nearly always (core/templatetags/fragments.py), yet building the forms cost
~4,300 Python calls a request (deep copies of ~20 fields, widgets and choices; the engineers' queryset) and their
engineers one query — a fifth of a list page drawn afresh (bench/README.md "List CPU cut"). Here:
- the engineers the selects offer are read once per process and change stamp (core/stamps.py watches users,
  groups and memberships: any change moves the sum the request's change token already holds, core/pageuser.py),
  else once per request, and only when a bar or a fragment key asks;
- a filter form is built and cleaned only the first time its values come (per language: dates are read in the
  reader's formats; and per engineers offered when an engineer is asked: the field looks them up) — a valid
  one's cleaned values are kept, a form with errors is always built (its bar is drawn with them);
- the template gets core.forms.LazyForm stand-ins: their fragment keys are the forms' own, and the forms are
  built only when a bar is drawn rather than served from the cache.
"""
import functools
from collections.abc import Callable

from django.forms.utils import ErrorDict
from django.utils.translation import get_language

from core import pagecache
from core.forms import LazyForm
from core.live import loaded_values

from .forms import TicketFilterForm, engineers_key
from .forms_bulk import BulkForm

MAX_ENTRIES = 1000  # each store is emptied when full
_ENGINEERS: dict[tuple, list] = {}
_CLEANED: dict[tuple, dict] = {}


def engineers_offered(request) -> Callable[[], list]:
    """A function answering the engineers the selects offer (TicketFilterForm.engineers_queryset's rows); it
    reads them at its first call. The rows are shared between requests: read them, never change them. Its
    `stamp`: the change stamps' sum the request's token holds, None without one."""
    stamp = loaded_values(request, ("stamps",))

    @functools.cache
    def offered() -> list:
        if stamp is None:  # no change token read with the user (page cache off, htmx): one query, as before
            return list(TicketFilterForm.engineers_queryset())
        key = (pagecache.KEY_SALT, stamp)  # the salt: tests' rolled-back databases repeat stamps
        if (rows := _ENGINEERS.get(key)) is None:
            rows = list(TicketFilterForm.engineers_queryset())
            _store(_ENGINEERS, key, rows)
        return rows

    offered.stamp = stamp
    return offered


def filter_form(data, engineers: Callable[[], list]):
    """The list's filter form for the query string `data`: a TicketFilterForm the first time (and whenever it
    has errors), else a stand-in with the cleaned values kept from then. An engineer asked for is looked up by
    the form's field: its answer is kept per change stamp only (none without one: the form is built)."""
    if not data:  # nothing filtered: an unbound form, no errors, nothing to clean
        return LazyForm(lambda: TicketFilterForm(engineers=engineers()), field_names=TicketFilterForm.base_fields,
                        fragment_key=lambda: ((), engineers_key(engineers())),  # TicketFilterForm.fragment_key
                        is_bound=False, errors=ErrorDict(), engineers_offered=engineers)
    asked = tuple(sorted((name, tuple(items)) for name, items in data.lists() if name in TicketFilterForm.base_fields))
    key = None
    if "engineer" not in data or engineers.stamp is not None:
        key = (pagecache.KEY_SALT, get_language(), asked, engineers.stamp if "engineer" in data else None)
    cleaned = _CLEANED.get(key) if key is not None else None
    if cleaned is None:
        # Without a stamp the form reads its engineers itself, only if asked (a rows-only answer never is).
        form = TicketFilterForm(data, engineers=engineers() if engineers.stamp is not None else None)
        if key is not None and form.is_valid():
            _store(_CLEANED, key, dict(form.cleaned_data))
        return form
    return LazyForm(lambda: TicketFilterForm(data, engineers=engineers()), field_names=TicketFilterForm.base_fields,
                    # TicketFilterForm.fragment_key: every value of the query string
                    fragment_key=lambda: (tuple(sorted((name, tuple(items)) for name, items in data.lists())),
                                          engineers_key(engineers())),
                    is_bound=True, errors=ErrorDict(), is_valid=lambda: True, cleaned_data=dict(cleaned),
                    engineers_offered=engineers)


def bulk_form(engineers: list) -> LazyForm:
    """The bulk bar's form (tickets/views_bulk.py), unbound: built only when the bar is drawn."""
    return LazyForm(lambda: BulkForm(engineers=engineers), field_names=BulkForm.base_fields,
                    fragment_key=engineers_key(engineers))  # BulkForm.fragment_key of an unbound form


def _store(store: dict, key: tuple, value) -> None:
    if len(store) >= MAX_ENTRIES:
        store.clear()
    store[key] = value
