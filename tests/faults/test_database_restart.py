"""PostgreSQL restarted during an allocation run, simulated without touching the shared server: the worker's
connections to the test database are terminated (pg_terminate_backend) in the middle of the run. The run
fails visibly, nothing of it is half-written, and a retry computes it to completion exactly once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from rest_framework.test import APIClient

from allocations.runs import execution
from allocations.runs.models import AllocationLine, AllocationRun, LineSplit, RunSnapshot, RunStatus
from tests.allocations.runs.builders import allocation_call, reviewed
from tests.worker import wait_for

pytestmark = pytest.mark.worker


@pytest.fixture
def slow_worker(transactional_db, monkeypatch, settings, request):
    """A worker whose runs pause 5 s between phases: time to pull the database away in the middle."""
    monkeypatch.setenv("ALLOCATION_RUN_PAUSE", "5")
    return request.getfixturevalue("celery_worker_process")


def _terminate_other_connections() -> int:
    """What a database restart does to every other client of this (test) database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def _run(run_id: int) -> AllocationRun:
    return AllocationRun.objects.get(pk=run_id)


def test_a_run_whose_database_connection_drops_fails_visibly_and_a_retry_completes_it(slow_worker, administrator):
    call = allocation_call(budget=Decimal("1000000.00"))
    for i in range(6):
        reviewed(call, requested=Decimal(100000 + 1000 * i), total=Decimal(40 + i))
    admin = APIClient()
    admin.force_authenticate(administrator)
    run_id = admin.post(f"/api/v1/calls/{call.pk}/allocation-runs/").json()["id"]
    wait_for(lambda: _run(run_id).status == RunStatus.RUNNING, worker=slow_worker, what="the run to start")

    assert _terminate_other_connections() >= 1
    wait_for(lambda: _run(run_id).status == RunStatus.FAILED, worker=slow_worker, what="the run to fail")
    shown = admin.get(f"/api/v1/allocation-runs/{run_id}/").json()
    assert shown["status"] == "failed"
    assert "De verdeling is mislukt" in shown["error"]
    assert not AllocationLine.objects.filter(run_id=run_id).exists()  # nothing half-written
    assert not RunSnapshot.objects.filter(run_id=run_id).exists()

    assert admin.post(f"/api/v1/allocation-runs/{run_id}/retry/").status_code == 202
    wait_for(lambda: _run(run_id).status == RunStatus.DRAFT, timeout=60, worker=slow_worker, what="the retry")
    assert AllocationLine.objects.filter(run_id=run_id).count() == 6
    assert LineSplit.objects.filter(line__run_id=run_id).exists()
    assert RunSnapshot.objects.filter(run_id=run_id).count() == 1
    assert AllocationRun.objects.filter(call=call).count() == 1
    assert execution.sweep_runs() == []  # nothing left for the sweeper
