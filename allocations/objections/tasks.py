"""Celery tasks of objections: thin and idempotent, the reminder rows hold the state."""

from celery import shared_task

from allocations.letters.deadlines import local_today
from allocations.objections import reminders


@shared_task(acks_late=True, ignore_result=True)
def send_term_reminders() -> int:
    """Beat: e-mail the staff of each case whose decision term ends within a week, once per term end."""
    return reminders.send_term_reminders(today=local_today())
