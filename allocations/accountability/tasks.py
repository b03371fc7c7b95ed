"""Celery tasks of accountability: thin and idempotent, the reminder rows hold the state."""

from celery import shared_task

from allocations.accountability import services
from allocations.letters.deadlines import local_today


@shared_task(acks_late=True, ignore_result=True)
def send_accountability_reminders() -> int:
    """Beat, daily: remind municipalities of statements due within 30 days and of those overdue, once each."""
    return services.send_reminders(today=local_today())
