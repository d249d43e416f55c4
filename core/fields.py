"""Serializer and form fields over the shared normalisers in core.validation."""
from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .validation import normalize_imei, normalize_phone, validate_not_future


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
