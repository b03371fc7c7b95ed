"""The settlement batch of a call (issue 21): it proposes for the ready decisions only, one leased job each;
a job run twice makes one settlement; the sweeper re-queues a job whose worker died; progress is counted from
the database; the sample is seeded and reproducible; and ``verify`` recomputes every settlement from the stored
inputs and finds a tampered figure."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings

from accounts.models import AuditEvent
from accounts.workflow import TransitionNotAllowed
from allocations.runs.models import Decision
from allocations.settlements import batches, rules, selectors, services
from allocations.settlements.models import (
    Settlement,
    SettlementBatch,
    SettlementBatchStatus,
    SettlementJob,
    SettlementJobStatus,
    SettlementStatus,
)
from tests.allocations.settlements.conftest import SETTLE_DAY, account, pay_first

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_ready(spuk, administrator):
    """The SPUK call with a second ready decision (the partial award, first instalment paid, € 20.000 spent);
    its third decision is a refusal, never settled."""
    second = Decision.objects.get(run=spuk.run, line__rank=2)
    pay_first(second)
    account(second, spent_2027=Decimal("10000.00"), spent_2028=Decimal("10000.00"), by=administrator)
    return spuk, second


def start(call, by, capture, **kwargs):
    with capture(execute=True):
        return batches.start_batch(call=call, by=by, now=SETTLE_DAY, **kwargs)


def test_the_batch_proposes_for_the_ready_decisions_only(
    two_ready, reviewer, settle_day, django_capture_on_commit_callbacks
):
    spuk, second = two_ready
    call = spuk.run.call
    not_ready = Decision.objects.filter(run=spuk.run, amount__gt=0).exclude(pk__in=[spuk.pk, second.pk])
    batch = start(call, reviewer, django_capture_on_commit_callbacks)
    batch.refresh_from_db()
    assert batch.status == SettlementBatchStatus.FINISHED and batch.finished_at is not None
    made = Settlement.objects.filter(batch_job__batch=batch)
    assert sorted(made.values_list("decision_id", flat=True)) == sorted([spuk.pk, second.pk])
    assert not Settlement.objects.filter(decision__in=not_ready).exists()
    first = made.get(decision=spuk)
    # settled = what the SPUK spent; proposed by the assessor who started the batch, for the next two steps.
    assert (first.settled, first.reclaim, first.status) == (
        Decimal("50000.00"),
        Decimal("10000.50"),
        SettlementStatus.PROPOSED,
    )
    assert first.proposed_by == reviewer and first.inputs_sha256 == first.batch_job.inputs_sha256
    started = AuditEvent.objects.get(verb="settlement_batch.started")
    assert (started.actor, started.data["decisions"], started.data["inputs_sha256"]) == (
        reviewer,
        2,
        batch.inputs_sha256,
    )


def test_a_decision_with_an_open_proposal_is_left_out(spuk, reviewer, settle_day, django_capture_on_commit_callbacks):
    services.propose_settlement(decision=spuk, by=reviewer, now=SETTLE_DAY)
    with pytest.raises(TransitionNotAllowed):  # nothing ready: no empty batch
        start(spuk.run.call, reviewer, django_capture_on_commit_callbacks)
    assert not SettlementBatch.objects.exists()


def test_a_second_batch_is_refused_while_one_runs(two_ready, reviewer, settle_day):
    spuk, _second = two_ready
    batch = batches.start_batch(call=spuk.run.call, by=reviewer, now=SETTLE_DAY)  # its jobs never sent
    assert batch.status == SettlementBatchStatus.RUNNING
    with pytest.raises(TransitionNotAllowed, match="loopt al"):
        batches.start_batch(call=spuk.run.call, by=reviewer, now=SETTLE_DAY)


def test_an_officer_may_not_start_a_batch(spuk, officer, settle_day):
    with pytest.raises(PermissionDenied):
        batches.start_batch(call=spuk.run.call, by=officer, now=SETTLE_DAY)


def test_a_job_run_twice_makes_one_settlement(two_ready, reviewer, settle_day):
    spuk, _second = two_ready
    batch = batches.start_batch(call=spuk.run.call, by=reviewer, now=SETTLE_DAY)
    job = batch.jobs.get(decision=spuk)
    first = batches.run_job(job.pk)
    again = batches.run_job(job.pk)  # a duplicate or redelivered message
    assert first is not None and again is None
    assert Settlement.objects.filter(decision=spuk).count() == 1
    job.refresh_from_db()
    assert (job.status, job.attempts, job.settlement_id) == (SettlementJobStatus.DONE, 1, first.pk)


def test_a_late_write_of_an_attempt_that_lost_its_lease_lands_nowhere(two_ready, reviewer, settle_day):
    """The worker died holding the job; another attempt took it over and settled; the first one's write fails."""
    spuk, _second = two_ready
    batch = batches.start_batch(call=spuk.run.call, by=reviewer, now=SETTLE_DAY)
    job = batch.jobs.get(decision=spuk)
    from allocations import jobs
    from allocations.settlements.transitions import SETTLEMENT_JOB_KIND

    old = jobs.claim(SETTLEMENT_JOB_KIND, job.pk, now=SETTLE_DAY - datetime.timedelta(hours=1))
    assert batches.run_job(job.pk, now=SETTLE_DAY) is not None  # the lease ran out: taken over
    assert batches._propose(old, now=SETTLE_DAY) is None
    assert Settlement.objects.filter(decision=spuk).count() == 1


