"""Celery tasks of the settlements: thin and idempotent, the database holds the state."""

from celery import shared_task

from allocations.settlements import documents
from allocations.settlements.models import Settlement


@shared_task(acks_late=True, ignore_result=True)
def make_settlement_letter(settlement_id: int) -> None:
    """Make the approved settlement's letter, dated today; a duplicate finds it made (or sent) and keeps it.
    Should it never run, sending makes the letter all the same."""
    settlement = Settlement.objects.get(pk=settlement_id)
    documents.make_letter(settlement=settlement)
