"""Verifying a final run checks what the municipality holds: every decision and every sent or current letter
(the amount it prints and its file's hash) against the lines recomputed from the stored snapshot.

The records are changed behind the guards, as someone with database access could: raw SQL, with the
PostgreSQL trigger that refuses it switched off inside the test's transaction.
"""

import hashlib
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from allocations.letters import batches
from allocations.letters import services as letter_services
from allocations.letters.models import Letter
from allocations.runs import services
from allocations.runs.models import AllocationLine, Decision, Outcome
from tests.allocations.letters.batch import SEND_DAY, prepare
from tests.allocations.runs.builders import allocation_call, reviewed

pytestmark = pytest.mark.django_db


def behind_the_guards(table: str, trigger: str | None, sql: str, params: list) -> None:
    """Run ``sql`` as a direct database change; on PostgreSQL with ``trigger`` off for that statement only.
    (The deferred foreign-key checks of the test's transaction are run first: ALTER TABLE waits for none.)"""
    off = trigger and connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if off:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER "{trigger}"')
        cursor.execute(sql, params)
        if off:
            cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER "{trigger}"')
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def final_call(count: int = 3):
    """A full award, a partial one and refusals: 200.000 budget over requests of 120.000 each."""
    call = allocation_call(budget=Decimal("200000.00"))
    for i in range(count):
        reviewed(call, requested=Decimal("120000.00"), total=Decimal(80 - i))
    return call


@pytest.fixture
def approve(administrator, second_administrator, start, django_capture_on_commit_callbacks):
    """A final run of ``call`` whose letters are made (their tasks run in-process) and, with ``send``, sent."""

    def go(call, *, send: bool = True):
        run = start(call, administrator)
        run = services.approve_run(run=run, by=second_administrator)
        with django_capture_on_commit_callbacks(execute=True):
            prepare(run, by=administrator)
        if send:
            with django_capture_on_commit_callbacks(execute=True):
                batches.mark_batch_sent(run=run, by=administrator, now=SEND_DAY)
        return run

    return go


@pytest.fixture
def sent_run(approve):
    return approve(final_call())


def verify_api(run, user) -> dict:
    client = APIClient()
    client.force_authenticate(user)
    response = client.post(f"/api/v1/allocation-runs/{run.pk}/verify/")
    assert response.status_code == 200, response.content
    return response.json()


def test_an_untouched_final_run_with_sent_letters_verifies_clean(sent_run, administrator, administrator_client):
    decisions = {d.outcome: d for d in Decision.objects.filter(run=sent_run)}
    assert set(decisions) == {Outcome.AWARDED, Outcome.PARTIALLY_AWARDED, Outcome.REJECTED}
    assert all(d.sent_at for d in decisions.values())
    amounts = {letter.decision.outcome: letter.amount for letter in Letter.objects.select_related("decision")}
    assert amounts == {
        Outcome.AWARDED: Decimal("120000.00"),
        Outcome.PARTIALLY_AWARDED: Decimal("80000.00"),
        Outcome.REJECTED: Decimal("0.00"),
    }
    result = verify_api(sent_run, administrator)
    assert result["ok"] and result["hash_ok"] and result["differences"] == []
    assert (result["decisions_checked"], result["letters_checked"]) == (3, 3)

    page = administrator_client.post(f"/verdelingen/{sent_run.pk}/controleren/").content.decode()
    assert (
        "Gecontroleerd: elke regel, elk besluit (3) en elke verzonden of huidige brief (3) is gelijk aan een nieuwe "
        "berekening op de vastgelegde invoer, elk briefbestand heeft nog zijn vastgelegde hash, en de hash van de "
        "invoer klopt." in page
    )


def test_verify_reports_a_decision_whose_amount_differs_from_the_lines(sent_run, administrator, administrator_client):
    decision = Decision.objects.get(run=sent_run, outcome=Outcome.PARTIALLY_AWARDED)
    behind_the_guards(
        "allocations_decision",
        "allocations_decision_immutable",
        "UPDATE allocations_decision SET amount = %s WHERE id = %s",
        [Decimal("95000.00"), decision.pk],
    )
    result = verify_api(sent_run, administrator)
    assert result["hash_ok"] and not result["ok"]
    assert result["differences"] == [
        {"reference": decision.number, "field": "decision.amount", "stored": "9500000", "computed": "8000000"}
    ]
    page = administrator_client.post(f"/verdelingen/{sent_run.pk}/controleren/").content.decode()
    assert f"{decision.number}: decision.amount vastgelegd 9500000, berekend 8000000" in page
    assert "Gecontroleerd:" not in page


def test_verify_reports_a_decision_whose_outcome_differs_from_the_lines(sent_run, administrator):
    decision = Decision.objects.get(run=sent_run, outcome=Outcome.PARTIALLY_AWARDED)
    behind_the_guards(
        "allocations_decision",
        "allocations_decision_immutable",
        "UPDATE allocations_decision SET outcome = 'awarded' WHERE id = %s",
        [decision.pk],
    )
    assert verify_api(sent_run, administrator)["differences"] == [
        {
            "reference": decision.number,
            "field": "decision.outcome",
            "stored": "awarded",
            "computed": "partially_awarded",
        }
    ]


