from django import forms


class BootstrapMixin:
    """Gives every widget Bootstrap's classes, and marks invalid fields after validation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bootstrap()

    def bootstrap(self) -> None:
        """Style the fields not styled yet (a form that adds fields in __init__ calls it again)."""
        for field in self.fields.values():
            widget = field.widget
            if getattr(widget, "bootstrapped", False):
                continue
            widget.bootstrapped = True
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in getattr(self, "_errors", None) or {}:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid"
                widget.attrs["aria-invalid"] = "true"


class LazyForm:
    """A form that a template draws only when its fragment cache misses (core/templatetags/fragments.py).

    The desk list's filter and bulk bars are served from that cache nearly always, yet building their forms
    (deep copies of ~20 fields, widgets and choices) cost ~4,300 Python calls a request. This stands in
    for the form: `fragment_key` (a value, or a function the template calls) is known without it, a field (`{{ form.q }}`) or any other attribute builds the
    form once and reads it there. `known`: attributes answered without the form, e.g. `errors` of a form known to
    have none (an unbound one), so the template's `{% if not form.errors %}` outside the cached block builds
    nothing either."""

    def __init__(self, build, *, fragment_key, field_names, **known):
        self._build, self._form, self._field_names = build, None, frozenset(field_names)
        self.fragment_key = fragment_key
        for name, value in known.items():
            setattr(self, name, value)

    @property
    def form(self):
        if self._form is None:
            self._form = self._build()
        return self._form

    def __getitem__(self, name):
        # The template engine tries `form[name]` before `form.name`: only a field's name may build the form.
        if name not in self._field_names:
            raise KeyError(name)
        return self.form[name]

    def __getattr__(self, name):  # only for names not set here: fields, is_bound, as_p…
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.form, name)
