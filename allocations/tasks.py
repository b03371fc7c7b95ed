"""Celery finds the tasks of the money half here (autodiscovery looks for ``<app>.tasks``)."""

from allocations.runs.tasks import execute_run, sweep_runs

__all__ = ["execute_run", "sweep_runs"]
