"""The beat sweep: periodic callbacks for high-value products, idempotent; `manage.py callbacks_due`."""
from datetime import date, datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from callbacks import services
from callbacks.choices import CallbackKind, CallbackState
from callbacks.models import Callback, CallbackPolicy
from callbacks.sweep import callback_periodic_create
from callbacks.tasks import callback_periodic_task, callback_retries_task
from tests.factories import DeviceFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 7, 15, 11, 0, tzinfo=SH)


def _devices():
    return {
        "due": DeviceFactory(value=Decimal("8999.00"), purchase_date=date(2026, 1, 15)),  # 6 months today
        "not_yet": DeviceFactory(value=Decimal("8999.00"), purchase_date=date(2026, 1, 16)),
        "cheap": DeviceFactory(value=Decimal("4999.99"), purchase_date=date(2025, 1, 1)),
        "at_threshold_years_ago": DeviceFactory(value=Decimal("5000.00"), purchase_date=date(2024, 3, 2)),
        "no_value": DeviceFactory(value=None, purchase_date=date(2025, 1, 1)),
    }


def test_periodic_callbacks_for_high_value_products_once_per_period(reception):
    devices = _devices()
    with time_machine.travel(NOW, tick=False):
        assert callback_periodic_create(now=timezone.now()) == 2
        assert callback_periodic_create(now=timezone.now()) == 0  # a redelivered task creates nothing

    rows = {c.device_id: c for c in Callback.objects.filter(kind=CallbackKind.PERIODIC)}
    assert set(rows) == {devices["due"].pk, devices["at_threshold_years_ago"].pk}
    due = rows[devices["due"].pk]
    assert (due.ticket, due.customer, due.period_due_on, due.due_at) == (
        None, devices["due"].customer, date(2026, 7, 15), NOW)
    # Catching up after years: one callback for the latest period, not one per missed period.
    assert rows[devices["at_threshold_years_ago"].pk].period_due_on == date(2026, 3, 2)


def test_the_next_period_comes_after_the_last_periodic_callback(reception):
    device = DeviceFactory(value=Decimal("9000"), purchase_date=date(2026, 1, 15))
    with time_machine.travel(NOW, tick=False):
        callback_periodic_create(now=timezone.now())
        callback = Callback.objects.get(device=device)
        services.callback_record(callback=callback, actor=reception, reached=True, outcome="contacted")
        assert Callback.objects.get(pk=callback.pk).state == CallbackState.DONE
        assert callback_periodic_create(now=timezone.now()) == 0  # this period is done
    with time_machine.travel(datetime(2027, 1, 14, 11, 0, tzinfo=SH), tick=False):
        assert callback_periodic_create(now=timezone.now()) == 0
    with time_machine.travel(datetime(2027, 1, 15, 11, 0, tzinfo=SH), tick=False):
        assert callback_periodic_create(now=timezone.now()) == 1
    assert list(Callback.objects.filter(device=device).order_by("id").values_list("period_due_on", flat=True)) == [
        date(2026, 7, 15), date(2027, 1, 15)]


def test_an_open_periodic_callback_blocks_the_next_one():
    device = DeviceFactory(value=Decimal("9000"), purchase_date=date(2025, 1, 15))
    with time_machine.travel(datetime(2025, 7, 15, 11, 0, tzinfo=SH), tick=False):
        callback_periodic_create(now=timezone.now())
    with time_machine.travel(datetime(2026, 1, 15, 11, 0, tzinfo=SH), tick=False):
        assert callback_periodic_create(now=timezone.now()) == 0
    assert Callback.objects.filter(device=device).count() == 1


def test_periodic_callbacks_follow_the_policy_and_can_be_turned_off():
    device = DeviceFactory(value=Decimal("3000"), purchase_date=date(2026, 4, 15))
    CallbackPolicy.objects.create(name="每季度", effective_from=datetime(2026, 1, 1, tzinfo=SH), periodic_months=3,
                                  periodic_value_threshold=Decimal("2000"))
    with time_machine.travel(NOW, tick=False):
        assert callback_periodic_create(now=timezone.now()) == 1
    assert Callback.objects.get(device=device).period_due_on == date(2026, 7, 15)
    CallbackPolicy.objects.create(name="关闭", effective_from=datetime(2026, 7, 1, tzinfo=SH), periodic_months=0)
    DeviceFactory(value=Decimal("99999"), purchase_date=date(2020, 1, 1))
    with time_machine.travel(NOW, tick=False):
        assert callback_periodic_create(now=timezone.now()) == 0


def test_the_command_and_the_tasks_run_the_same_sweep(solved, reception):
    _ticket, callback = solved
    services.callback_record(callback=callback, actor=reception, reached=False)
    DeviceFactory(value=Decimal("9000"), purchase_date=date(2020, 1, 1))
    with time_machine.travel(timezone.now() + timezone.timedelta(days=5), tick=False):
        out = StringIO()
        call_command("callbacks_due", stdout=out)
        assert out.getvalue().strip() == "retries_reopened=1 periodic_created=1"
        assert (callback_retries_task.apply().get(), callback_periodic_task.apply().get()) == (0, 0)
    assert Callback.objects.get(pk=callback.pk).state == CallbackState.DUE


def test_beat_schedules_both_tasks():
    from servicedesk.beat import BEAT_SCHEDULE

    tasks = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert {"callbacks.tasks.callback_retries_task", "callbacks.tasks.callback_periodic_task"} <= tasks
