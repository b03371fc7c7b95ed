"""An objection end to end on PostgreSQL with a real worker (issue 20), on the demo's tie: the run divided by the
worker and approved by a second administrator, its letters made by the worker and sent; the municipality that lost
the tie objects in the portal and the worker sends the acknowledgement; a hearing; its scoring reopened and
scored again by two reviewers who did not score it before; the re-run on the run's frozen snapshot with the new
points; the decision on the objection prepared by one administrator and, after the same one is refused, approved
by another; the worker sends it with the appeal clause, and the old letter is marked as revoked; the extra money
is scheduled as one more instalment. Afterwards every decision and letter of the run is unchanged, byte for byte,
the run still verifies and so does the re-run.

The worker keeps the real clock and dates what it sends by it, so the case is handled today: the letters were
sent on the last working day up to today (the clock moved back for that step only), the objection comes in
today, and the hearing is planned and held today.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Indicator, IndicatorValue, Role, User
from allocations.letters.deadlines import local_today
from allocations.letters.models import Letter
from allocations.objections.deadlines import appeal_term_end, objection_term_end
from allocations.objections.letter_models import LetterKind, ObjectionLetter
from allocations.objections.models import CaseOutcome, CaseStatus, ObjectionCase
from allocations.objections.rescoring_models import ReopenedScoring, Rescore
from allocations.payments.models import Instalment, InstalmentStatus
from allocations.runs.models import AllocationRun, Decision
from allocations.runs.reconsideration_models import Reconsideration
from applications.models import (
    Application,
    Criterion,
    NeedBand,
    PointsBreakdown,
    Review,
    ReviewAssignment,
    ReviewScore,
)
from tests.allocations.runs.reconsideration_builders import tie_call
from tests.allocations.worker_story import (
    api,
    delivered,
    letters_of,
    long_date,
    ok,
    page,
    printed,
    send_award_letters,
    working_day_until,
)
from tests.factories import AdministratorFactory, ReviewerFactory
from tests.worker import wait_for

pytestmark = pytest.mark.worker

EXTRA = Decimal("18000.00")  # C, rescored above B, gets the € 18.000 B kept (B keeps them): paid from the reserve
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


def assessment_of(application: Application) -> tuple[list, list]:
    """What the assessment stored for the application: its reviews' scores and its points breakdown."""
    scores = ReviewScore.objects.filter(review__assignment__application=application).order_by("pk")
    breakdown = PointsBreakdown.objects.filter(application=application).order_by("pk")
    return list(scores.values_list()), list(breakdown.values_list())


def instalments_of_others(run: AllocationRun, objected: Decision) -> list[tuple]:
    return list(
        Instalment.objects.filter(decision__run=run)
        .exclude(decision=objected)
        .order_by("reference")
        .values_list("reference", "amount", "due_on", "status")
    )


# --- What the story reads ----------------------------------------------------------------------------------
def assessed(c: Application, *, by: User) -> tuple[Criterion, User]:
    """C's assessment as its stored points came from it: the call's one criterion (weight 8, scored 1–10), which
    its first reviewer scored 8 (64 points), and a need band that gives it 4."""
    criterion = Criterion.objects.create(call=c.call, name="Kwaliteit", weight=Decimal("8.00"), scale_max=10)
    indicator = Indicator.objects.create(code="armoede-bezwaar", name="Armoede")
    NeedBand.objects.create(call=c.call, indicator=indicator, threshold=Decimal("0"), points=Decimal("4.00"))
    IndicatorValue.objects.create(indicator=indicator, municipality=c.municipality, year=2024, value=Decimal("12.5"))
    first = ReviewerFactory(email="eerste.beoordelaar@minvro.nl")
    assignment = ReviewAssignment.objects.create(application=c, reviewer=first, assigned_by=by)
    review = Review.objects.create(assignment=assignment, status=Review.Status.SUBMITTED, submitted_at=timezone.now())
    ReviewScore.objects.create(review=review, criterion=criterion, score=8, motivation="Goed plan.")
    return criterion, first


