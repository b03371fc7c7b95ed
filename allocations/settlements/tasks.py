"""Celery tasks of the settlement batch: thin and idempotent, the database holds the state."""

from celery import shared_task

from allocations.settlements import batches


@shared_task(acks_late=True, ignore_result=True)
def settle_decision(job_id: int) -> None:
    """Propose one job's settlement; a duplicate or redelivered message finds the job done or leased."""
    batches.run_job(job_id)


@shared_task(acks_late=True, ignore_result=True)
def sweep_settlement_jobs() -> int:
    """Beat: re-queue jobs whose message got lost and those whose worker died (expired lease)."""
    return batches.sweep_jobs()
