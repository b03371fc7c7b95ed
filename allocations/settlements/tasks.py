"""Celery tasks of the settlements (the batch and the letters): thin and idempotent, the database holds the
state."""

from celery import shared_task

from allocations.settlements import batches, documents
from allocations.settlements.models import Settlement


@shared_task(acks_late=True, ignore_result=True)
def make_settlement_letter(settlement_id: int) -> None:
    """Make the approved settlement's letter, dated today; a duplicate finds it made (or sent) and keeps it.
    Should it never run, sending makes the letter all the same."""
    settlement = Settlement.objects.get(pk=settlement_id)
    documents.make_letter(settlement=settlement)


@shared_task(acks_late=True, ignore_result=True)
def settle_decision(job_id: int) -> None:
    """Propose one job's settlement; a duplicate or redelivered message finds the job done or leased."""
    batches.run_job(job_id)


@shared_task(acks_late=True, ignore_result=True)
def sweep_settlement_jobs() -> int:
    """Beat: re-queue jobs whose message got lost and those whose worker died (expired lease)."""
    return batches.sweep_jobs()
