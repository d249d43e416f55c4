"""Serializer and form fields over the shared normalisers in core.validation."""
from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .typed_dates import parse_typed_date, parse_typed_datetime
from .validation import normalize_imei, normalize_phone, validate_not_future
from .widgets import TypedDateInput, TypedDateTimeInput


class _NormalisingSerializerField(serializers.CharField):
    normaliser = staticmethod(lambda value: value)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value == "":
            return value
        try:
            return self.normaliser(value)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages, code=exc.code)


class PhoneField(_NormalisingSerializerField):
    normaliser = staticmethod(normalize_phone)

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)


class ImeiField(_NormalisingSerializerField):
    normaliser = staticmethod(normalize_imei)

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)


class PastDateField(serializers.DateField):
    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        try:
            return validate_not_future(parsed)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages, code=exc.code)


class _NormalisingFormField(forms.CharField):
    normaliser = staticmethod(lambda value: value)

    def clean(self, value):
        value = super().clean(value)
        return self.normaliser(value) if value else value


class PhoneFormField(_NormalisingFormField):
    normaliser = staticmethod(normalize_phone)


class ImeiFormField(_NormalisingFormField):
    normaliser = staticmethod(normalize_imei)


class PastDateFormField(forms.DateField):
    def clean(self, value):
        return validate_not_future(super().clean(value))


# A date far outside this range is a typo or a probe; past year 9999 Python's date arithmetic overflows
# (a 500). Filters, forms and exports all refuse it with a field error instead.
DATE_MIN = date(2000, 1, 1)
DATE_MAX = date(2100, 12, 31)
DATE_RANGE_MESSAGE = _("Enter a date between %(min)s and %(max)s.")


def _date_range_message() -> str:
    return DATE_RANGE_MESSAGE % {"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()}


def _in_range(value: date | datetime) -> bool:
    day = value.date() if isinstance(value, datetime) else value
    return DATE_MIN <= day <= DATE_MAX


class BoundedDateField(serializers.DateField):
    """A DateField that refuses dates outside DATE_MIN..DATE_MAX (400 naming the field)."""

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        if not _in_range(parsed):
            raise serializers.ValidationError(_date_range_message(), code="date_range")
        return parsed


class BoundedDateTimeField(serializers.DateTimeField):
    def to_internal_value(self, value):
        try:
            parsed = super().to_internal_value(value)
        except OverflowError:  # 9999-12-31T23:59:59-01:00 overflows while being made aware
            raise serializers.ValidationError(_date_range_message(), code="date_range") from None
        if not _in_range(parsed):
            raise serializers.ValidationError(_date_range_message(), code="date_range")
        return parsed


class BoundedDateFormField(forms.DateField):
    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is not None and not _in_range(parsed):
            raise ValidationError(_date_range_message(), code="date_range")
        return parsed


class BoundedDateTimeFormField(forms.DateTimeField):
    """A form's date and time between DATE_MIN and DATE_MAX: year 9999 is a field error, never an overflow."""

    def to_python(self, value):
        try:
            parsed = super().to_python(value)
        except OverflowError:
            raise ValidationError(_date_range_message(), code="date_range") from None
        if parsed is not None and not _in_range(parsed):
            raise ValidationError(_date_range_message(), code="date_range")
        return parsed


# ---- dates typed as digits in one box (reception's new-ticket form; core/typed_dates.py) ----

TYPED_DATE_MESSAGE = _("Enter a date as 20261127, 2026-11-27 or 1127 (this year).")
TYPED_DATETIME_MESSAGE = _("Enter a date and a time as 1127 18:00, 20261127 1800 or 2026-11-27 18:00.")


def _desk_today() -> date:
    # "1127" means this year where the desk is (TIME_ZONE, Asia/Shanghai), not where the server's clock is.
    return timezone.localdate(timezone=timezone.get_default_timezone())


class TypedDateFormField(forms.DateField):
    """One text box instead of the browser's year / month / day segments (a Tab stop each): the digits as
    said on the phone, the calendar on demand (core.widgets.TypedDateInput). Bounded like BoundedDateFormField."""

    widget = TypedDateInput
    default_error_messages = {"invalid": TYPED_DATE_MESSAGE}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            value = value.date()
        if not isinstance(value, date):
            try:
                value = parse_typed_date(str(value), today=_desk_today())
            except ValueError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not _in_range(value):
            raise ValidationError(_date_range_message(), code="date_range")
        return value


class TypedPastDateFormField(TypedDateFormField):
    """A purchase, invoice or factory date: typed as digits, and not after today."""

    def clean(self, value):
        return validate_not_future(super().clean(value))


class TypedDateTimeFormField(forms.DateTimeField):
    """A moment typed as "1127 18:00" (this year) or "20261127 1800", in the desk's time zone; bounded."""

    widget = TypedDateTimeInput
    default_error_messages = {"invalid": TYPED_DATETIME_MESSAGE}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            moment = value
        else:
            try:
                day, at = parse_typed_datetime(str(value), today=_desk_today())
            except ValueError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
            if not _in_range(day):  # before making it aware: 9999-12-31 23:59 would overflow there
                raise ValidationError(_date_range_message(), code="date_range")
            moment = datetime.combine(day, at)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, timezone.get_default_timezone())
        if not _in_range(moment):
            raise ValidationError(_date_range_message(), code="date_range")
        return moment