def sent_letter(case: ObjectionCase, kind: str, worker) -> tuple[ObjectionLetter, str]:
    """The case's letter of ``kind`` once the worker has made and sent it, dated today: its row and printed text."""
    wait_for(
        lambda: ObjectionLetter.objects.filter(case=case, kind=kind, sent_at__isnull=False).exists(),
        timeout=90,
        worker=worker,
        what=f"the worker to send the {kind} letter of {case.number}",
    )
    letter = ObjectionLetter.objects.get(case=case, kind=kind, sent_at__isnull=False)
    with letter.file.open("rb") as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == letter.sha256 and data.startswith(b"%PDF-")
    assert letter.letter_date == local_today()  # dated by the day the worker sent it
    return letter, printed(data)


# --- The steps ---------------------------------------------------------------------------------------------
def divided_and_sent(call, *, starter: User, approver: User, send_on: datetime.date, worker) -> AllocationRun:
    """The run, computed by the worker, approved by a second administrator (the starter is refused), its letters
    made by the worker and sent on ``send_on``."""
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
    send_award_letters(run, by=starter, send_on=send_on, worker=worker)
    return run


def officer_objects(officer: User, decision: Decision) -> ObjectionCase:
    """The officer opens "Bezwaar maken" from the decision, sees the last day of the term, and lodges the grounds."""
    url = reverse("objection_lodge", args=[decision.application_id])
    client = page(officer)
    form = ok(client.get(url)).content.decode()
    assert long_date(objection_term_end(local_today(decision.sent_at))) in form
    answer = ok(client.post(url, {"grounds": GROUNDS}), 302)
    case = ObjectionCase.objects.get(decision=decision)
    assert answer["Location"] == reverse("objection_detail", args=[case.pk])
    assert case.number in ok(client.get(answer["Location"])).content.decode()
    assert (case.status, case.is_timely, case.received_on, case.lodged_by) == (
        CaseStatus.RECEIVED,
        True,
        local_today(),
        officer,
    )
    return case


def acknowledged(case: ObjectionCase, officer: User, worker) -> None:
    """The worker sends the acknowledgement of receipt (Awb 6:14) with the decision term, and e-mails the officer."""
    _letter, text = sent_letter(case, LetterKind.ACKNOWLEDGEMENT, worker)
    assert case.number in text and case.decision.number in text
    assert long_date(case.decision_term_end) in text  # six weeks after the objection term (Awb 7:10)
    delivered(worker, to=officer.email, containing=f"{case.number}: Ontvangstbevestiging")


def step(user: User, case: ObjectionCase, slug: str, data: dict | None = None):
    """One step of the handling, posted on the case page."""
    fields = {f"{slug}-{name}": value for name, value in (data or {}).items()}
    return page(user).post(reverse("objection_step", args=[case.pk, slug]), fields)


def hearing(admin: User, case: ObjectionCase, competitor: Application) -> None:
    """Planned with the competitor whose award could change as an interested party (Awb 7:2), then held."""
    today = local_today().strftime("%d-%m-%Y")
    ok(step(admin, case, "hoorzitting", {"on": today, "invited": [competitor.municipality_id]}), 302)
    ok(step(admin, case, "gehoord", {"held_on": today, "notes": "De gemeente lichtte de telfout toe."}), 302)
    case.refresh_from_db()
    assert (case.status, case.hearing_held_on) == (CaseStatus.READY, local_today())
    assert set(case.invited.values_list("pk", flat=True)) == {case.objector_id, competitor.municipality_id}


