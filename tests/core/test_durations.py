"""The one countdown formatter (core.durations): as people say it, in both languages, boundaries first."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from core.durations import countdown_text, duration_text, step_countdown_text

DUE = datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize(("minutes", "zh", "en"), [
    pytest.param(0, "0 分钟", "0 min", id="zero"),
    pytest.param(37, "37 分钟", "37 min", id="minutes-only"),
    pytest.param(59, "59 分钟", "59 min", id="last-minute-only"),
    pytest.param(60, "1 小时", "1 h", id="whole-hour"),
    pytest.param(65, "1 小时 5 分", "1 h 5 min", id="hour-and-minutes"),
    pytest.param(1439, "23 小时 59 分", "23 h 59 min", id="a-day-less-a-minute"),
    pytest.param(48 * 60, "48 小时", "48 h", id="two-days-still-hours"),
    pytest.param(48 * 60 + 1, "2 天", "2 d", id="just-over-two-days"),
    pytest.param(51 * 60 + 59, "2 天 3 小时", "2 d 3 h", id="days-drop-minutes"),
    pytest.param(10 * 24 * 60, "10 天", "10 d", id="whole-days"),
])
def test_duration_text(minutes, zh, en):
    with translation.override("zh-hans"):
        assert duration_text(minutes) == zh
    with translation.override("en"):
        assert duration_text(minutes) == en


@pytest.mark.parametrize(("now", "zh", "en"), [
    pytest.param(DUE - timedelta(hours=23, minutes=59, seconds=30), "剩余 23 小时 59 分", "23 h 59 min left",
                 id="left-floors-to-the-minute"),
    pytest.param(DUE, "剩余 0 分钟", "0 min left", id="the-due-minute-is-still-in-time"),
    pytest.param(DUE + timedelta(seconds=30), "超时 0 分钟", "overdue 0 min", id="past-due-by-seconds"),
    pytest.param(DUE + timedelta(hours=1, minutes=5, seconds=59), "超时 1 小时 5 分", "overdue 1 h 5 min",
                 id="overdue-floors"),
    pytest.param(DUE - timedelta(days=3, hours=2, minutes=10), "剩余 3 天 2 小时", "3 d 2 h left", id="days-ahead"),
])
def test_countdown_text(now, zh, en):
    with translation.override("zh-hans"):
        assert countdown_text(DUE, now) == zh
    with translation.override("en"):
        assert countdown_text(DUE, now) == en


def test_a_countdown_names_its_step():
    with translation.override("zh-hans"):
        assert step_countdown_text("工程师回复", DUE, DUE - timedelta(minutes=1439)) == "工程师回复 · 剩余 23 小时 59 分"
        assert step_countdown_text("", DUE, DUE - timedelta(minutes=5)) == "剩余 5 分钟"
