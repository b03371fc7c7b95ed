"""The settlement batch of a call: an assessor starts it, and it proposes a settlement for every decision that
is ready (spending period over, final account in, no open or approved settlement), one leased job per decision.

The batch stores what each proposal is computed from (award, paid, still due, spent, the rules version) with
their SHA-256 and a seeded sample for in-depth checks, so ``verify_batch`` recomputes every settlement from
the stored inputs with ``rules`` and reports any difference. A job proposes only on the figures it stored:
when they changed since the batch began, it fails with that reason and a person settles the decision anew.

The database is the queue (``allocations.jobs``): a job is claimed with a lease, and the settlement it makes
is written in the same transaction as the job's end, under its lease, so a message delivered twice, or sent
again by the sweeper, never makes a second settlement.
"""

from __future__ import annotations

import datetime
import logging
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import User
from accounts.money import cents, euros
from accounts.permissions import require
from accounts.workflow import TransitionNotAllowed
from allocations import jobs
from allocations.letters.deadlines import local_today
from allocations.settlements import rules, selectors, services
from allocations.settlements.models import (
    OPEN_JOB_STATES,
    Settlement,
    SettlementBatch,
    SettlementBatchStatus,
    SettlementJob,
)
from allocations.settlements.permissions import can_propose_settlement, can_view_settlements
from allocations.settlements.transitions import SETTLEMENT_BATCHES, SETTLEMENT_JOB_KIND
from applications.models import Call

logger = logging.getLogger(__name__)

RESULT_FIELDS = ("settled", "lapsed", "final_payment", "reclaim")


# --- Starting -------------------------------------------------------------------------------------------------
def _enqueue(job_ids: list[int]) -> None:
    from allocations.settlements.tasks import settle_decision

    for job_id in job_ids:
        settle_decision.delay(job_id)


def running_batch(call: Call) -> SettlementBatch | None:
    return SettlementBatch.objects.filter(call=call, status=SettlementBatchStatus.RUNNING).first()


def _check_percent(percent: int) -> None:
    if not 0 <= percent <= 100:
        raise ValidationError({"sample_percent": [_("Kies een percentage van 0 tot en met 100.")]})


def start_batch(
    *, call: Call, by: User, sample_percent: int | None = None, now: datetime.datetime | None = None
) -> SettlementBatch:
    """Start a batch over the call's decisions that are ready today, each a job with its inputs stored; a seeded
    ``sample_percent`` of them (``settings.SETTLEMENT_SAMPLE_PERCENT`` when not given) is marked for an in-depth
    check. Refused (409) while another batch of the call runs, or when no decision is ready."""
    require(can_propose_settlement(by))
    now = now or timezone.now()
    percent = settings.SETTLEMENT_SAMPLE_PERCENT if sample_percent is None else sample_percent
    _check_percent(percent)
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        if running_batch(call) is not None:
            raise TransitionNotAllowed(_("Er loopt al een vaststellingsbatch voor deze ronde. Wacht tot die klaar is."))
        decisions = [row.decision for row in selectors.call_overview(call, today=local_today(now)).ready]
        if not decisions:
            raise TransitionNotAllowed(_("Er is nu geen beschikking die klaar is om vast te stellen."))
        inputs = {decision.number: services.inputs_of(decision) for decision in decisions}
        seed = secrets.randbelow(2**31)
        chosen = rules.sample(list(inputs), seed=seed, percent=percent)
        batch = SettlementBatch.objects.create(
            call=call,
            number=(SettlementBatch.objects.filter(call=call).aggregate(last=Max("number"))["last"] or 0) + 1,
            rules_version=rules.VERSION,
            sample_percent=percent,
            sample_seed=seed,
            inputs_sha256=rules.batch_sha256(inputs, version=rules.VERSION, seed=seed, percent=percent),
            started_by=by,
            started_at=now,
        )
        created = SettlementJob.objects.bulk_create(
            [_job(batch, decision, inputs[decision.number], decision.number in chosen) for decision in decisions]
        )
        audit.record(
            actor=by,
            verb="settlement_batch.started",
            target=batch,
            data={
                "call": call.code,
                "number": batch.number,
                "decisions": len(created),
                "sample": len(chosen),
                "sample_percent": percent,
                "rules_version": batch.rules_version,
                "inputs_sha256": batch.inputs_sha256,
            },
        )
        ids = [job.pk for job in created]
        transaction.on_commit(lambda: _enqueue(ids), robust=True)  # the sweeper re-queues a lost message
    return batch


