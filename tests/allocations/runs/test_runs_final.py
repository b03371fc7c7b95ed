"""A final run is immutable, its snapshot and what its decisions decided too: a guard in the model everywhere,
and a trigger on PostgreSQL."""

import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts.workflow import TransitionNotAllowed
from allocations.letters import pdf
from allocations.letters.models import Letter, LetterBatch, LetterJob
from allocations.runs import services
from allocations.runs.models import (
    AllocationLine,
    AllocationRun,
    Decision,
    DecisionChanged,
    FinalRunChanged,
    LineSplit,
    Outcome,
    RunSnapshot,
    RunStatus,
    SentDecisionChanged,
)
from tests.allocations.runs.builders import allocation_call, reviewed

pytestmark = pytest.mark.django_db


@pytest.fixture
def final_run(administrator, second_administrator, start):
    call = allocation_call(budget=Decimal("300000.00"))
    reviewed(call, requested=Decimal("200000.00"), total=Decimal("80"))
    reviewed(call, requested=Decimal("200000.00"), total=Decimal("70"))
    run = start(call, administrator)
    return services.approve_run(run=run, by=second_administrator)


def test_the_final_run_of_a_call_is_one_queryset(final_run, administrator, start):
    draft = start(final_run.call, administrator)
    assert list(AllocationRun.objects.final()) == [final_run]
    assert AllocationRun.objects.final_of(final_run.call) == final_run
    assert AllocationRun.objects.final_of(final_run.call_id) == final_run
    assert AllocationRun.objects.final_of(draft.call).pk != draft.pk
    assert set(AllocationRun.objects.computed()) == {final_run, draft}
    assert (final_run.is_final, final_run.is_computed, draft.is_final, draft.is_computed) == (True, True, False, True)
    other = allocation_call(budget=Decimal("1000.00"))
    assert AllocationRun.objects.final_of(other) is None


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
    with pytest.raises(TransitionNotAllowed, match="al een definitieve verdeling"):
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
    # The rules were frozen when the window opened, long before the run became final.
    assert response.status_code == 409 and "artikel 4:27" in response.json()["detail"]
    assert client.post(f"/api/v1/allocation-runs/{final_run.pk}/retry/").status_code == 409


# --- The run itself, its snapshot and its decisions ------------------------------------------------------
def test_the_model_refuses_to_change_a_final_run_or_set_it_back_to_draft(final_run):
    for name, value in [
        ("status", RunStatus.DRAFT),
        ("total_awarded", Decimal("1.00")),
        ("total_unspent", Decimal("5.00")),
        ("funded_count", 9),
        ("input_hash", "0" * 64),
        ("pot_totals", []),
        ("approved_at", None),
    ]:
        run = AllocationRun.objects.get(pk=final_run.pk)
        setattr(run, name, value)
        with pytest.raises(FinalRunChanged, match="definitieve verdeling kan niet meer"):
            run.save()
        with pytest.raises(FinalRunChanged):
            run.save(update_fields=[name])
    with pytest.raises(FinalRunChanged) as refused:
        AllocationRun.objects.filter(pk=final_run.pk).update(status=RunStatus.DRAFT)
    assert isinstance(refused.value, TransitionNotAllowed)  # a 409 in the API
    with pytest.raises(FinalRunChanged):
        AllocationRun.objects.get(pk=final_run.pk).delete()
    with pytest.raises(FinalRunChanged):
        AllocationRun.objects.filter(call=final_run.call).delete()
    AllocationRun.objects.get(pk=final_run.pk).save()  # saving it unchanged is no change
    stored = AllocationRun.objects.get(pk=final_run.pk)
    assert (stored.status, stored.total_awarded, stored.funded_count) == (RunStatus.FINAL, Decimal("300000.00"), 2)
    # Since the run cannot go back to draft, its lines stay protected.
    line = AllocationLine.objects.filter(run=final_run).first()
    line.awarded = Decimal("1.00")
    with pytest.raises(FinalRunChanged):
        line.save()


def test_the_model_refuses_to_change_the_snapshot_of_a_final_run(final_run):
    snap = RunSnapshot.objects.get(run=final_run)
    snap.data["applications"][0]["requested"] = 1
    with pytest.raises(FinalRunChanged):
        snap.save()
    with pytest.raises(FinalRunChanged):
        RunSnapshot.objects.filter(run=final_run).update(sha256="0" * 64)
    with pytest.raises(FinalRunChanged):
        RunSnapshot.objects.filter(run=final_run).delete()
    with pytest.raises(FinalRunChanged):
        snap.delete()
    assert RunSnapshot.objects.get(run=final_run).sha256 == final_run.input_hash


