"""Field normalisers shared by forms and serializers: one rule for the page and the API."""
import re

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import imei as stdnum_imei

PHONE_CHARS = re.compile(r"[\d+\-()\s.]+")  # \d: IMEs may type full-width digits


def normalize_phone(value: str) -> str:
    """Return E.164 (+8613800138000). Mainland numbers may be typed without +86."""
    raw = (value or "").strip()
    # phonenumbers reads letters as a keypad (138-abcd-8000 → 13822238000): a typo must not become a number.
    if not PHONE_CHARS.fullmatch(raw):
        raise ValidationError(_("Enter a valid phone number, e.g. 13800138000."), code="phone")
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(_("Enter a valid phone number, e.g. 13800138000."), code="phone")
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Enter a valid phone number, e.g. 13800138000."), code="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_search_key(value: str) -> str | None:
    """The stored form of a phone typed into a search box, or None if it is not a phone."""
    try:
        return normalize_phone(value)
    except ValidationError:
        return None


def format_phone(e164: str) -> str:
    # Mainland mobiles (+86 1xx…, most callers) display as their 11 digits, as phonenumbers' national format
    # without spaces would: skip its parse/format, ~0.1 ms a row of the ticket list (bench/profile_list.py).
    if len(e164) == 14 and e164.startswith("+861") and e164[1:].isdigit():
        return e164[3:]
    try:
        number = phonenumbers.parse(e164, "CN")
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 86:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL).replace(" ", "")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _luhn_valid(digits: str) -> bool:
    """The Luhn check stdnum's IMEI validation makes, for a string of ASCII digits."""
    doubled = sum((2 * int(d)) // 10 + (2 * int(d)) % 10 for d in digits[-2::-2])
    return (sum(map(int, digits[-1::-2])) + doubled) % 10 == 0


def normalize_imei(value: str) -> str:
    if len(value or "") == 15 and value.isascii() and value.isdigit():
        # Already compact (how IMEIs are sent): stdnum's compact and validate are ~200 Python calls, a tenth of
        # validating an API create; the same Luhn rule, the same messages.
        if not _luhn_valid(value):
            raise ValidationError(_("This IMEI's check digit is wrong; please read it again."), code="imei")
        return value
    compact = stdnum_imei.compact(value or "")
    if len(compact) != 15 or not compact.isdigit():
        raise ValidationError(_("An IMEI has 15 digits."), code="imei")
    if not stdnum_imei.is_valid(compact):
        raise ValidationError(_("This IMEI's check digit is wrong; please read it again."), code="imei")
    return compact


def validate_not_future(value):
    if value and value > timezone.localdate():
        raise ValidationError(_("This date is in the future."), code="future")
    return value


def validate_fault_size(value: str) -> str:
    if len(value or "") > settings.FAULT_DESCRIPTION_MAX:
        raise ValidationError(
            _("Keep the description under %(max)d characters (it has %(n)d).")
            % {"max": settings.FAULT_DESCRIPTION_MAX, "n": len(value)},
            code="too_long",
        )
    return value
