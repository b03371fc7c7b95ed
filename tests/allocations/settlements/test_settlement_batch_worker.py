"""A real Celery worker on PostgreSQL runs a settlement batch from the database rows: every ready decision gets
one proposal, a duplicate message makes no second one, and the batch closes with its progress complete."""

from decimal import Decimal

import pytest

from accounts.models import AuditEvent
from allocations.runs.models import Decision
from allocations.settlements import batches
from allocations.settlements.models import (
    Settlement,
    SettlementBatch,
    SettlementBatchStatus,
    SettlementJob,
    SettlementJobStatus,
)
from allocations.settlements.tasks import settle_decision
from applications.models import Call
from tests.allocations.settlements.conftest import account, pay_first
from tests.worker import wait_for

pytestmark = pytest.mark.worker


def test_a_real_worker_settles_the_batch_once(celery_worker_process, spuk, administrator, reviewer):
    second = Decision.objects.get(run=spuk.run, line__rank=2)
    pay_first(second)
    account(second, spent_2027=Decimal("10000.00"), spent_2028=Decimal("10000.00"), by=administrator)
    # The worker runs on today's clock: the spending period is moved into the past rather than the clock forward.
    Call.objects.filter(pk=spuk.run.call_id).update(year_from=2023, year_to=2024)
    batch = batches.start_batch(call=spuk.run.call, by=reviewer)  # queued to the worker after commit
    first = SettlementJob.objects.filter(batch=batch).order_by("pk").first()
    settle_decision.delay(first.pk)  # a duplicate message, as a redelivery or the sweeper would send
    wait_for(
        lambda: SettlementBatch.objects.get(pk=batch.pk).status == SettlementBatchStatus.FINISHED,
        worker=celery_worker_process,
        what="the settlement batch to finish",
    )
    wait_for(
        lambda: celery_worker_process.output().count("succeeded") >= 3,
        worker=celery_worker_process,
        what="all three messages to be handled",
    )
    assert set(SettlementJob.objects.filter(batch=batch).values_list("status", flat=True)) == {SettlementJobStatus.DONE}
    assert Settlement.objects.filter(decision=spuk).count() == 1
    assert Settlement.objects.filter(batch_job__batch=batch).count() == 2
    assert AuditEvent.objects.filter(verb="settlement.proposed").count() == 2
    assert batches.verify_batch(batch=batch, by=administrator).ok
    assert "allocations.settlements.tasks.settle_decision" in celery_worker_process.output()
