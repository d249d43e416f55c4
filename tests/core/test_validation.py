"""The shared normalisers behind both front doors (form and API), and the problem+json error shape."""
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from rest_framework import serializers

from core.api import flatten_errors
from core.validation import format_phone, normalize_imei, normalize_phone, phone_search_key, validate_not_future


@pytest.mark.parametrize(("typed", "stored"), [
    ("13800138000", "+8613800138000"),
    ("138 0013 8000", "+8613800138000"),
    ("138-0013-8000", "+8613800138000"),
    ("+86 138 0013 8000", "+8613800138000"),
    ("１３８００１３８０００", "+8613800138000"),  # full-width digits from a Chinese IME
    ("010-6552 9988", "+861065529988"),  # a Beijing landline
    ("+852 6123 4567", "+85261234567"),  # Hong Kong mobile
])
def test_phone_is_stored_as_e164(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize("typed", ["", "1380013800", "138001380001", "12345", "138-abcd-8000", "call me", "+86"])
def test_malformed_phone_is_refused(typed):
    with pytest.raises(ValidationError) as refused:
        normalize_phone(typed)
    assert refused.value.code == "phone"
    assert phone_search_key(typed) is None


def test_phone_is_shown_without_the_country_code_at_home():
    assert format_phone("+8613800138000") == "13800138000"
    assert format_phone("+85261234567") == "+852 6123 4567"


@pytest.mark.parametrize(("typed", "stored"), [
    ("490154203237518", "490154203237518"),
    ("49-015420-323751-8", "490154203237518"),
    (" 49 015420 323751 8 ", "490154203237518"),
])
def test_imei_is_compacted(typed, stored):
    assert normalize_imei(typed) == stored


@pytest.mark.parametrize(("typed", "reason"), [
    ("490154203237519", "check digit"),
    ("49015420323751", "15 digits"),
    ("4901542032375180", "15 digits"),
    ("49015420323751X", "15 digits"),
])
def test_bad_imei_is_refused_with_the_reason(typed, reason):
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            normalize_imei(typed)
        assert reason in refused.value.messages[0]  # the message is lazy: read it in English


def test_today_is_not_the_future_but_tomorrow_is():
    today = timezone.localdate()
    assert validate_not_future(today) == today
    with pytest.raises(ValidationError):
        validate_not_future(today + timedelta(days=1))


def test_nested_errors_are_keyed_by_a_dotted_path():
    errors = {"customer": {"phone": ["bad phone"]}, "device": {"non_field_errors": ["bad dates"], "imei": ["bad"]},
              "fault_description": ["too long"]}
    assert flatten_errors(errors) == {"customer.phone": ["bad phone"], "device": ["bad dates"],
                                      "device.imei": ["bad"], "fault_description": ["too long"]}


def test_serializer_errors_flatten_the_same_way():
    class Inner(serializers.Serializer):
        imei = serializers.CharField(max_length=3)

    class Outer(serializers.Serializer):
        device = Inner()

    outer = Outer(data={"device": {"imei": "toolong"}})
    assert not outer.is_valid()
    assert list(flatten_errors(outer.errors)) == ["device.imei"]
