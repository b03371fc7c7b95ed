"""Double clicks and parallel requests: two POSTs of the same button at the same moment, each in its own
thread with its own database connection (on PostgreSQL in CI), have one effect: one transition, one run, one
set of decisions, one sent batch, and one audit event each."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent
from allocations.letters import services as letter_services
from allocations.runs import execution as run_execution
from allocations.runs import services as run_services
from allocations.runs.execution import execute_run
from allocations.runs.models import AllocationRun, Decision, RunStatus
from applications.models import Application, Status
from tests.allocations.final_runs import letter_run
from tests.allocations.letters.batch import on_send_day, prepare
from tests.allocations.runs.builders import allocation_call, reviewed
from tests.factories import complete_application

pytestmark = pytest.mark.django_db(transaction=True)


def twice(user, url: str, data: dict | None = None) -> list[int]:
    """POST ``url`` (with ``data``) from two browsers of ``user`` released at the same moment; the two status
    codes."""
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def click() -> None:
        browser = Client()
        browser.force_login(user)
        try:
            barrier.wait(timeout=10)
            codes.append(browser.post(url, data or {}).status_code)
        except Exception as exc:  # kept, so the assertion shows what went wrong
            codes.append(-1)
            raise exc
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(codes)


def _events(verb: str) -> int:
    return AuditEvent.objects.filter(verb=verb).count()


def test_submit_clicked_twice_is_one_transition(officer):
    application = complete_application(municipality=officer.municipality, created_by=officer)
    codes = twice(officer, reverse("application_transition", args=[application.pk, "submit"]))
    assert -1 not in codes and all(code in (302, 409) for code in codes), codes
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert _events("application.submitted") == 1


def _call_with_reviewed(n: int = 4):
    call = allocation_call(budget=Decimal("1000000.00"))
    for i in range(n):
        reviewed(call, requested=Decimal(100000 + 1000 * i), total=Decimal(40 + i))
    return call


def test_start_run_clicked_twice_is_one_run(administrator, monkeypatch):
    queued: list[int] = []
    monkeypatch.setattr(run_execution, "enqueue", queued.append)  # the worker has not begun yet
    call = _call_with_reviewed()
    codes = twice(administrator, reverse("allocation_start", args=[call.pk]))
    assert codes == [302, 302]  # the second click lands on the run the first one started
    run = AllocationRun.objects.get(call=call)
    assert queued == [run.pk]
    assert _events("allocation_run.started") == 1


def test_start_run_while_one_is_running_is_a_409_in_the_api(administrator, monkeypatch):
    monkeypatch.setattr(run_execution, "enqueue", lambda run_id: None)
    call = _call_with_reviewed()
    run_services.start_run(call=call, by=administrator)
    api = Client()
    api.force_login(administrator)
    response = api.post(f"/api/v1/calls/{call.pk}/allocation-runs/", HTTP_ACCEPT="application/json")
    assert response.status_code == 409
    assert "wordt nog berekend" in response.json()["detail"]
    assert AllocationRun.objects.filter(call=call).count() == 1


def test_approve_clicked_twice_is_one_set_of_decisions(administrator, second_administrator, monkeypatch):
    monkeypatch.setattr(letter_services, "_enqueue", lambda ids: None)  # letters are another test's business
    monkeypatch.setattr(run_execution, "enqueue", lambda run_id: None)
    call = _call_with_reviewed()
    run = run_services.start_run(call=call, by=administrator)
    execute_run(run.pk)
    assert AllocationRun.objects.get(pk=run.pk).status == RunStatus.DRAFT
    codes = twice(second_administrator, reverse("run_approve", args=[run.pk]), {"bevestigd": "ja"})
    assert -1 not in codes, codes
    assert AllocationRun.objects.get(pk=run.pk).status == RunStatus.FINAL
    assert Decision.objects.filter(run=run).count() == Application.objects.filter(call=call).count() == 4
    assert _events("allocation_run.approved") == 1


def test_send_letters_clicked_twice_is_one_sent_batch(administrator, django_capture_on_commit_callbacks):
    run = letter_run(count=2, by=administrator)
    with django_capture_on_commit_callbacks(execute=True):
        prepare(run)
    with on_send_day():  # the batch can only be marked as sent on the day its letters are dated
        codes = twice(administrator, reverse("run_letters_send", args=[run.pk]), {"bevestigd": "ja"})
    assert codes == [302, 302], codes
    assert not Decision.objects.filter(run=run, sent_at__isnull=True).exists()
    assert len({d.sent_at for d in Decision.objects.filter(run=run)}) == 1  # one batch, one moment
    assert _events("letters.sent") == 1
    assert _events("application.letter_sent") == 2
