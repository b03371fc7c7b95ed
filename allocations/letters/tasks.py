"""Celery tasks for the letter batch: thin and idempotent, the database holds the state."""

from celery import shared_task

from allocations.letters import services


@shared_task(acks_late=True, ignore_result=True)
def render_letter(job_id: int) -> None:
    """Render and store one job's letter; a duplicate or redelivered message finds the job done or leased."""
    services.render_job(job_id)


@shared_task(acks_late=True, ignore_result=True)
def sweep_letter_jobs() -> int:
    """Beat: re-queue pending jobs and those whose worker died (expired lease)."""
    return services.sweep_jobs()
