"""Background exports: thin and idempotent. The job row says what is left to do; a duplicate does nothing."""

from __future__ import annotations

from celery import shared_task

from allocations.exports import services


@shared_task(acks_late=True, ignore_result=True)
def build_export_job(job_id: int) -> None:
    services.build_export(job_id=job_id)


@shared_task(acks_late=True, ignore_result=True)
def resume_export_jobs() -> int:
    """Send again what a lost message or a killed worker left queued or half done."""
    pending = services.pending_jobs()
    for job_id in pending:
        build_export_job.delay(job_id)
    return len(pending)