def test_the_sweeper_requeues_a_job_whose_lease_expired(two_ready, reviewer, settle_day):
    spuk, _second = two_ready
    batch = batches.start_batch(call=spuk.run.call, by=reviewer, now=SETTLE_DAY)
    job = batch.jobs.get(decision=spuk)
    from allocations import jobs
    from allocations.settlements.transitions import SETTLEMENT_JOB_KIND

    jobs.claim(SETTLEMENT_JOB_KIND, job.pk, now=SETTLE_DAY)  # a worker took it and died
    lease = datetime.timedelta(seconds=300)
    with mock.patch("allocations.settlements.batches._enqueue") as enqueue:
        assert batches.sweep_jobs(now=SETTLE_DAY + lease / 2) == 1  # only the other, never sent
        assert enqueue.call_args.args[0] == [batch.jobs.get(decision=_second).pk]
        assert batches.sweep_jobs(now=SETTLE_DAY + lease + datetime.timedelta(seconds=1)) == 2
        assert job.pk in enqueue.call_args.args[0]
    for pk in enqueue.call_args.args[0]:
        batches.run_job(pk, now=SETTLE_DAY + lease + datetime.timedelta(seconds=2))
    job.refresh_from_db()
    assert (job.status, job.attempts) == (SettlementJobStatus.DONE, 2)
    batch.refresh_from_db()
    assert batch.status == SettlementBatchStatus.FINISHED


@override_settings(JOB_MAX_ATTEMPTS=2)
def test_a_job_out_of_attempts_fails_visibly_and_the_batch_closes(two_ready, reviewer, settle_day):
    spuk, second = two_ready
    batch = batches.start_batch(call=spuk.run.call, by=reviewer, now=SETTLE_DAY)
    batches.run_job(batch.jobs.get(decision=second).pk)
    job = batch.jobs.get(decision=spuk)
    SettlementJob.objects.filter(pk=job.pk).update(attempts=3)  # every worker died holding it
    batches.sweep_jobs(now=SETTLE_DAY + datetime.timedelta(hours=1))
    job.refresh_from_db()
    assert job.status == SettlementJobStatus.FAILED and "3 pogingen" in job.error
    batch.refresh_from_db()
    assert batch.status == SettlementBatchStatus.FINISHED


