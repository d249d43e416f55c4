"""Output serializers that build their JSON directly.

DRF's generic `to_representation` walks every declared field through `get_attribute`, `to_representation`
and a None check, a few microseconds each. A page of the ticket list is ~2,500 such fields (25 tickets
with their customer, device, SLA clocks and 三包 summary): ~15 ms of CPU, half of the request
(bench/README.md). A `DirectOutput` serializer keeps its declared fields — they are the OpenAPI schema and
the input of the generic path — and gives `values(instance)`, the values in the order of those fields: the
field names are declared once (`Meta.fields`, or the declared fields of a plain Serializer) and serve the
schema, the fast path (`represent` zips them, strictly) and `tests/core/test_direct_output.py`, which checks
that both paths give the same JSON, so the two cannot drift.
"""
from datetime import date, datetime, tzinfo

from django.utils import timezone


class DirectOutput:
    """Mixin for an output serializer: `to_representation` is `represent` (set `direct = False` to compare)."""

    direct = True

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        names = cls.__dict__.get("_field_names")
        if names is None:
            meta = getattr(cls, "Meta", None)
            names = tuple(meta.fields) if hasattr(meta, "fields") else tuple(cls._declared_fields)
            cls._field_names = names
        return names

    def values(self, instance, *args) -> tuple:
        """The JSON values of `instance`, in the order of field_names()."""
        raise NotImplementedError

    def represent(self, instance, *args) -> dict:
        return dict(zip(self.field_names(), self.values(instance, *args), strict=True))

    def to_representation(self, instance):
        if DirectOutput.direct:
            return self.represent(instance)
        return super().to_representation(instance)


def iso_datetime(value: datetime | None, tz: tzinfo | None = None) -> str | None:
    """As DRF's DateTimeField: ISO 8601 in the current time zone (+08:00 here), UTC as `Z`. Pass `tz`
    (timezone.get_current_timezone()) when formatting many: looking it up is most of the cost."""
    if value is None:
        return None
    text = value.astimezone(tz or timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def iso_date(value: date | str | None) -> str | None:
    """As DRF's DateField: dates as YYYY-MM-DD; strings (dates kept in JSON) as they are; empty as null."""
    if not value or isinstance(value, str):
        return value or None
    return value.isoformat()
