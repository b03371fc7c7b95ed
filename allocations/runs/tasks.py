"""Background work for allocation runs: thin and idempotent (``execution`` holds the lease logic)."""

from celery import shared_task

from allocations.runs import execution


@shared_task(acks_late=True)
def execute_run(run_id: int) -> None:
    execution.execute_run(run_id)


@shared_task(acks_late=True)
def sweep_runs() -> None:
    """Beat: pick up runs whose message was lost or whose worker died."""
    execution.sweep_runs()
