"""A real Celery worker on PostgreSQL makes the letter of an approved settlement from the database rows: the
approval queues it after commit, a duplicate message makes no second version, and the stored letter carries the
day it was made."""

import pytest

from allocations.letters.deadlines import local_today
from allocations.settlements import documents, services
from allocations.settlements.models import SettlementDocument
from allocations.settlements.tasks import make_settlement_letter
from applications.models import Call
from tests.worker import wait_for

pytestmark = pytest.mark.worker


def test_a_real_worker_makes_the_approved_settlements_letter_once(
    celery_worker_process, spuk, reviewer, administrator, coordinator
):
    # The worker runs on today's clock: the spending period is moved into the past rather than the clock forward.
    Call.objects.filter(pk=spuk.run.call_id).update(year_from=2023, year_to=2024)
    settlement = services.propose_settlement(decision=spuk, by=reviewer)
    services.check_settlement(settlement=settlement, by=administrator, reclaim_number="VORD-W-1")
    settlement = services.approve_settlement(settlement=settlement, by=coordinator)  # queued after commit
    make_settlement_letter.delay(settlement.pk)  # a duplicate message, as a redelivery would send
    wait_for(
        lambda: celery_worker_process.output().count("succeeded") >= 2,
        worker=celery_worker_process,
        what="both messages to be handled",
    )
    document = SettlementDocument.objects.get(settlement=settlement)
    assert document.version == 1 and document.letter_date == local_today() and not document.is_sent
    assert documents.current_document(settlement) == document
    assert "allocations.settlements.tasks.make_settlement_letter" in celery_worker_process.output()
