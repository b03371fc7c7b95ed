"""The attempt limit of every kind of job (settings.JOBS, allocations/jobs.py): a run, a letter job and an
export job that keep failing, or whose worker keeps dying, end as failed with a reason that says so, shown
where the administrator looks, and nothing picks them up again until a person does."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from allocations import jobs
from allocations.exports import services as export_services
from allocations.exports.models import ExportJob, ExportJobStatus
from allocations.letters import batches, selectors
from allocations.letters import services as letter_services
from allocations.letters.models import JobStatus, LetterJob
from allocations.letters.transitions import LETTER_JOB_KIND
from allocations.runs import execution as run_execution
from allocations.runs import services as run_services
from allocations.runs.models import AllocationLine, AllocationRun, RunStatus
from allocations.runs.transitions import RUN_JOBS
from tests.allocations.final_runs import export_run, letter_run
from tests.allocations.letters.batch import prepare
from tests.allocations.runs.builders import allocation_call, reviewed

pytestmark = pytest.mark.django_db


def _workers_die(kind: jobs.Kind, pk: int, settings, start: datetime.datetime) -> datetime.datetime:
    """As many attempts as the limit allows, each claimed by a worker that dies before it finishes (its
    lease runs out). Returns a moment after the last lease expired."""
    policy = settings.JOBS[kind.name]
    moment = start
    for attempt in range(1, policy["max_attempts"] + 1):
        lease = jobs.claim(kind, pk, now=moment)
        assert lease is not None and lease.attempt == attempt
        moment += datetime.timedelta(seconds=policy["lease_seconds"] + 1)
    return moment


def test_a_run_whose_worker_keeps_dying_fails_at_the_attempt_limit_with_the_reason(
    administrator, settings, django_capture_on_commit_callbacks
):
    call = allocation_call(budget=Decimal("1000000.00"))
    for i in range(3):
        reviewed(call, requested=Decimal(100000 + 1000 * i), total=Decimal(40 + i))
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not begun yet
        run = run_services.start_run(call=call, by=administrator)
    after = _workers_die(RUN_JOBS, run.pk, settings, timezone.now())

    assert run_execution.sweep_runs(now=after) == []  # the sweeper sends nothing: the run has failed
    run.refresh_from_db()
    limit = settings.JOBS["run"]["max_attempts"]
    assert (run.status, run.phase, run.attempts, run.lease_until) == (RunStatus.FAILED, "failed", limit, None)
    assert run.error.startswith(f"Na {limit} pogingen opgegeven")
    assert run_execution.execute_run(run.pk) is False  # a late message does nothing
    api = APIClient()
    api.force_authenticate(administrator)
    shown = api.get(f"/api/v1/allocation-runs/{run.pk}/").json()
    assert shown["status"] == "failed" and shown["error"] == run.error

    with django_capture_on_commit_callbacks(execute=True):  # a person tries again: the run completes
        run_services.retry_run(run=run, by=administrator)
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT and run.attempts == 1 and run.error == ""
    assert AllocationLine.objects.filter(run=run).count() == 3
    assert AllocationRun.objects.filter(call=call).count() == 1


def test_a_letter_job_whose_worker_keeps_dying_fails_at_the_attempt_limit_with_the_reason(settings):
    run = letter_run(count=1)
    prepare(run)  # the tasks are queued on commit: the job stays pending
    job = LetterJob.objects.get(run=run)
    after = _workers_die(LETTER_JOB_KIND, job.pk, settings, timezone.now())

    assert letter_services.sweep_jobs(now=after) == 0
    job.refresh_from_db()
    limit = settings.JOBS["letter"]["max_attempts"]
    assert job.status == JobStatus.FAILED and job.attempts == limit
    assert job.error.startswith(f"Na {limit} pogingen opgegeven")
    assert list(selectors.failed_jobs(run)) == [job]  # what the letters page lists, with the error
    progress = selectors.batch_progress(run)
    assert (progress.failed, progress.finished) == (1, True)
    assert letter_services.render_job(job.pk) is None  # a late message does nothing

    assert batches.retry_failed(run=run, by=run.approved_by) == 1  # a person tries again
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == (JobStatus.PENDING, 0, "")
    assert letter_services.render_job(job.pk) is not None
    job.refresh_from_db()
    assert job.status == JobStatus.DONE


def test_an_export_job_that_keeps_failing_fails_at_the_attempt_limit_with_the_reason(
    administrator, settings, monkeypatch
):
    run = export_run(lines=2, letters=False, hostile=False)
    job = ExportJob.objects.create(run=run, format="xlsx", requested_by=administrator, rows_total=2)

    def broken(run):
        raise OSError("Geen ruimte meer op het apparaat")

    monkeypatch.setattr(export_services.selectors, "decision_rows", broken)
    limit = settings.JOBS["export"]["max_attempts"]
    for attempt in range(1, limit + 1):
        with pytest.raises(OSError):
            export_services.build_export(job_id=job.pk)
        job.refresh_from_db()
        assert job.attempts == attempt
        assert job.status == (ExportJobStatus.FAILED if attempt == limit else ExportJobStatus.QUEUED)
    assert job.error == f"Na {limit} pogingen opgegeven. De laatste fout: Geen ruimte meer op het apparaat"
    assert export_services.pending_jobs(now=timezone.now() + datetime.timedelta(days=1)) == []
    assert export_services.build_export(job_id=job.pk) is None  # a late message does nothing
    api = APIClient()
    api.force_authenticate(administrator)
    shown = api.get(f"/api/v1/export-jobs/{job.pk}/").json()
    assert shown["status"] == "failed" and shown["error"] == job.error
    assert not job.file
