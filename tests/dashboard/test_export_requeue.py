"""Export jobs survive a broker outage: the start never fails, the sweep knocks a job that stayed queued,
and a duplicate knock never runs a job twice at once (only a job whose worker was lost is taken over)."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboard.choices import ExportState
from dashboard.models import ExportJob
from dashboard.services import RUNNING_LEASE, export_job_run, export_jobs_requeue
from tests.resilience.outage import redis_down, tasks_run_inline

pytestmark = pytest.mark.django_db


def test_a_start_while_the_broker_is_down_answers_and_the_sweep_runs_the_job_once(
        history, client, caplog, django_capture_on_commit_callbacks):
    client.force_login(history["manager"])
    with redis_down(), django_capture_on_commit_callbacks(execute=True), caplog.at_level("WARNING"):
        response = client.post(f"{reverse('dashboard:export-start')}?date_from=2026-03-02&date_to=2026-03-02",
                               {"kind": "tickets", "format": "csv"})
    assert response.status_code == 200 and 'hx-trigger="every 1s"' in response.content.decode()
    job = ExportJob.objects.get()
    assert job.state == ExportState.QUEUED
    assert "could not enqueue dashboard.tasks.export_job_run_task" in caplog.text

    with tasks_run_inline():
        assert export_jobs_requeue(now=job.created_at + timedelta(minutes=1)) == 0  # its own knock comes first
        later = job.created_at + timedelta(minutes=3)
        assert export_jobs_requeue(now=later) == 1
        assert export_jobs_requeue(now=later) == 0  # done: nothing left to knock
    job.refresh_from_db()
    assert (job.state, job.progress, job.rows) == (ExportState.DONE, 100, 5) and job.file


def test_the_sweep_stops_at_the_first_refused_knock(history, caplog):
    from dashboard.filters import Filters
    from dashboard.services import export_job_create

    filters = Filters(date_from=timezone.localdate(), date_to=timezone.localdate())
    for _ in range(3):
        export_job_create(requested_by=history["manager"], kind="tickets", format="csv", filters=filters)
    with redis_down():
        assert export_jobs_requeue(now=timezone.now() + timedelta(minutes=3)) == 0
    assert caplog.text.count("could not enqueue") == 1  # one warning, not one per job
    assert set(ExportJob.objects.values_list("state", flat=True)) == {ExportState.QUEUED}


def test_a_duplicate_knock_does_not_run_a_running_job_again_until_its_lease_ran_out(history):
    from dashboard.filters import Filters
    from dashboard.services import export_job_create

    day = timezone.localdate()
    job = export_job_create(requested_by=history["manager"], kind="tickets", format="csv",
                            filters=Filters(date_from=day, date_to=day))
    started = timezone.now() - timedelta(minutes=5)
    ExportJob.objects.filter(pk=job.pk).update(state=ExportState.RUNNING, started_at=started)
    assert export_job_run(job_id=job.pk) is None  # another worker has it
    assert export_jobs_requeue(now=timezone.now()) == 0

    ExportJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - RUNNING_LEASE - timedelta(seconds=1))
    with tasks_run_inline():
        assert export_jobs_requeue(now=timezone.now()) == 1  # its worker was lost: taken over
    job.refresh_from_db()
    assert job.state == ExportState.DONE