def _job(batch: SettlementBatch, decision, inputs: rules.Inputs, sample: bool) -> SettlementJob:
    return SettlementJob(
        batch=batch,
        decision=decision,
        kind=inputs.kind,
        awarded=euros(inputs.awarded),
        paid=euros(inputs.paid),
        open=euros(inputs.open),
        spent=euros(inputs.spent),
        inputs_sha256=inputs.sha256(),
        sample=sample,
        created_at=batch.started_at,
    )


def stored_inputs(job: SettlementJob) -> rules.Inputs:
    """The inputs a job stored, as ``rules.Inputs``: a batch proposes the award, never a lower amount."""
    return rules.Inputs(
        kind=job.kind,
        awarded=cents(job.awarded),
        paid=cents(job.paid),
        open=cents(job.open),
        spent=cents(job.spent),
    )


# --- The job --------------------------------------------------------------------------------------------------
def run_job(job_id: int, *, now: datetime.datetime | None = None) -> Settlement | None:
    """Claim the job and propose its decision's settlement; safe to run any number of times for the same job.
    A refusal (the figures changed, a proposal made by hand meanwhile) fails the job with its reason; any other
    error leaves it for another attempt, up to the attempt limit."""
    lease = jobs.claim(SETTLEMENT_JOB_KIND, job_id, now=now)
    if lease is None:
        return None
    settlement = None
    try:
        settlement = _propose(lease, now=now)
    except Exception as exc:  # kept on the job, shown on the page, and tried again up to the attempt limit
        logger.exception("Settlement job %s failed", job_id)
        jobs.finish(lease, "retry", error=f"{type(exc).__name__}: {exc}", now=now)
    close_if_finished(lease.job.batch_id, now=now)
    return settlement


def _propose(lease: jobs.Lease, *, now: datetime.datetime | None) -> Settlement | None:
    with transaction.atomic():
        job = jobs.hold(lease)
        if job is None:  # another attempt took the job over: it writes, this one does not
            return None
        batch = SettlementBatch.objects.select_related("started_by").get(pk=job.batch_id)
        try:
            settlement = services.propose_settlement(
                decision=job.decision,
                by=batch.started_by,
                sample=job.sample,
                expected_sha256=job.inputs_sha256,
                now=now,
            )
        except (TransitionNotAllowed, ValidationError, PermissionDenied) as refused:
            jobs.finish(lease, "failed", error=_refusal(refused), job=job, now=now)
            return None
        jobs.finish(lease, "done", fields={"settlement": settlement}, job=job, now=now)
    return settlement


def _refusal(refused: Exception) -> str:
    if isinstance(refused, ValidationError):
        return " ".join(str(message) for message in refused.messages)
    if isinstance(refused, PermissionDenied):
        return _("Wie de batch startte, mag geen vaststelling meer voorstellen.")
    return str(refused)


def close_if_finished(batch_id: int, *, now: datetime.datetime | None = None) -> bool:
    """Mark the batch finished once none of its jobs is waiting or at work. Called after each job's own
    transaction, under the batch's lock, so the last job to end always sees every other one ended."""
    with transaction.atomic():
        batch = (
            SettlementBatch.objects.select_for_update()
            .filter(pk=batch_id, status=SettlementBatchStatus.RUNNING)
            .first()
        )
        if batch is None or SettlementJob.objects.filter(batch=batch, status__in=OPEN_JOB_STATES).exists():
            return False
        SETTLEMENT_BATCHES.move(batch, "finish", fields={"finished_at": now or timezone.now()}, locked=True)
    return True