def test_verify_reports_a_letter_whose_stored_amount_differs(sent_run, administrator):
    letter = Letter.objects.select_related("decision").get(decision__run=sent_run, decision__outcome=Outcome.REJECTED)
    behind_the_guards(
        "allocations_letter", None, "UPDATE allocations_letter SET amount = %s WHERE id = %s", [1, letter.pk]
    )
    assert verify_api(sent_run, administrator)["differences"] == [
        {"reference": f"{letter.decision.number} v1", "field": "letter.amount", "stored": "100", "computed": "0"}
    ]


def test_verify_reports_a_letter_file_whose_bytes_changed_or_that_is_missing(sent_run, administrator):
    letter = Letter.objects.select_related("decision").get(decision__run=sent_run, decision__outcome=Outcome.AWARDED)
    storage = letter.file.storage
    with storage.open(letter.file.name, "rb") as handle:
        changed = handle.read() + b"%% a line added after signing\n"
    with open(storage.path(letter.file.name), "wb") as handle:
        handle.write(changed)
    result = verify_api(sent_run, administrator)
    assert result["differences"] == [
        {
            "reference": f"{letter.decision.number} v1",
            "field": "letter.sha256",
            "stored": letter.sha256,
            "computed": hashlib.sha256(changed).hexdigest(),
        }
    ]
    storage.delete(letter.file.name)
    assert verify_api(sent_run, administrator)["differences"] == [
        {
            "reference": f"{letter.decision.number} v1",
            "field": "letter.file",
            "stored": letter.file.name,
            "computed": "absent",
        }
    ]


def test_verify_reports_changed_totals_of_a_final_run(sent_run, administrator):
    behind_the_guards(
        "allocations_allocationrun",
        "allocations_final_run_immutable",
        "UPDATE allocations_allocationrun SET total_awarded = %s, funded_count = %s WHERE id = %s",
        [Decimal("250000.00"), 3, sent_run.pk],
    )
    assert verify_api(sent_run, administrator)["differences"] == [
        {"reference": "", "field": "total_awarded", "stored": "25000000", "computed": "20000000"},
        {"reference": "", "field": "funded_count", "stored": "3", "computed": "2"},
    ]


def test_unsent_letters_are_checked_while_current_and_sent_ones_also_once_replaced(approve, administrator):
    run = approve(final_call(), send=False)
    assert verify_api(run, administrator)["letters_checked"] == 3  # current, not yet sent
    letter = Letter.objects.filter(decision__run=run).order_by("pk").first()
    behind_the_guards(
        "allocations_letter",
        None,
        "UPDATE allocations_letter SET superseded_at = %s WHERE id = %s",
        [timezone.now(), letter.pk],
    )
    result = verify_api(run, administrator)
    assert result["ok"] and result["letters_checked"] == 2  # a replaced letter that was never sent is not read
    behind_the_guards(
        "allocations_letter",
        None,
        "UPDATE allocations_letter SET sent_at = %s WHERE id = %s",
        [letter.created_at, letter.pk],
    )
    result = verify_api(run, administrator)
    assert result["ok"] and result["letters_checked"] == 3  # a letter that was sent is, also once replaced


def test_verify_costs_a_fixed_number_of_queries_however_many_lines(approve, administrator, monkeypatch):
    monkeypatch.setattr(
        letter_services, "render_letter_pdf", lambda decision, texts, letter_date: f"%PDF {decision.number}".encode()
    )
    counts = []
    for count in (2, 6):
        run = approve(final_call(count))
        with CaptureQueriesContext(connection) as queries:
            result = services.verify_run(run=run, by=administrator)
        assert result.ok and (result.decisions_checked, result.letters_checked) == (count, count)
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def test_verify_reports_a_decision_on_the_wrong_line_or_missing(approve, administrator, start):
    call = final_call()
    # Another computation of the same call (from before the approval: none starts after it): its lines are not
    # the decisions'.
    draft = start(call, administrator)
    run = approve(call, send=False)
    decisions = list(Decision.objects.filter(run=run).select_related("application").order_by("number"))
    elsewhere = AllocationLine.objects.get(run=draft, application=decisions[0].application)
    behind_the_guards(
        "allocations_decision",
        "allocations_decision_immutable",
        "UPDATE allocations_decision SET line_id = %s WHERE id = %s",
        [elsewhere.pk, decisions[0].pk],
    )
    gone = decisions[2]
    behind_the_guards(
        "allocations_letterjob", None, "DELETE FROM allocations_letterjob WHERE decision_id = %s", [gone.pk]
    )
    behind_the_guards("allocations_letter", None, "DELETE FROM allocations_letter WHERE decision_id = %s", [gone.pk])
    behind_the_guards(
        "allocations_decision",
        "allocations_decision_immutable",
        "DELETE FROM allocations_decision WHERE id = %s",
        [gone.pk],
    )
    result = verify_api(run, administrator)
    assert result["differences"] == [
        {
            "reference": decisions[0].number,
            "field": "decision.line",
            "stored": str(elsewhere.pk),
            "computed": str(decisions[0].line_id),
        },
        {"reference": gone.application.reference, "field": "decision", "stored": "absent", "computed": "present"},
    ]
    assert (result["decisions_checked"], result["letters_checked"]) == (2, 2)
