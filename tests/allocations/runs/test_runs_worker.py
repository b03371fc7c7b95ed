"""Allocation runs on a real Celery worker process, Redis and PostgreSQL: end to end with four eyes, a
message delivered twice, and a worker killed with SIGKILL in the middle of a run."""

from __future__ import annotations

import os
import signal
from decimal import Decimal
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from allocations.runs import execution, plan, services
from allocations.runs.models import AllocationLine, AllocationRun, Decision, LineSplit, RunSnapshot, RunStatus
from allocations.runs.policies import PotInput
from applications.models import Application, Status
from tests.allocations.runs.builders import allocation_call, network, reviewed, set_policy
from tests.worker import WorkerProcess, wait_for

pytestmark = pytest.mark.worker


def _call(n: int = 12):
    call = allocation_call(budget=Decimal("1000000.00"))
    for i in range(n):
        reviewed(
            call,
            requested=Decimal(50000 + 7919 * i) + Decimal("0.37"),
            total=Decimal(40 + (i * 7) % 23),
            networks=("M50",) if i % 3 == 0 else (),
        )
    return call


def _status(run_id: int) -> str:
    return AllocationRun.objects.get(pk=run_id).status


def test_end_to_end_start_poll_approve_and_every_decision_equals_the_engine(
    celery_worker_process, administrator, second_administrator
):
    call = _call()
    set_policy(
        call,
        by=administrator,
        method="ranked",
        cap_pct=Decimal("10"),
        pots=[
            PotInput("M50", Decimal("300000.00"), network("M50"), "algemeen"),
            PotInput("algemeen", Decimal("700000")),
        ],
    )
    starter, approver = APIClient(), APIClient()
    starter.force_authenticate(administrator)
    approver.force_authenticate(second_administrator)
    response = starter.post(f"/api/v1/calls/{call.pk}/allocation-runs/")
    assert response.status_code == 202
    run_id = response.json()["id"]
    wait_for(
        lambda: starter.get(f"/api/v1/allocation-runs/{run_id}/").json()["status"] == "draft",
        worker=celery_worker_process,
        what="the run to finish",
    )
    assert starter.post(f"/api/v1/allocation-runs/{run_id}/approve/").status_code == 403
    approved = approver.post(f"/api/v1/allocation-runs/{run_id}/approve/")
    assert approved.status_code == 200, approved.content

    expected = {line.application: line for line in plan.compute(RunSnapshot.objects.get(run_id=run_id).data).lines}
    decisions = list(Decision.objects.filter(run_id=run_id).select_related("line"))
    assert len(decisions) == Application.objects.filter(call=call).count() == 12
    for decision in decisions:
        assert int(decision.amount * 100) == expected[decision.application_id].awarded
        splits = list(LineSplit.objects.filter(line=decision.line))
        assert sum(s.awarded for s in splits) == decision.amount
    assert Application.objects.filter(call=call, status=Status.REVIEWED).count() == 0
    assert "allocations.runs.tasks.execute_run" in celery_worker_process.output()


def test_a_message_delivered_twice_gives_one_set_of_lines(celery_worker_process, administrator, settings):
    from allocations.runs.tasks import execute_run

    call = _call()
    run = services.start_run(call=call, by=administrator)  # committed: its task is queued once
    execute_run.delay(run.pk)  # and the broker delivers it again
    execute_run.delay(run.pk)
    wait_for(lambda: _status(run.pk) == RunStatus.DRAFT, worker=celery_worker_process, what="the run to finish")
    wait_for(
        lambda: celery_worker_process.output().count("succeeded") >= 3,
        worker=celery_worker_process,
        what="all three messages",
    )
    assert AllocationLine.objects.filter(run=run).count() == 12
    assert RunSnapshot.objects.filter(run=run).count() == 1
    assert AllocationRun.objects.get(pk=run.pk).attempts == 1


def _kill_with_children(worker: WorkerProcess) -> None:
    """SIGKILL the worker and its pool processes, as a crashed machine would."""
    pid = worker.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children")
    for child in children.read_text().split() if children.exists() else []:
        os.kill(int(child), signal.SIGKILL)
    worker.kill()


@pytest.fixture
def slow_worker(transactional_db, monkeypatch, settings, request):
    """A worker whose runs pause between phases and hold a short lease."""
    monkeypatch.setenv("ALLOCATION_RUN_PAUSE", "3")
    monkeypatch.setenv("ALLOCATION_RUN_LEASE_SECONDS", "8")
    settings.ALLOCATION_RUN_LEASE_SECONDS = 8
    return request.getfixturevalue("celery_worker_process")


def test_a_worker_killed_mid_run_is_taken_over_and_completes_exactly_once(slow_worker, administrator, tmp_path):
    call = _call()
    run = services.start_run(call=call, by=administrator)
    wait_for(lambda: _status(run.pk) == RunStatus.RUNNING, worker=slow_worker, what="the run to start")
    _kill_with_children(slow_worker)
    assert _status(run.pk) == RunStatus.RUNNING and not AllocationLine.objects.filter(run=run).exists()
    assert execution.sweep_runs() == []  # the lease still holds: nobody takes the run yet

    replacement = WorkerProcess(slow_worker.queue, tmp_path / "replacement.log")
    replacement.start()
    try:
        wait_for(lambda: execution.sweep_runs() == [run.pk], timeout=30, what="the lease to expire")
        wait_for(lambda: _status(run.pk) == RunStatus.DRAFT, timeout=60, worker=replacement, what="the run to finish")
    finally:
        replacement.stop()
    run.refresh_from_db()
    assert run.attempts == 2
    assert AllocationLine.objects.filter(run=run).count() == 12
    assert RunSnapshot.objects.filter(run=run).count() == 1
