"""Dates typed as digits in one box (issue 15): the formats, "1127" = this year in Asia/Shanghai, bad input and
year 9999 as field errors in both languages — never a 500."""
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from core.fields import (
    TypedDateFormField,
    TypedDateTimeFormField,
    TypedPastDateFormField,
)
from core.pinyin import pinyin_initials
from core.typed_dates import parse_typed_date, parse_typed_datetime

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 12, 2)


@pytest.mark.parametrize("typed", ["20261127", "2026-11-27", "2026/11/27", "2026.11.27", "2026-11-27 ",
                                   "2026年11月27日", "1127", "11-27", "11/27", "11月27日"])
def test_every_accepted_spelling_means_27_november_2026(typed):
    assert parse_typed_date(typed, today=TODAY) == date(2026, 11, 27)


def test_four_digits_are_this_year_even_when_that_is_later_than_today():
    assert parse_typed_date("0105", today=TODAY) == date(2026, 1, 5)
    assert parse_typed_date("1231", today=date(2027, 1, 1)) == date(2027, 12, 31)  # not "last December"


@pytest.mark.parametrize("typed", ["", "abc", "112", "12345", "1327", "0230", "20260230", "2026-13-01", "99999999",
                                   "00000101", "2026-11-27-1", "27.11.2026"])
def test_anything_else_is_refused(typed):
    with pytest.raises(ValueError):
        parse_typed_date(typed, today=TODAY)


@pytest.mark.parametrize(("typed", "expected"), [
    ("1205 18:00", (date(2026, 12, 5), time(18, 0))), ("20261205 1800", (date(2026, 12, 5), time(18, 0))),
    ("2026-12-05T18:00", (date(2026, 12, 5), time(18, 0))), ("2026-12-05 18:00:30", (date(2026, 12, 5), time(18, 0, 30))),
    ("1205 9", (date(2026, 12, 5), time(9, 0))),
])
def test_a_moment_is_a_date_and_a_time(typed, expected):
    assert parse_typed_datetime(typed, today=TODAY) == expected


@pytest.mark.parametrize("typed", ["1205", "1205 25:00", "1205 18:61", "tomorrow 18:00", "1205 18 00"])
def test_a_moment_without_a_valid_time_is_refused(typed):
    with pytest.raises(ValueError):
        parse_typed_datetime(typed, today=TODAY)


def test_this_year_is_the_year_in_shanghai_not_on_the_servers_clock():
    # 31 Dec 2026 17:00 UTC is already 1 Jan 2027 01:00 in Shanghai: "0105" is January 2027.
    with time_machine.travel(datetime(2026, 12, 31, 17, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        assert TypedDateFormField().clean("0105") == date(2027, 1, 5)


def test_a_bad_date_is_a_field_error_in_chinese_and_in_english():
    for language, words in (("zh-hans", "请输入日期，如 20261127、2026-11-27 或 1127（今年）。"),
                            ("en", "Enter a date as 20261127, 2026-11-27 or 1127 (this year).")):
        with translation.override(language):
            with pytest.raises(ValidationError) as caught:
                TypedDateFormField().clean("31.2.")
            assert caught.value.messages == [words]  # inside: the message is translated when read


@pytest.mark.parametrize("typed", ["99991231", "9999-12-31", "19991231", "21010101"])
def test_a_year_outside_the_range_is_a_field_error(typed):
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            TypedDateFormField().clean(typed)
        assert caught.value.code == "date_range"
        assert caught.value.messages == ["Enter a date between 2000-01-01 and 2100-12-31."]


def test_a_past_date_field_refuses_tomorrow():
    with time_machine.travel(datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI), tick=False):
        assert TypedPastDateFormField().clean("1202") == date(2026, 12, 2)
        with pytest.raises(ValidationError) as caught:
            TypedPastDateFormField().clean("1203")
        assert caught.value.code == "future"


def test_a_moment_is_read_in_the_desks_time_zone_and_bounded():
    with time_machine.travel(datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI), tick=False):
        assert TypedDateTimeFormField().clean("1205 18") == datetime(2026, 12, 5, 18, 0, tzinfo=SHANGHAI)
        for typed, code in (("99991231 23:59", "date_range"), ("1205", "invalid"), ("1205 24:00", "invalid")):
            with pytest.raises(ValidationError) as caught:
                TypedDateTimeFormField().clean(typed)
            assert caught.value.code == code, typed


@pytest.mark.parametrize(("label", "initials"), [("维修", "wx"), ("投诉", "ts"), ("退换货", "thh"), ("手机", "sj"),
                                                 ("丢件/破损", "djps"), ("进水", "js"), ("14 Pro", "14pro")])
def test_pinyin_initials_of_the_labels_reception_types_ahead(label, initials):
    assert pinyin_initials(label) == initials