def test_progress_counts_from_the_database(two_ready, reviewer, settle_day):
    spuk, second = two_ready
    batch = batches.start_batch(call=spuk.run.call, by=reviewer, now=SETTLE_DAY, sample_percent=50)
    progress = selectors.batch_progress(batch)
    assert (progress.total, progress.done, progress.pending, progress.percent, progress.finished) == (
        2,
        0,
        2,
        0,
        False,
    )
    assert progress.sample == 1
    batches.run_job(batch.jobs.get(decision=spuk).pk)
    # The second decision's figures changed since the batch began: its job fails with that reason.
    pay_first_two = second.instalments.get(sequence=2)
    pay_first_two.status = "paid"
    pay_first_two.paid_on = datetime.date(2028, 4, 1)
    pay_first_two.save()
    batches.run_job(batch.jobs.get(decision=second).pk)
    batch.refresh_from_db()
    progress = selectors.batch_progress(batch)
    assert progress.as_dict() == {
        "status": "finished",
        "total": 2,
        "done": 1,
        "failed": 1,
        "pending": 0,
        "claimed": 0,
        "sample": 1,
        "percent": 100,
        "finished": True,
    }
    assert "veranderd" in batch.jobs.get(decision=second).error
    assert not Settlement.objects.filter(decision=second).exists()


def test_the_sample_is_seeded_and_reproducible():
    numbers = [f"NPLV-2027-{i:06d}" for i in range(1, 41)]
    chosen = rules.sample(numbers, seed=7, percent=10)
    assert len(chosen) == 4
    assert rules.sample(list(reversed(numbers)), seed=7, percent=10) == chosen
    assert rules.sample(numbers, seed=8, percent=10) != chosen
    assert len(rules.sample(numbers[:3], seed=7, percent=10)) == 1  # rounded up: at least one
    assert rules.sample(numbers, seed=7, percent=0) == set()
    assert rules.sample(numbers, seed=7, percent=100) == set(numbers)


def test_the_sample_is_marked_on_the_settlements(two_ready, reviewer, settle_day, django_capture_on_commit_callbacks):
    spuk, _second = two_ready
    batch = start(spuk.run.call, reviewer, django_capture_on_commit_callbacks, sample_percent=100)
    assert set(Settlement.objects.filter(batch_job__batch=batch).values_list("sample", flat=True)) == {True}
    assert batch.sample_percent == 100


def test_verify_recomputes_every_settlement_from_the_stored_inputs(
    two_ready, reviewer, administrator, settle_day, django_capture_on_commit_callbacks
):
    spuk, _second = two_ready
    batch = start(spuk.run.call, reviewer, django_capture_on_commit_callbacks)
    result = batches.verify_batch(batch=batch, by=administrator)
    assert result.ok, result.differences
    assert (result.jobs_checked, result.settlements_checked, result.rules_version) == (2, 2, rules.VERSION)
    assert AuditEvent.objects.filter(verb="settlement_batch.verified").count() == 1


def test_verify_detects_a_tampered_stored_figure(
    two_ready, reviewer, administrator, settle_day, django_capture_on_commit_callbacks
):
    spuk, _second = two_ready
    batch = start(spuk.run.call, reviewer, django_capture_on_commit_callbacks)
    SettlementJob.objects.filter(batch=batch, decision=spuk).update(spent=Decimal("60000.00"))  # was 50.000
    result = batches.verify_batch(batch=batch, by=administrator)
    assert not result.ok and not result.hash_ok
    fields = {(d["reference"].split("-V")[0], d["field"]) for d in result.differences}
    assert (spuk.number, "inputs_sha256") in fields
    assert (spuk.number, "settlement.inputs_sha256") in fields
    settled = next(d for d in result.differences if d["field"] == "settled")
    assert (settled["stored"], settled["computed"]) == ("50000.00", "60000.00")


def test_verify_detects_a_tampered_sample(
    two_ready, reviewer, administrator, settle_day, django_capture_on_commit_callbacks
):
    spuk, _second = two_ready
    batch = start(spuk.run.call, reviewer, django_capture_on_commit_callbacks, sample_percent=0)
    SettlementJob.objects.filter(batch=batch, decision=spuk).update(sample=True)
    fields = {d["field"] for d in batches.verify_batch(batch=batch, by=administrator).differences}
    assert {"sample", "settlement.sample"} <= fields


def test_the_sweeper_is_on_the_beat_schedule():
    from django.conf import settings

    from allocations.settlements.tasks import settle_decision, sweep_settlement_jobs

    entry = settings.CELERY_BEAT_SCHEDULE["sweep-settlement-jobs"]
    assert entry["task"] == sweep_settlement_jobs.name and entry["schedule"] <= 60
    assert "settlement" in settings.JOBS
    assert settle_decision.acks_late and sweep_settlement_jobs.acks_late
