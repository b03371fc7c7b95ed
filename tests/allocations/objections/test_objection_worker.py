"""An objection end to end on PostgreSQL with a real worker (issue 20), on the demo's tie: the run divided by the
worker and approved by a second administrator, its letters made by the worker and sent; the municipality that lost
the tie objects in the portal; a hearing; the re-run on the run's frozen snapshot with the corrected score; the
decision on the objection prepared by one administrator and, after the same one is refused, approved by another;
the extra money scheduled as one more instalment. Afterwards every decision and letter of the run is unchanged,
byte for byte, the run still verifies and so does the re-run.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role, User
from allocations.letters.models import Letter
from allocations.objections.models import CaseOutcome, CaseStatus, ObjectionCase
from allocations.payments.models import Instalment, InstalmentStatus
from allocations.runs.models import AllocationRun, Decision
from allocations.runs.reconsideration_models import Reconsideration
from applications.models import Application
from tests.allocations.runs.reconsideration_builders import tie_call
from tests.allocations.worker_story import api, delivered, letters_of, ok, on, page, send_award_letters
from tests.factories import AdministratorFactory
from tests.worker import wait_for

pytestmark = pytest.mark.worker

SENT_ON = datetime.date(2027, 3, 15)  # a Monday: the objection term ends on Monday 26 April 2027
OBJECTED_ON = datetime.date(2027, 4, 1)
HEARING_PLANNED_ON = datetime.date(2027, 4, 6)
HEARING_ON = datetime.date(2027, 4, 20)
RECONSIDERED_ON = datetime.date(2027, 4, 21)
DECIDED_ON = datetime.date(2027, 4, 22)
EXTRA = Decimal("18000.00")  # C, corrected to above B, takes the € 18.000 B kept; paid from the reserve
GROUNDS = "De punten voor de kwaliteit van ons plan zijn verkeerd opgeteld: wij hadden boven Gemeente B moeten staan."


# --- What must not change ----------------------------------------------------------------------------------
def decisions_as_sent(run: AllocationRun) -> dict[str, tuple]:
    """Every decision of the run as it was decided and sent, with its line."""
    return {
        d.number: (d.application_id, d.outcome, d.amount, d.sent_at, d.decided_at, d.line.rank, d.line.awarded)
        for d in Decision.objects.filter(run=run).select_related("line")
    }


def letters_as_stored(run: AllocationRun) -> dict[tuple[str, int], tuple]:
    """Every letter of the run (every version): the SHA-256 of its stored bytes and what its row says."""
    found = {}
    for letter in Letter.objects.filter(decision__run=run).select_related("decision"):
        with letter.file.open("rb") as handle:
            digest = hashlib.sha256(handle.read()).hexdigest()
        found[letter.decision.number, letter.version] = (
            digest,
            letter.sha256,
            letter.size,
            letter.letter_date,
            letter.sent_at,
            letter.superseded_at,
        )
    return found


def instalments_of_others(run: AllocationRun, objected: Decision) -> list[tuple]:
    return list(
        Instalment.objects.filter(decision__run=run)
        .exclude(decision=objected)
        .order_by("reference")
        .values_list("reference", "amount", "due_on", "status")
    )


# --- The steps ---------------------------------------------------------------------------------------------
def divided_and_sent(call, *, starter: User, approver: User, worker) -> AllocationRun:
    """The run, computed by the worker, approved by a second administrator (the starter is refused), its letters
    made by the worker and sent on ``SENT_ON``."""
    response = ok(api(starter).post(f"/api/v1/calls/{call.pk}/allocation-runs/"), 202)
    run_id = response.json()["id"]
    wait_for(
        lambda: api(starter).get(f"/api/v1/allocation-runs/{run_id}/").json()["status"] == "draft",
        worker=worker,
        what="the worker to divide the call",
    )
    assert api(starter).post(f"/api/v1/allocation-runs/{run_id}/approve/").status_code == 403
    ok(api(approver).post(f"/api/v1/allocation-runs/{run_id}/approve/"))
    run = AllocationRun.objects.get(pk=run_id)
    send_award_letters(run, by=starter, send_on=SENT_ON, worker=worker)
    return run


def officer_objects(officer: User, application: Application) -> ObjectionCase:
    """The officer opens "Bezwaar maken" from the decision, sees the last day, and lodges the grounds."""
    url = reverse("objection_lodge", args=[application.pk])
    with on(OBJECTED_ON):
        client = page(officer)
        form = ok(client.get(url)).content.decode()
        assert "26 april 2027" in form  # the last day of the objection term
        answer = ok(client.post(url, {"grounds": GROUNDS}), 302)
        case = ObjectionCase.objects.get(decision__application=application)
        assert answer["Location"] == reverse("objection_detail", args=[case.pk])
        seen = ok(client.get(answer["Location"])).content.decode()
    assert case.number in seen
    assert (case.status, case.is_timely, case.received_on, case.lodged_by) == (
        CaseStatus.RECEIVED,
        True,
        OBJECTED_ON,
        officer,
    )
    return case


def step(user: User, case: ObjectionCase, slug: str, data: dict | None = None, *, day: datetime.date):
    """One step of the handling, posted on the case page on ``day``."""
    fields = {f"{slug}-{name}": value for name, value in (data or {}).items()}
    with on(day):
        return page(user).post(reverse("objection_step", args=[case.pk, slug]), fields)


def hearing(admin: User, case: ObjectionCase, competitor: Application) -> None:
    """Planned with the competitor whose award could change as an interested party (Awb 7:2), then held."""
    invited = {"on": HEARING_ON.strftime("%d-%m-%Y"), "invited": [competitor.municipality_id]}
    ok(step(admin, case, "hoorzitting", invited, day=HEARING_PLANNED_ON), 302)
    notes = {"held_on": HEARING_ON.strftime("%d-%m-%Y"), "notes": "De gemeente lichtte de telfout toe."}
    ok(step(admin, case, "gehoord", notes, day=HEARING_ON), 302)
    case.refresh_from_db()
    assert (case.status, case.hearing_held_on) == (CaseStatus.READY, HEARING_ON)
    assert set(case.invited.values_list("pk", flat=True)) == {case.objector_id, competitor.municipality_id}


def rerun_on_the_frozen_snapshot(
    admin: User, case: ObjectionCase, run: AllocationRun, c: Application, b: Application
) -> Reconsideration:
    """ "Herberekenen" from the case: the run's stored snapshot with only C's corrected reviewer score."""
    url = f"{reverse('run_reconsider', args=[run.pk])}?bezwaar={case.pk}"
    with on(RECONSIDERED_ON):
        answer = page(admin).post(
            url,
            {
                "heroverweging-application": c.pk,
                "heroverweging-reviewer_score": "64,50",
                "heroverweging-reason": "Telfout in het criterium kwaliteit (hoorzitting van 20 april 2027).",
            },
        )
    ok(answer, 302)
    case.refresh_from_db()
    record = case.reconsideration
    assert record is not None and (record.run_id, record.application_id) == (run.pk, c.pk)
    assert (record.old_amount, record.extra, record.from_reserve, record.on_top) == (0, EXTRA, EXTRA, 0)
    assert record.snapshot_sha256 == run.input_hash
    # What the re-run would have meant for B (it would lose the € 18.000 C now gets): shown, not done.
    b_line = next(line for line in record.result["lines"] if line["application"] == b.pk)
    assert b_line["old"]["awarded"] == 1_800_000 and b_line["rerun"]["awarded"] < b_line["old"]["awarded"]
    return record


def decide_with_four_eyes(preparer: User, approver: User, case: ObjectionCase) -> None:
    """Founded, prepared by one administrator; the same one is refused the approval, another gives it."""
    outcome = {"outcome": CaseOutcome.FOUNDED, "reason": "De punten waren verkeerd opgeteld; C gaat B voor."}
    ok(step(preparer, case, "uitkomst", outcome, day=DECIDED_ON), 302)
    case.refresh_from_db()
    assert case.awaits_approval and case.prepared_by == preparer
    refused = step(preparer, case, "goedkeuren", day=DECIDED_ON)
    assert refused.status_code == 403 and "vier-ogenprincipe" in refused.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.READY and not Instalment.objects.filter(decision=case.decision).exists()
    ok(step(approver, case, "goedkeuren", day=DECIDED_ON), 302)
    case.refresh_from_db()
    assert (case.status, case.outcome, case.decided_by) == (CaseStatus.CLOSED, CaseOutcome.FOUNDED, approver)


# --- The story ---------------------------------------------------------------------------------------------
def test_an_objection_on_a_tie_from_the_portal_to_the_extra_payment(celery_worker_process):
    worker = celery_worker_process
    starter = AdministratorFactory(email="beheer@minvro.nl")  # divides, handles the case and prepares its decision
    approver = AdministratorFactory(email="beheer2@minvro.nl")

    # 1. A sent decision: the tie (A 81 points; B and C 68 each, B first on need) divided and sent; C got nothing.
    call, _a, b, c = tie_call()
    run = divided_and_sent(call, starter=starter, approver=approver, worker=worker)
    decision = Decision.objects.get(run=run, application=c)
    assert (decision.amount, Decision.objects.get(run=run, application=b).amount) == (0, EXTRA)
    officer = User.objects.get(role=Role.OFFICER, municipality=c.municipality)
    delivered(worker, to=officer.email, containing=decision.number)
    decisions_before, letters_before = decisions_as_sent(run), letters_as_stored(run)
    letter_bytes_before = letters_of(run)
    others_instalments = instalments_of_others(run, decision)

    # 2. The officer objects in the portal, in time.
    case = officer_objects(officer, c)

    # 3. A hearing, with B invited: its award could change.
    hearing(starter, case, b)

    # 5. The re-run on the run's frozen snapshot.
    record = rerun_on_the_frozen_snapshot(starter, case, run, c, b)

    # 6. Founded: prepared by one administrator, approved by another.
    decide_with_four_eyes(starter, approver, case)

    # 8. The extra payment is one more instalment of C's decision, from the reserve.
    extra = Instalment.objects.get(decision=decision)
    assert (extra.amount, extra.status) == (EXTRA, InstalmentStatus.DUE)
    assert extra.due_on == DECIDED_ON + datetime.timedelta(weeks=4)
    assert decision.amount + record.extra == extra.amount  # awarded + extra = paid + still due

    # Nothing else of the run changed: its decisions, its letters (every version, byte for byte).
    assert decisions_as_sent(run) == decisions_before
    assert letters_as_stored(run) == letters_before and letters_of(run) == letter_bytes_before
    assert instalments_of_others(run, decision) == others_instalments
    # The original run still verifies, and so does the re-run.
    client = api(approver)
    verified = ok(client.post(f"/api/v1/allocation-runs/{run.pk}/verify/")).json()
    assert verified["ok"] and verified["hash_ok"], verified
    checked = ok(client.post(f"/api/v1/reconsiderations/{record.pk}/verify/")).json()
    assert checked["ok"], checked
    assert Reconsideration.objects.filter(run=run).count() == 1
    # The municipality sees the whole case.
    with on(DECIDED_ON, 14):
        seen = ok(page(officer).get(reverse("objection_detail", args=[case.pk]))).content.decode()
    assert case.number in seen and "Gegrond" in seen
    assert "allocations.runs.tasks.execute_run" in worker.output()
