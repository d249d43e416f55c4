"""Past days' sums are cached under the rollup version (dashboard/period.py): the figures of a day seen the
next day equal those seen on the day, a second view reads fewer rows, and a new version re-sums."""
from datetime import timedelta

from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from dashboard.filters import Filters
from dashboard.models import StepDay
from dashboard.rollup import hist_version, hist_version_bump, rollup_build_day, rollup_refresh
from dashboard.selectors import dashboard_figures
from tickets import services

from .conftest import DAY, NOW

NEXT_DAY = NOW + timedelta(days=1)


def _steps(data):
    return {s.step: (s.met, s.breached, dict(s.hist), s.median, s.p90) for s in data["steps"]}


def _engineers(data):
    return {e.name: (e.replies_met, e.replies_total, e.solutions_met, e.solutions_total, e.reopened,
                     e.satisfaction) for e in data["engineers"]}


def _trend(data):
    return [(b["start"], b["registered"], b["met"], b["breached"], b["satisfaction"]) for b in data["trend"]]


def _next_day(history):
    history["traveller"].move_to(NEXT_DAY)
    rollup_refresh(now=NEXT_DAY, days_back=2)  # 2 March is now final, 3 March is "today"


def test_a_past_day_from_the_cache_equals_the_day_itself(history):
    f = Filters(date_from=DAY.date(), date_to=DAY.date())
    on_the_day = dashboard_figures(filters=f, now=NOW)
    _next_day(history)
    with CaptureQueriesContext(connection) as cold:
        summed = dashboard_figures(filters=f, now=NEXT_DAY)
    with CaptureQueriesContext(connection) as warm:
        cached = dashboard_figures(filters=f, now=NEXT_DAY)
    assert len(warm) < len(cold)  # the second view did not re-sum the past day
    for data in (summed, cached):
        assert _steps(data) == _steps(on_the_day)
        assert _engineers(data) == _engineers(on_the_day)
        assert _trend(data) == _trend(on_the_day)
        assert all(e.dispatched_today == 0 for e in data["engineers"])  # "today" is 3 March now


def test_a_period_ending_today_adds_todays_rows_to_the_cached_days(history):
    f = Filters(date_from=DAY.date(), date_to=DAY.date())
    on_the_day = _steps(dashboard_figures(filters=f, now=NOW))
    _next_day(history)
    two_days = Filters(date_from=DAY.date(), date_to=NEXT_DAY.date())
    dashboard_figures(filters=two_days, now=NEXT_DAY)  # caches 2 March
    ticket = services.ticket_create(created_by=history["reception"], **_payload())
    history["traveller"].move_to(NEXT_DAY + timedelta(minutes=5))
    services.ticket_preprocess(ticket=ticket, actor=history["reception"])
    rollup_refresh(now=NEXT_DAY + timedelta(minutes=6), days_back=1)  # today only: the cached sum stays valid
    data = dashboard_figures(filters=two_days, now=NEXT_DAY + timedelta(minutes=6))
    met, breached, *_ = on_the_day["preprocess"]
    assert _steps(data)["preprocess"][:2] == (met + 1, breached)
    assert [b["registered"] for b in data["trend"]] == [5, 1]


def test_a_new_rollup_version_re_sums_the_past_days(history):
    f = Filters(date_from=DAY.date(), date_to=DAY.date())
    _next_day(history)
    before = _steps(dashboard_figures(filters=f, now=NEXT_DAY))["preprocess"][0]
    StepDay.objects.filter(day=DAY.date(), step="preprocess", dim="all", engineer__isnull=True).update(
        met=F("met") + 10)  # behind the cache's back: the cached sum is still served …
    assert _steps(dashboard_figures(filters=f, now=NEXT_DAY))["preprocess"][0] == before
    hist_version_bump()  # … until the version changes
    assert _steps(dashboard_figures(filters=f, now=NEXT_DAY))["preprocess"][0] == before + 10
    version = hist_version()
    rollup_build_day(day=DAY.date(), now=NEXT_DAY)  # rebuilding a past day is what changes it in practice
    assert hist_version() != version
    assert _steps(dashboard_figures(filters=f, now=NEXT_DAY))["preprocess"][0] == before


def _payload():
    from .conftest import _intake

    return _intake("repair", "phone")


def test_a_lost_version_starts_a_new_one(db):
    from django.core.cache import cache

    from dashboard.rollup import _version_key

    old = hist_version()
    cache.delete(_version_key())  # evicted, or a flushed cache: sums cached under `old` must not come back
    new = hist_version()
    assert new != old and hist_version() == new
    assert _version_key().endswith(connection.settings_dict["NAME"])  # one database's sums never serve another