def rescored(admin: User, case: ObjectionCase, criterion: Criterion, first: User, new: list[User]):
    """The staff reopen C's scoring (Awb 7:11); its first reviewer may not score it again; two others score it on
    the usual form, and the last one in recomputes the breakdown by the call's own points rules."""
    staff = page(admin)
    ok(staff.post(reverse("objection_rescoring", args=[case.pk]), {"heropenen-reason": GROUNDS}), 302)
    scoring = ReopenedScoring.objects.get(case=case)
    assign = reverse("rescoring_assign", args=[scoring.pk])
    refused = staff.post(assign, {"toewijzen-reviewer": first.pk})
    assert refused.status_code == 403 and "al eerder beoordeeld" in refused.content.decode()
    assert not Rescore.objects.filter(reviewer=first).exists()
    for reviewer, score in zip(new, (8, 9), strict=True):
        ok(staff.post(assign, {"toewijzen-reviewer": reviewer.pk}), 302)
        rescore = Rescore.objects.get(scoring=scoring, reviewer=reviewer)
        own = page(reviewer)
        assert reverse("rescore_detail", args=[rescore.pk]).encode() in ok(own.get(reverse("review_queue"))).content
        fields = {
            "actie": "indienen",
            "confirm": "on",
            f"score_{criterion.pk}": str(score),
            f"motivering_{criterion.pk}": "Opnieuw gelezen na het bezwaar.",
        }
        ok(own.post(reverse("rescore_detail", args=[rescore.pk]), fields), 302)
    scoring.refresh_from_db()
    assert not scoring.is_open
    assert (scoring.reviewer_score, scoring.need_score) == (Decimal("68.00"), Decimal("4.00"))  # 8.5 × 8, and 4
    return scoring


def rerun_on_the_frozen_snapshot(
    admin: User, case: ObjectionCase, run: AllocationRun, c: Application, b: Application, scoring: ReopenedScoring
) -> Reconsideration:
    """ "Herberekenen" from the case: the run's stored snapshot with only C's points from its reopened scoring."""
    url = f"{reverse('run_reconsider', args=[run.pk])}?bezwaar={case.pk}"
    fields = {
        "heroverweging-application": c.pk,
        "heroverweging-use_scoring": "on",
        "heroverweging-eligible": "",
        "heroverweging-reason": "De punten van de nieuwe beoordelingen, na de hoorzitting.",
    }
    ok(page(admin).post(url, fields), 302)
    case.refresh_from_db()
    record = case.reconsideration
    assert record is not None and (record.run_id, record.application_id) == (run.pk, c.pk)
    assert (record.old_amount, record.extra, record.from_reserve, record.on_top) == (0, EXTRA, EXTRA, 0)
    assert record.snapshot_sha256 == run.input_hash
    assert record.corrections["points"] == {"reviewer_score": "68.00", "need_score": "4.00", "bonus_score": "0.00"}
    assert record.sources["points"]["reopened_scoring"] == scoring.pk
    assert (record.result["old"]["rank"], record.result["new"]["rank"]) == (3, 2)
    # What the re-run would have meant for B (it would lose the € 18.000 C now gets): shown, not done.
    b_line = next(line for line in record.result["lines"] if line["application"] == b.pk)
    assert b_line["old"]["awarded"] == 1_800_000 and b_line["rerun"]["awarded"] < b_line["old"]["awarded"]
    return record


def ruling_sent(case: ObjectionCase, decision: Decision, officer: User, worker) -> str:
    """The worker sends the decision on the objection: it revokes the old decision and takes the new one, pays the
    difference, and ends with the appeal clause and its last day; the old letter stays, marked as revoked."""
    letter, text = sent_letter(case, LetterKind.DECISION, worker)
    case.refresh_from_db()
    assert case.ruling_number and case.ruling_number in text
    assert f"Ik herroep beschikking {decision.number}" in text
    assert "€ 18.000,00 (achttienduizend euro)" in text
    assert "beroep instellen bij" in text and "rechtbank" in text.lower()  # the appeal clause (Awb 8:1, 6:7)
    assert long_date(appeal_term_end(letter.letter_date)) in text
    delivered(worker, to=officer.email, containing=f"{case.number}: Beslissing op bezwaar")
    listed = ok(api(officer).get(f"/api/v1/applications/{decision.application_id}/letters/")).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert rows and all(row["revoked_by"] == case.ruling_number for row in rows)
    return text


def decide_with_four_eyes(preparer: User, approver: User, case: ObjectionCase) -> None:
    """Founded, prepared by one administrator; the same one is refused the approval, another gives it."""
    outcome = {"outcome": CaseOutcome.FOUNDED, "reason": "De punten waren verkeerd opgeteld; C gaat B voor."}
    ok(step(preparer, case, "uitkomst", outcome), 302)
    case.refresh_from_db()
    assert case.awaits_approval and case.prepared_by == preparer
    refused = step(preparer, case, "goedkeuren")
    assert refused.status_code == 403 and "vier-ogenprincipe" in refused.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.READY and not Instalment.objects.filter(decision=case.decision).exists()
    ok(step(approver, case, "goedkeuren"), 302)
    case.refresh_from_db()
    assert (case.status, case.outcome, case.decided_by) == (CaseStatus.CLOSED, CaseOutcome.FOUNDED, approver)


