"""Celery tasks of objections: thin and idempotent, the database rows hold the state."""

from celery import shared_task

from allocations.letters.deadlines import local_today
from allocations.objections import letter_services, reminders


@shared_task(acks_late=True, ignore_result=True)
def send_term_reminders() -> int:
    """Beat: e-mail the staff of each case whose decision term ends within a week, once per term end."""
    return reminders.send_term_reminders(today=local_today())


@shared_task(acks_late=True, ignore_result=True)
def send_objection_letter(letter_id: int) -> None:
    """Render, store and send one letter; a duplicate or redelivered message finds it sent or leased."""
    letter_services.send_job(letter_id)


@shared_task(acks_late=True, ignore_result=True)
def sweep_objection_letters() -> int:
    """Beat: re-queue letters left pending and those whose worker died (expired lease)."""
    return letter_services.sweep_letters()
