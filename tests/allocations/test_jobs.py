"""The one leased-job helper (allocations/jobs.py): a claim is an attempt with a lease, a live lease keeps
every other message out, an expired one is taken over by a new attempt whose token fences off the old one,
renewing keeps it, finishing ends it, and the attempt limit ends a job as failed with its reason.

Proved on export jobs (the lightest kind to build); the other kinds share every line of it, and the test
below checks that their lifecycle tables have the steps the helper takes."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from allocations import jobs
from allocations.exports.models import ExportJob, ExportJobStatus
from allocations.exports.transitions import EXPORT_JOB_KIND
from allocations.letters.transitions import LETTER_JOB_KIND
from allocations.runs.transitions import RUN_JOBS
from tests.allocations.final_runs import export_run

pytestmark = pytest.mark.django_db
KIND = EXPORT_JOB_KIND
T0 = datetime.datetime(2027, 3, 15, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def job(administrator):
    run = export_run(lines=1, letters=False, hostile=False)
    return ExportJob.objects.create(run=run, format="csv", requested_by=administrator, created_at=T0)


def _lease_length(settings) -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.JOBS["export"]["lease_seconds"])


def test_every_kind_has_the_steps_of_the_helper_and_the_same_policy(settings):
    for kind in (RUN_JOBS, LETTER_JOB_KIND, EXPORT_JOB_KIND):
        for action in (jobs.CLAIM, jobs.FINISH, jobs.REQUEUE, jobs.FAIL):
            assert kind.lifecycle.workflow.get(action).target, (kind.name, action)
        assert kind.working not in kind.waiting and kind.waiting
    policies = {kind.name: kind.policy for kind in (RUN_JOBS, LETTER_JOB_KIND, EXPORT_JOB_KIND)}
    assert len(set(policies.values())) == 1, policies
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert policies["run"].lease < datetime.timedelta(seconds=visibility)  # a live job renews long before


def test_a_claim_takes_a_lease_and_a_second_claim_while_it_runs_gets_nothing(job, settings):
    lease = jobs.claim(KIND, job.pk, now=T0)
    assert lease is not None and lease.attempt == 1
    job.refresh_from_db()
    assert job.status == ExportJobStatus.RUNNING and job.attempts == 1
    assert job.lease_until == T0 + _lease_length(settings) and job.lease_token == lease.token
    assert jobs.claim(KIND, job.pk, now=T0 + datetime.timedelta(seconds=10)) is None  # a duplicate message
    job.refresh_from_db()
    assert job.attempts == 1 and job.lease_token == lease.token


def test_an_expired_lease_is_taken_over_and_the_old_attempt_writes_nothing_any_more(job, settings):
    first = jobs.claim(KIND, job.pk, now=T0)
    later = T0 + _lease_length(settings) + datetime.timedelta(seconds=1)
    second = jobs.claim(KIND, job.pk, now=later)
    assert second is not None and second.attempt == 2 and second.token != first.token
    # The first worker was only slow (or its message was redelivered after the visibility timeout):
    assert jobs.renew(first, progress=50) is False
    assert jobs.hold(first) is None
    assert jobs.finish(first, "done") is False
    job.refresh_from_db()
    assert job.status == ExportJobStatus.RUNNING and job.progress == 0 and job.lease_token == second.token
    assert jobs.finish(second, "done") is True
    job.refresh_from_db()
    assert job.status == ExportJobStatus.DONE


def test_renewing_extends_the_lease_and_writes_progress_while_it_is_held(job, settings):
    lease = jobs.claim(KIND, job.pk, now=T0)
    moment = T0 + datetime.timedelta(seconds=200)
    assert jobs.renew(lease, now=moment, progress=40) is True
    job.refresh_from_db()
    assert job.lease_until == moment + _lease_length(settings) and job.progress == 40
    # Renewed, so a claim after the first lease would have run out still finds it held.
    assert jobs.claim(KIND, job.pk, now=T0 + _lease_length(settings) + datetime.timedelta(seconds=1)) is None
    assert jobs.finish(lease, "done") is True
    assert jobs.renew(lease, progress=99) is False  # done: nothing to renew
    job.refresh_from_db()
    assert job.progress == 40


def test_finishing_done_clears_the_lease_and_no_claim_follows(job):
    lease = jobs.claim(KIND, job.pk, now=T0)
    assert jobs.finish(lease, "done", fields={"progress": 100}, now=T0 + datetime.timedelta(seconds=5))
    job.refresh_from_db()
    assert (job.status, job.progress, job.error, job.lease_until) == (ExportJobStatus.DONE, 100, "", None)
    assert job.finished_at == T0 + datetime.timedelta(seconds=5)
    assert jobs.claim(KIND, job.pk, now=T0 + datetime.timedelta(days=1)) is None


def test_finishing_to_retry_waits_again_with_the_error_until_the_limit_then_fails_with_the_reason(job, settings):
    limit = settings.JOBS["export"]["max_attempts"]
    for attempt in range(1, limit):
        lease = jobs.claim(KIND, job.pk)
        assert lease is not None and lease.attempt == attempt
        assert jobs.finish(lease, "retry", error="schijf vol")
        job.refresh_from_db()
        assert (job.status, job.error, job.lease_until, job.finished_at) == (
            ExportJobStatus.QUEUED,
            "schijf vol",
            None,
            None,
        )
    last = jobs.claim(KIND, job.pk)
    assert last.attempt == limit
    assert jobs.finish(last, "retry", error="schijf vol")
    job.refresh_from_db()
    assert job.status == ExportJobStatus.FAILED and job.finished_at is not None
    assert job.error == f"Na {limit} pogingen opgegeven. De laatste fout: schijf vol"
    assert jobs.claim(KIND, job.pk) is None


def test_finishing_failed_ends_the_job_at_once(job):
    lease = jobs.claim(KIND, job.pk)
    assert jobs.finish(lease, "failed", error="kapot")
    job.refresh_from_db()
    assert (job.status, job.error, job.attempts) == (ExportJobStatus.FAILED, "kapot", 1)


def test_the_sweeper_finds_lost_messages_and_dead_workers_and_fails_jobs_out_of_attempts(job, administrator, settings):
    limit = settings.JOBS["export"]["max_attempts"]
    now = T0 + datetime.timedelta(hours=1)
    fresh = ExportJob.objects.create(run=job.run, format="csv", requested_by=administrator, created_at=now)
    live = ExportJob.objects.create(
        run=job.run, format="csv", requested_by=administrator, created_at=T0, status=ExportJobStatus.RUNNING,
        lease_until=now + datetime.timedelta(seconds=1), attempts=1,
    )  # fmt: skip
    dead = ExportJob.objects.create(
        run=job.run, format="csv", requested_by=administrator, created_at=T0, status=ExportJobStatus.RUNNING,
        lease_until=now - datetime.timedelta(seconds=1), attempts=1,
    )  # fmt: skip
    exhausted = ExportJob.objects.create(
        run=job.run, format="csv", requested_by=administrator, created_at=T0, status=ExportJobStatus.RUNNING,
        lease_until=now - datetime.timedelta(seconds=1), attempts=limit,
    )  # fmt: skip
    assert jobs.stale(KIND, now=now) == [job.pk, dead.pk]  # not the fresh one, nor the live lease
    exhausted.refresh_from_db()
    assert exhausted.status == ExportJobStatus.FAILED and exhausted.error.startswith(f"Na {limit} pogingen opgegeven")
    fresh.refresh_from_db()
    live.refresh_from_db()
    assert fresh.status == ExportJobStatus.QUEUED and live.status == ExportJobStatus.RUNNING


def test_a_claim_of_a_job_whose_last_attempt_died_fails_it_with_the_reason(job, settings):
    limit = settings.JOBS["export"]["max_attempts"]
    moment = T0
    for _ in range(limit):  # each attempt's worker dies: its lease runs out
        assert jobs.claim(KIND, job.pk, now=moment) is not None
        moment += _lease_length(settings) + datetime.timedelta(seconds=1)
    assert jobs.claim(KIND, job.pk, now=moment) is None
    job.refresh_from_db()
    assert job.status == ExportJobStatus.FAILED and job.attempts == limit
    assert "pogingen opgegeven" in job.error and "viel weg" in job.error
    assert timezone.is_aware(job.finished_at)
