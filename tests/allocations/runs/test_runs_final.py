"""A final run is immutable: a guard in the model everywhere, and a trigger on PostgreSQL."""

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from allocations.letters import pdf
from allocations.letters.models import Letter, LetterBatch, LetterJob
from allocations.runs import services
from allocations.runs.models import AllocationLine, Decision, FinalRunChanged, LineSplit
from tests.allocations.runs.builders import allocation_call, reviewed

pytestmark = pytest.mark.django_db


@pytest.fixture
def final_run(administrator, second_administrator, start):
    call = allocation_call(budget=Decimal("300000.00"))
    reviewed(call, requested=Decimal("200000.00"), total=Decimal("80"))
    reviewed(call, requested=Decimal("200000.00"), total=Decimal("70"))
    run = start(call, administrator)
    return services.approve_run(run=run, by=second_administrator)


def test_the_model_refuses_to_change_a_line_of_a_final_run(final_run):
    line = AllocationLine.objects.filter(run=final_run).first()
    line.awarded = Decimal("1.00")
    with pytest.raises(FinalRunChanged):
        line.save()
    with pytest.raises(FinalRunChanged):
        AllocationLine.objects.filter(run=final_run).update(awarded=Decimal("0"))
    with pytest.raises(FinalRunChanged):
        LineSplit.objects.filter(line__run=final_run).update(awarded=Decimal("0"))
    with pytest.raises(FinalRunChanged):
        line.delete()
    assert AllocationLine.objects.get(pk=line.pk).awarded == Decimal("200000.00")


def test_revising_a_final_decision_is_refused_with_a_clear_message(final_run, administrator, start):
    again = start(final_run.call, administrator)
    check = services.approval_check(again, administrator)
    assert "bezwaren" in check.state_message
    with pytest.raises(services.ApprovalRefused, match="al een definitieve verdeling"):
        services.approve_run(run=again, by=final_run.approved_by)


def test_postgresql_refuses_a_changed_line_of_a_final_run(final_run):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    line = AllocationLine.objects.filter(run=final_run).first()
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE allocations_allocationline SET awarded = 1 WHERE id = %s", [line.pk])
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM allocations_linesplit WHERE line_id = %s", [line.pk])
    assert AllocationLine.objects.get(pk=line.pk).awarded == line.awarded


def test_the_policy_of_a_call_with_a_final_run_cannot_change(final_run, administrator):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(administrator)
    response = client.put(f"/api/v1/calls/{final_run.call_id}/allocation-policy/", {"seed": 9}, format="json")
    assert response.status_code == 409 and "definitieve verdeling" in response.json()["detail"]
    assert client.post(f"/api/v1/allocation-runs/{final_run.pk}/retry/").status_code == 409


def test_approval_renders_nothing_and_makes_no_letter_job(
    administrator, second_administrator, start, monkeypatch, django_capture_on_commit_callbacks
):
    """Letters are made when they are prepared with their send date, never by the approval."""
    call = allocation_call(budget=Decimal("300000.00"))
    reviewed(call, requested=Decimal("200000.00"), total=Decimal("80"))
    reviewed(call, requested=Decimal("200000.00"), total=Decimal("70"))
    run = start(call, administrator)

    def no_rendering(*args, **kwargs):
        raise AssertionError("the approval rendered a letter")

    monkeypatch.setattr(pdf, "letter_pdf", no_rendering)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.approve_run(run=run, by=second_administrator)
    assert Decision.objects.filter(run=run).count() == 2
    assert not LetterJob.objects.exists() and not Letter.objects.exists() and not LetterBatch.objects.exists()
    assert callbacks == []  # nothing queued for after the commit either