def test_the_model_refuses_to_change_what_a_decision_decided_but_it_can_be_sent(final_run):
    decision = Decision.objects.filter(run=final_run).order_by("number").first()
    for name, value in [
        ("amount", Decimal("1.00")),
        ("number", "ANDER-1"),
        ("outcome", Outcome.REJECTED),
        ("decided_at", timezone.now()),
    ]:
        changed = Decision.objects.get(pk=decision.pk)
        setattr(changed, name, value)
        with pytest.raises(DecisionChanged, match="herzien besluit is een nieuw besluit"):
            changed.save()
        with pytest.raises(DecisionChanged):
            Decision.objects.filter(pk=decision.pk).update(**{name: value})
    with pytest.raises(DecisionChanged):
        Decision.objects.filter(pk=decision.pk).update(line_id=decision.line_id)
    with pytest.raises(DecisionChanged):
        Decision.objects.get(pk=decision.pk).delete()
    with pytest.raises(DecisionChanged):
        Decision.objects.filter(run=final_run).delete()
    assert isinstance(DecisionChanged(), FinalRunChanged)

    unsent = Decision.objects.get(pk=decision.pk)
    unsent.reason = "Motivering"
    unsent.save()  # nothing it decided changed, and it is not sent yet
    sent = timezone.now()
    Decision.objects.filter(pk=decision.pk).update(sent_at=sent)
    # Once sent, nothing of it changes any more, not even the moment it was sent.
    again = Decision.objects.get(pk=decision.pk)
    again.sent_at = sent + datetime.timedelta(minutes=1)
    with pytest.raises(SentDecisionChanged):
        again.save(update_fields=["sent_at"])
    with pytest.raises(SentDecisionChanged):
        Decision.objects.filter(pk=decision.pk).update(sent_at=None)
    stored = Decision.objects.get(pk=decision.pk)
    assert (stored.amount, stored.number, stored.sent_at, stored.reason) == (
        decision.amount,
        decision.number,
        sent,
        "Motivering",
    )


def _refused_by_postgresql(sql: str, params: list) -> None:
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_postgresql_refuses_to_change_a_final_run_its_snapshot_or_its_decisions(final_run):
    if connection.vendor != "postgresql":
        pytest.skip("the triggers exist on PostgreSQL only")
    for sql in (
        "UPDATE allocations_allocationrun SET status = 'draft' WHERE id = %s",
        "UPDATE allocations_allocationrun SET total_awarded = 1 WHERE id = %s",
        "UPDATE allocations_allocationrun SET total_budget = total_budget + 1 WHERE id = %s",
        "UPDATE allocations_allocationrun SET funded_count = 0 WHERE id = %s",
        "UPDATE allocations_allocationrun SET pot_totals = '[]'::jsonb WHERE id = %s",
        "UPDATE allocations_allocationrun SET input_hash = '' WHERE id = %s",
        "UPDATE allocations_allocationrun SET approved_by_id = NULL WHERE id = %s",
        # No column of a final run changes, its progress neither.
        "UPDATE allocations_allocationrun SET phase = 'engine' WHERE id = %s",
    ):
        _refused_by_postgresql(sql, [final_run.pk])
    _refused_by_postgresql("DELETE FROM allocations_allocationrun WHERE id = %s", [final_run.pk])
    _refused_by_postgresql(
        "UPDATE allocations_runsnapshot SET data = jsonb_set(data, '{schema}', '2') WHERE run_id = %s", [final_run.pk]
    )
    _refused_by_postgresql("UPDATE allocations_runsnapshot SET sha256 = '' WHERE run_id = %s", [final_run.pk])
    _refused_by_postgresql("DELETE FROM allocations_runsnapshot WHERE run_id = %s", [final_run.pk])
    decision = Decision.objects.filter(run=final_run).order_by("number").first()
    for sql in (
        "UPDATE allocations_decision SET amount = amount + 1 WHERE id = %s",
        "UPDATE allocations_decision SET number = 'ANDER-1' WHERE id = %s",
        "UPDATE allocations_decision SET outcome = 'rejected' WHERE id = %s",
        "UPDATE allocations_decision SET decided_at = now() WHERE id = %s",
        "UPDATE allocations_decision SET decided_by_id = NULL WHERE id = %s",
    ):
        _refused_by_postgresql(sql, [decision.pk])
    _refused_by_postgresql("DELETE FROM allocations_decision WHERE id = %s", [decision.pk])

    with connection.cursor() as cursor:
        cursor.execute("UPDATE allocations_allocationrun SET status = status WHERE id = %s", [final_run.pk])
        cursor.execute("UPDATE allocations_decision SET sent_at = now(), reason = 'x' WHERE id = %s", [decision.pk])
    stored = AllocationRun.objects.get(pk=final_run.pk)
    assert (stored.status, stored.total_awarded) == (RunStatus.FINAL, Decimal("300000.00"))
    assert RunSnapshot.objects.get(run=final_run).sha256 == final_run.input_hash
    assert Decision.objects.get(pk=decision.pk).sent_at is not None
    assert Decision.objects.get(pk=decision.pk).amount == decision.amount


def test_postgresql_leaves_a_draft_run_and_its_snapshot_alone(administrator, start):
    if connection.vendor != "postgresql":
        pytest.skip("the triggers exist on PostgreSQL only")
    call = allocation_call(budget=Decimal("100000.00"))
    reviewed(call, requested=Decimal("50000.00"), total=Decimal("80"))
    run = start(call, administrator)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE allocations_allocationrun SET phase = 'x', total_awarded = 1 WHERE id = %s", [run.pk])
        cursor.execute("UPDATE allocations_runsnapshot SET sha256 = '' WHERE run_id = %s", [run.pk])
    assert AllocationRun.objects.get(pk=run.pk).total_awarded == Decimal("1.00")
    assert RunSnapshot.objects.get(run=run).sha256 == ""


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
