"""Rebuilding a day writes only the rows that differ, and ends with exactly the rows a fresh build makes."""
from dashboard.models import StepDay, VolumeDay
from dashboard.rollup import rollup_build_day

from .conftest import DAY, NOW


def _rows(model, fields):
    """The day's rows as comparable strings (engineer None, Decimal places and dict order aside)."""
    return sorted(tuple(str(v) for v in row) for row in model.objects.filter(day=DAY.date()).values_list(*fields))


STEP_FIELDS = ("step", "engineer_id", "dim", "value", "met", "breached", "hist")
VOL_FIELDS = ("engineer_id", "dim", "value", "registered", "dispatched", "callbacks_failed", "satisfaction_sum",
              "satisfaction_count")


def test_rebuild_rewrites_only_what_differs(history):
    steps, volume = _rows(StepDay, STEP_FIELDS), _rows(VolumeDay, VOL_FIELDS)
    assert steps and volume
    ids = set(StepDay.objects.filter(day=DAY.date()).values_list("id", flat=True))
    changed = StepDay.objects.filter(day=DAY.date(), dim="all", engineer__isnull=True, step="preprocess").get()
    StepDay.objects.filter(pk=changed.pk).update(met=99)  # a stale row
    duplicate = StepDay.objects.filter(day=DAY.date()).exclude(pk=changed.pk).first()
    duplicate.pk = None
    duplicate.save()  # a second row for one key (what two overlapping builds could once leave)
    VolumeDay.objects.create(day=DAY.date(), dim="kind", value="installation", registered=7)  # a row that is gone

    rollup_build_day(day=DAY.date(), now=NOW)

    assert _rows(StepDay, STEP_FIELDS) == steps
    assert _rows(VolumeDay, VOL_FIELDS) == volume
    kept = set(StepDay.objects.filter(day=DAY.date()).values_list("id", flat=True))
    assert ids - kept == {changed.pk}  # every equal row kept its id: not rewritten
