"""Serializer and form fields over the shared normalisers in core.validation."""
from django import forms
from django.core.exceptions import ValidationError
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
