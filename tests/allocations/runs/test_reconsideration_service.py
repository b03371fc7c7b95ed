"""Reconsidering a decision of a final run (Awb 4:25 lid 3, 7:11): stored and verifiable like a run, and nothing
of the run, its lines, decisions or letters changes."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from accounts.audit_log import AuditEvent
from accounts.workflow import TransitionNotAllowed
from allocations.letters.models import Letter
from allocations.runs import reconsideration_services as service
from allocations.runs import services
from allocations.runs.models import AllocationLine, Decision, LineSplit
from allocations.runs.reconsideration import Corrections
from allocations.runs.reconsideration_models import Reconsideration, ReconsiderationChanged
from tests.allocations.runs.builders import allocation_call, reviewed
from tests.allocations.runs.reconsideration_builders import tie_call
from tests.allocations.runs.test_runs_verify_final import behind_the_guards

pytestmark = pytest.mark.django_db


def everything_of(run) -> dict:
    """Every stored value of the run's lines, splits, decisions and letters (with the letter files' bytes)."""
    letters = []
    for letter in Letter.objects.filter(decision__run=run).order_by("pk"):
        with letter.file.open("rb") as handle:
            letters.append((letter.pk, letter.amount, letter.sha256, letter.version, handle.read()))
    return {
        "lines": list(AllocationLine.objects.filter(run=run).order_by("pk").values()),
        "splits": list(LineSplit.objects.filter(line__run=run).order_by("pk").values()),
        "decisions": list(Decision.objects.filter(run=run).order_by("pk").values()),
        "letters": letters,
    }


def test_a_tie_decided_against_the_objector_is_reconsidered_and_nothing_else_changes(final_run_of, administrator):
    call, _a, b, c = tie_call()
    run = final_run_of(call)
    assert Decision.objects.get(application=c).amount == Decimal("0.00")
    before = everything_of(run)

    record = service.reconsider(
        run=run,
        application=c,
        corrections={"points": {"reviewer_score": "64.50"}},
        reason="Een criterium was verkeerd opgeteld.",
        by=administrator,
    )

    assert record.result["old"]["ground"]["code"] == "tie" and record.result["new"]["ground"]["code"] == "partial"
    assert (record.old_amount, record.rerun_amount, record.awarded) == (
        Decimal("0.00"),
        Decimal("18000.00"),
        Decimal("18000.00"),
    )
    assert (record.extra, record.from_reserve, record.on_top) == (Decimal("18000.00"), Decimal("18000.00"), 0)
    lines = {line["reference"]: line for line in record.result["lines"]}
    assert lines[b.reference]["old"]["awarded"] == 18_000_00 and lines[b.reference]["rerun"]["awarded"] == 0
    assert all(line["unchanged"] for line in lines.values())
    assert record.corrections == {"points": {"reviewer_score": "64.50"}}
    assert record.snapshot_sha256 == run.input_hash and len(record.sha256) == 64

    # Nothing of the run changed, and it still verifies; so does the reconsideration.
    assert everything_of(run) == before
    assert services.verify_run(run=run, by=administrator).ok
    check = service.verify(reconsideration_record=record, by=administrator)
    assert check.ok and check.hash_ok and check.snapshot_ok and check.differences == []
    event = AuditEvent.objects.filter(verb="allocation_run.reconsidered").get()
    assert event.data["reference"] == c.reference and event.data["extra"] == "18000.00"


def test_the_reserve_is_used_once_across_reconsiderations_of_the_run(final_run_of, administrator):
    call, a, _b, c = tie_call(reserve="10000.00")
    run = final_run_of(call, send=False)
    first = service.reconsider(
        run=run,
        application=c,
        corrections=Corrections(reviewer_score=Decimal("70")),
        reason="Telfout",
        by=administrator,
    )
    assert (first.from_reserve, first.on_top) == (Decimal("10000.00"), Decimal("8000.00"))
    # The reserve is the one the run read and stored with its policy.
    assert first.result["reserve"] == run.parameters["policy"]["reserve"] == 10_000_00
    # A larger request for A: its extra finds the reserve taken, and is paid on top of the ceiling.
    other = service.reconsider(
        run=run,
        application=a,
        corrections={"requested": 90_000_00},
        reason="Begroting verkeerd gelezen",
        by=administrator,
    )
    assert (other.extra, other.from_reserve, other.on_top) == (Decimal("8000.00"), 0, Decimal("8000.00"))
    # C reconsidered again replaces its first reconsideration, whose share of the reserve it takes instead.
    again = service.reconsider(
        run=run,
        application=c,
        corrections={"requested": 20_000_00, "points": {"reviewer_score": "70.00"}},
        reason="Ook het bedrag",
        by=administrator,
    )
    assert again.replaces == first and (again.extra, again.from_reserve) == (Decimal("18000.00"), Decimal("10000.00"))
    assert list(Reconsideration.objects.current().order_by("pk")) == [other, again]
    assert service.reserve_used(run) == 10_000_00


def test_a_lower_rerun_keeps_the_old_amount(final_run_of, administrator):
    call, _a, b, _c = tie_call()
    run = final_run_of(call, send=False)
    record = service.reconsider(
        run=run, application=b, corrections={"points": {"need_score": "1.00"}}, reason="Behoefte", by=administrator
    )
    assert record.not_worse_off and record.awarded == record.old_amount == Decimal("18000.00")
    assert record.rerun_amount == 0 and record.extra == 0


def test_reviewers_and_officers_may_not_reconsider(final_run_of, reviewer, officer):
    call, _a, _b, c = tie_call()
    run = final_run_of(call, send=False)
    for person in (reviewer, officer):
        with pytest.raises(PermissionDenied):
            service.reconsider(run=run, application=c, corrections={"requested": 1}, reason="x", by=person)
    assert not Reconsideration.objects.exists()


def test_only_a_final_run_is_reconsidered(administrator, start):
    call, _a, _b, c = tie_call()
    draft = start(call, administrator)
    with pytest.raises(TransitionNotAllowed, match="Alleen een definitieve verdeling"):
        service.reconsider(run=draft, application=c, corrections={"requested": 1}, reason="x", by=administrator)
    assert not Reconsideration.objects.exists()


def test_bad_corrections_are_refused_with_translated_errors_and_change_nothing(final_run_of, administrator):
    call, _a, _b, c = tie_call()
    run = final_run_of(call, send=False)
    other_call = allocation_call()
    stranger = reviewed(other_call, requested=Decimal("1000.00"), total=Decimal("50"))
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        service.reconsider(run=run, application=c, corrections={"requested": -5}, reason="", by=administrator)
    assert refused.value.message_dict == {
        "requested": ["Het aangevraagde bedrag moet groter zijn dan € 0,00."],
        "reason": ["Geef de reden van de heroverweging."],
    }
    with pytest.raises(ValidationError) as refused:
        service.reconsider(run=run, application=stranger, corrections={"requested": 5}, reason="x", by=administrator)
    assert list(refused.value.message_dict) == ["application"]
    with pytest.raises(ValidationError) as refused:
        service.reconsider(run=run, application=c, corrections={}, reason="x", by=administrator)
    assert list(refused.value.message_dict) == ["corrections"]
    with pytest.raises(ValidationError) as refused:
        service.reconsider(run=run, application=c, corrections={"requested": 5}, reason="x" * 5001, by=administrator)
    assert refused.value.message_dict["reason"] == ["Deze tekst is te lang: maximaal 5000 tekens (nu 5001)."]
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        service.reconsider(
            run=run, application=c, corrections={"points": {"reviewer_score": "-1"}}, reason="x", by=administrator
        )
    assert refused.value.message_dict == {"reviewer_score": ["A score cannot be negative."]}
    assert not Reconsideration.objects.exists() and AuditEvent.objects.count() == events


def test_a_stored_reconsideration_never_changes_and_verify_finds_a_tampered_one(final_run_of, administrator):
    call, _a, _b, c = tie_call()
    run = final_run_of(call, send=False)
    record = service.reconsider(
        run=run, application=c, corrections={"points": {"reviewer_score": "64.50"}}, reason="x", by=administrator
    )
    record.extra = Decimal("1.00")
    with pytest.raises(ReconsiderationChanged):
        record.save()
    with pytest.raises(ReconsiderationChanged):
        Reconsideration.objects.filter(pk=record.pk).update(reason="y")
    with pytest.raises(ReconsiderationChanged):
        Reconsideration.objects.get(pk=record.pk).delete()
    # Changed behind the guards: verify reports the value that no longer follows from the inputs.
    tampered = dict(record.result, awarded=30_000_00)
    behind_the_guards(
        "allocations_reconsideration",
        "allocations_reconsideration_immutable",
        "UPDATE allocations_reconsideration SET result = %s WHERE id = %s",
        [json.dumps(tampered), record.pk],
    )
    check = service.verify(reconsideration_record=Reconsideration.objects.get(pk=record.pk), by=administrator)
    assert check.hash_ok and not check.ok
    assert check.differences == [
        {"reference": c.reference, "field": "awarded", "stored": "3000000", "computed": "1800000"}
    ]


def test_postgresql_refuses_to_change_or_delete_a_reconsideration(final_run_of, administrator):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    call, _a, _b, c = tie_call()
    run = final_run_of(call, send=False)
    record = service.reconsider(
        run=run, application=c, corrections={"requested": 40_000_00}, reason="x", by=administrator
    )
    for sql in (
        "UPDATE allocations_reconsideration SET extra = 0 WHERE id = %s",
        "DELETE FROM allocations_reconsideration WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="immutable"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [record.pk])
    assert Reconsideration.objects.get(pk=record.pk).extra == record.extra