def sweep_jobs(*, now: datetime.datetime | None = None, limit: int = 1000) -> int:
    """Re-queue jobs whose message got lost and jobs whose worker died (``jobs.stale``); those out of attempts
    fail, with the reason, and a batch with nothing left to do is closed."""
    ids = jobs.stale(SETTLEMENT_JOB_KIND, now=now, limit=limit)
    _enqueue(ids)
    for batch_id in SettlementBatch.objects.filter(status=SettlementBatchStatus.RUNNING).values_list("pk", flat=True):
        close_if_finished(batch_id, now=now)
    return len(ids)


# --- Verifying ------------------------------------------------------------------------------------------------
@dataclass
class BatchVerification:
    hash_ok: bool
    stored_hash: str
    computed_hash: str
    rules_version: str
    differences: list[dict] = field(default_factory=list)
    jobs_checked: int = 0
    settlements_checked: int = 0

    @property
    def ok(self) -> bool:
        return self.hash_ok and not self.differences


def _difference(reference: str, name: str, stored: object, computed: object) -> dict:
    return {"reference": reference, "field": name, "stored": str(stored), "computed": str(computed)}


def verify_batch(*, batch: SettlementBatch, by: User) -> BatchVerification:
    """Recompute the batch from what it stored: its hash over every job's inputs, each job's own hash, the
    sample, and each proposed settlement with ``rules.settle`` (its inputs' hash and every amount)."""
    require(can_view_settlements(by))
    rows = list(SettlementJob.objects.filter(batch=batch).select_related("decision", "settlement__decision"))
    inputs = {job.decision.number: stored_inputs(job) for job in rows}
    computed_hash = rules.batch_sha256(
        inputs, version=batch.rules_version, seed=batch.sample_seed, percent=batch.sample_percent
    )
    differences = []
    if batch.rules_version != rules.VERSION:
        differences.append(_difference(str(batch), "rules_version", batch.rules_version, rules.VERSION))
    chosen = rules.sample(list(inputs), seed=batch.sample_seed, percent=batch.sample_percent)
    for job in sorted(rows, key=lambda row: row.decision.number):
        number = job.decision.number
        differences += _job_differences(job, inputs[number], number in chosen)
    result = BatchVerification(
        hash_ok=computed_hash == batch.inputs_sha256,
        stored_hash=batch.inputs_sha256,
        computed_hash=computed_hash,
        rules_version=batch.rules_version,
        differences=differences,
        jobs_checked=len(rows),
        settlements_checked=sum(1 for job in rows if job.settlement_id),
    )
    audit.record(
        actor=by,
        verb="settlement_batch.verified",
        target=batch,
        data={
            "ok": result.ok,
            "differences": len(differences),
            "jobs": result.jobs_checked,
            "inputs_sha256": computed_hash,
        },
    )
    return result


def _job_differences(job: SettlementJob, inputs: rules.Inputs, in_sample: bool) -> list[dict]:
    number = job.decision.number
    found = []
    if inputs.sha256() != job.inputs_sha256:
        found.append(_difference(number, "inputs_sha256", job.inputs_sha256, inputs.sha256()))
    if job.sample != in_sample:
        found.append(_difference(number, "sample", job.sample, in_sample))
    settlement = job.settlement
    if settlement is None:
        return found
    reference = settlement.reference
    if settlement.inputs_sha256 != inputs.sha256():
        found.append(_difference(reference, "settlement.inputs_sha256", settlement.inputs_sha256, inputs.sha256()))
    if settlement.sample != job.sample:
        found.append(_difference(reference, "settlement.sample", settlement.sample, job.sample))
    try:
        result = rules.settle(inputs)
    except rules.NotSettleable as refused:
        return [*found, _difference(reference, "settled", settlement.settled, " ".join(refused.messages))]
    for name in RESULT_FIELDS:
        stored, computed = getattr(settlement, name), euros(getattr(result, name))
        if stored != computed:
            found.append(_difference(reference, name, f"{stored:.2f}", f"{computed:.2f}"))
    return found