# --- The story ---------------------------------------------------------------------------------------------
def test_an_objection_on_a_tie_from_the_portal_to_the_extra_payment(celery_worker_process):
    worker = celery_worker_process
    starter = AdministratorFactory(email="beheer@minvro.nl")  # divides, handles the case and prepares its decision
    approver = AdministratorFactory(email="beheer2@minvro.nl")

    # 1. A sent decision: the tie (A 81 points; B and C 68 each, B first on need) divided and sent; C got nothing.
    call, _a, b, c = tie_call()
    sent_on = working_day_until(local_today())
    run = divided_and_sent(call, starter=starter, approver=approver, send_on=sent_on, worker=worker)
    decision = Decision.objects.get(run=run, application=c)
    assert (decision.amount, Decision.objects.get(run=run, application=b).amount) == (0, EXTRA)
    officer = User.objects.get(role=Role.OFFICER, municipality=c.municipality)
    delivered(worker, to=officer.email, containing=decision.number)
    criterion, first_reviewer = assessed(c, by=starter)
    decisions_before, letters_before = decisions_as_sent(run), letters_as_stored(run)
    letter_bytes_before = letters_of(run)
    others_instalments = instalments_of_others(run, decision)
    assessment_before = assessment_of(c)

    # 2. The officer objects in the portal, in time, and the worker sends the acknowledgement.
    case = officer_objects(officer, decision)
    acknowledged(case, officer, worker)

    # 3. A hearing, with B invited: its award could change.
    hearing(starter, case, b)

    # 4. C's scoring reopened and scored again by two reviewers who did not score it before.
    new_reviewers = [ReviewerFactory(email="tweede@minvro.nl"), ReviewerFactory(email="derde@minvro.nl")]
    scoring = rescored(starter, case, criterion, first_reviewer, new_reviewers)

    # 5. The re-run on the run's frozen snapshot, with the new points.
    record = rerun_on_the_frozen_snapshot(starter, case, run, c, b, scoring)

    # 6. Founded: prepared by one administrator, approved by another.
    decide_with_four_eyes(starter, approver, case)

    # 7. The worker sends the decision on the objection, with the appeal clause; the old letter is revoked.
    ruling = ruling_sent(case, decision, officer, worker)

    # 8. The extra payment is one more instalment of C's decision, from the reserve.
    extra = Instalment.objects.get(decision=decision)
    assert (extra.amount, extra.status) == (EXTRA, InstalmentStatus.DUE)
    assert extra.due_on == local_today() + datetime.timedelta(weeks=4)
    assert decision.amount + record.extra == extra.amount  # awarded + extra = paid + still due
    assert extra.reference in ruling and long_date(extra.due_on) in ruling  # as the decision on the objection says

    # Nothing else of the run changed: its decisions, its letters (every version, byte for byte), its instalments,
    # and C's original assessment.
    assert decisions_as_sent(run) == decisions_before
    assert letters_as_stored(run) == letters_before and letters_of(run) == letter_bytes_before
    assert instalments_of_others(run, decision) == others_instalments
    assert assessment_of(c) == assessment_before  # the new reviews stand apart from the original one
    # The original run still verifies, and so does the re-run.
    client = api(approver)
    verified = ok(client.post(f"/api/v1/allocation-runs/{run.pk}/verify/")).json()
    assert verified["ok"] and verified["hash_ok"], verified
    checked = ok(client.post(f"/api/v1/reconsiderations/{record.pk}/verify/")).json()
    assert checked["ok"], checked
    assert Reconsideration.objects.filter(run=run).count() == 1
    # The municipality sees the whole case.
    seen = ok(page(officer).get(reverse("objection_detail", args=[case.pk]))).content.decode()
    assert case.number in seen and "Gegrond" in seen
    assert "allocations.runs.tasks.execute_run" in worker.output()
    assert "allocations.objections.tasks.send_objection_letter" in worker.output()
