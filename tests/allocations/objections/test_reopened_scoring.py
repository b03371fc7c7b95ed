"""The reopened scoring of an objection (Awb 7:11): new reviews by reviewers who did not score the application
before, stored apart from the original ones; the breakdown recomputed by the call's own points rules (the one
``points.compute``); its points a correction whose source the reconsideration records, so that on the demo's
tie the objector's re-run rank changes while the original reviews, the run and its verification stay as they
were."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.audit_log import AuditEvent
from accounts.models import Indicator, IndicatorValue
from accounts.workflow import SamePerson, TransitionNotAllowed
from allocations.objections import rescoring, services
from allocations.objections.rescoring_models import ReopenedScoring, Rescore, RescoreScore
from allocations.runs import reconsideration_services
from allocations.runs import services as run_services
from allocations.runs.models import Decision, RunSnapshot
from applications.assessment import points
from applications.models import Criterion, NeedBand, PointsBreakdown, Review, ReviewAssignment, ReviewScore
from tests.allocations.objections.conftest import at
from tests.allocations.runs.conftest import final_run_of, start  # noqa: F401 - fixtures
from tests.allocations.runs.reconsideration_builders import tie_call
from tests.factories import OfficerFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

RECEIVED = datetime.date(2027, 4, 1)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def tie(final_run_of):  # noqa: F811 - the fixture imported above
    """The demo's tie, final and sent: C (68 points, need 4) lost the tie at the cut-off to B and got nothing."""
    call, a, b, c = tie_call()
    run = final_run_of(call)
    return run, a, b, c


@pytest.fixture
def rules(tie):
    """The call's points rules as C's stored points came from them: one criterion (weight 8, 1–10) and a need
    band that gives C its 4 points."""
    _run, _a, _b, c = tie
    criterion = Criterion.objects.create(call=c.call, name="Kwaliteit", weight=Decimal("8.00"), scale_max=10)
    indicator = Indicator.objects.create(code="armoede-bezwaar", name="Armoede")
    NeedBand.objects.create(call=c.call, indicator=indicator, threshold=Decimal("0"), points=Decimal("4.00"))
    IndicatorValue.objects.create(indicator=indicator, municipality=c.municipality, year=2024, value=Decimal("12.5"))
    return criterion


@pytest.fixture
def first_reviewer(tie, rules, administrator):
    """The reviewer who scored C in the assessment."""
    _run, _a, _b, c = tie
    reviewer = ReviewerFactory(email="eerder@minvro.nl")
    assignment = ReviewAssignment.objects.create(application=c, reviewer=reviewer, assigned_by=administrator)
    review = Review.objects.create(assignment=assignment, status=Review.Status.SUBMITTED, submitted_at=timezone.now())
    ReviewScore.objects.create(review=review, criterion=rules, score=8, motivation="Goed plan.")
    return reviewer


@pytest.fixture
def case(tie, administrator, first_reviewer):
    """C objects by e-mail in time; the hearing is waived (7:3 e): the case is open and ready."""
    run, _a, _b, c = tie
    decision = Decision.objects.get(run=run, application=c)
    case = services.register_objection(
        decision=decision,
        by=administrator,
        objector=c.municipality,
        channel="email",
        received_on=RECEIVED,
        grounds="De beoordelaar heeft het plan verkeerd gelezen.",
        now=at(RECEIVED),
    )
    return services.waive_hearing(
        case=case, by=administrator, ground="e", reason="Aan het bezwaar wordt volledig tegemoetgekomen."
    )


@pytest.fixture
def new_reviewers(db):
    return ReviewerFactory(email="nieuw1@minvro.nl"), ReviewerFactory(email="nieuw2@minvro.nl")


def _score(rescore: Rescore, score: int, criterion: Criterion) -> Rescore:
    rescoring.save_rescore(
        rescore=rescore,
        by=rescore.reviewer,
        scores={criterion.pk: {"score": score, "motivation": "Herlezen."}},
        overall_comment="Opnieuw bekeken.",
    )
    return rescoring.submit_rescore(rescore=rescore, by=rescore.reviewer)


def _recomputed(case, administrator, new_reviewers, rules) -> ReopenedScoring:
    scoring = rescoring.reopen_scoring(case=case, by=administrator, reason="De gronden van het bezwaar.")
    for reviewer, score in zip(new_reviewers, (8, 9), strict=True):
        _score(rescoring.assign_rescorer(scoring=scoring, reviewer=reviewer, by=administrator), score, rules)
    scoring.refresh_from_db()
    return scoring


def _originals(application) -> dict:
    """What the assessment and the run stored: must not change."""
    return {
        "reviews": sorted(Review.objects.filter(assignment__application=application).values_list()),
        "scores": sorted(ReviewScore.objects.filter(review__assignment__application=application).values_list()),
        "assignments": sorted(ReviewAssignment.objects.filter(application=application).values_list()),
        "points": sorted(PointsBreakdown.objects.filter(application=application).values_list()),
        "snapshots": sorted(RunSnapshot.objects.values_list("run_id", "sha256")),
    }


# --- who may score it again -----------------------------------------------------------------------------------


def test_a_reviewer_who_scored_the_application_before_is_refused_and_nothing_changes(
    case, administrator, first_reviewer
):
    scoring = rescoring.reopen_scoring(case=case, by=administrator, reason="De gronden van het bezwaar.")
    events = AuditEvent.objects.count()
    with pytest.raises(SamePerson) as refused:
        rescoring.assign_rescorer(scoring=scoring, reviewer=first_reviewer, by=administrator)
    assert refused.value.status_code == 403 and "al eerder beoordeeld" in str(refused.value)
    assert not scoring.rescores.exists() and AuditEvent.objects.count() == events

    # The page and the API say the same, as a 403, and offer only the others.
    page = _client(administrator).get(reverse("objection_rescoring", args=[case.pk]))
    assert page.status_code == 200 and first_reviewer.display_name.encode() not in page.content
    answer = _client(administrator).post(
        reverse("rescoring_assign", args=[scoring.pk]), {"toewijzen-reviewer": first_reviewer.pk}
    )
    assert answer.status_code == 403 and "al eerder beoordeeld" in answer.content.decode()
    answer = _api(administrator).post(
        reverse("api-reopened-scoring-assign", args=[scoring.pk]), {"reviewer": first_reviewer.pk}, format="json"
    )
    assert answer.status_code == 403 and "al eerder beoordeeld" in answer.json()["detail"]
    assert not scoring.rescores.exists()


def test_a_reviewer_refused_in_english_too(case, administrator, first_reviewer):
    scoring = rescoring.reopen_scoring(case=case, by=administrator, reason="De gronden van het bezwaar.")
    answer = _api(administrator).post(
        reverse("api-reopened-scoring-assign", args=[scoring.pk]),
        {"reviewer": first_reviewer.pk},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 403 and "already scored" in answer.json()["detail"]


def test_a_reviewer_who_scored_in_an_earlier_reopened_scoring_is_refused(case, administrator, new_reviewers, rules):
    first = _recomputed(case, administrator, new_reviewers, rules)
    second = rescoring.reopen_scoring(case=case, by=administrator, reason="Nog eens.")
    assert second.pk != first.pk
    with pytest.raises(SamePerson):
        rescoring.assign_rescorer(scoring=second, reviewer=new_reviewers[0], by=administrator)


def test_only_an_open_case_without_a_decision_awaiting_approval_is_reopened(case, administrator):
    rescoring.reopen_scoring(case=case, by=administrator, reason="De gronden.")
    with pytest.raises(TransitionNotAllowed, match="al heropend"):
        rescoring.reopen_scoring(case=case, by=administrator, reason="Nog eens.")
    with pytest.raises(ValidationError):
        rescoring.reopen_scoring(case=case, by=administrator, reason="  ")
    services.withdraw(case=case, by=administrator)
    with pytest.raises(TransitionNotAllowed) as refused:
        rescoring.reopen_scoring(case=case, by=administrator, reason="Te laat.")
    assert refused.value.status_code == 409


# --- the recomputed breakdown ----------------------------------------------------------------------------------


def test_the_breakdown_is_recomputed_with_the_calls_own_points_function(case, administrator, new_reviewers, rules):
    c = case.decision.application
    with mock.patch.object(points, "compute", wraps=points.compute) as compute:
        scoring = _recomputed(case, administrator, new_reviewers, rules)
    assert compute.call_count == 1
    assert compute.call_args.kwargs["criteria"] == points.criteria_from(c.call, {rules.pk: [Decimal(8), Decimal(9)]})
    expected = points.compute(c, criteria=points.criteria_from(c.call, {rules.pk: [Decimal(8), Decimal(9)]}))
    # Mean 8.5 × weight 8 = 68; the need band gives 4, as it did; no bonus.
    assert (
        (scoring.reviewer_score, scoring.need_score, scoring.bonus_score, scoring.total)
        == (
            expected.reviewer_score,
            expected.need_score,
            expected.bonus_score,
            expected.total,
        )
        == (Decimal("68.00"), Decimal("4.00"), Decimal("0.00"), Decimal("72.00"))
    )
    assert not scoring.is_open and rescoring.check_scoring(scoring)
    assert scoring.breakdown["review_count"] == 2


def test_the_breakdown_waits_for_the_calls_number_of_reviews(case, administrator, new_reviewers, rules):
    scoring = rescoring.reopen_scoring(case=case, by=administrator, reason="De gronden.")
    one = rescoring.assign_rescorer(scoring=scoring, reviewer=new_reviewers[0], by=administrator)
    _score(one, 9, rules)
    scoring.refresh_from_db()
    assert scoring.is_open and scoring.total is None  # two reviewers per application (the call's default)
    with pytest.raises(TransitionNotAllowed):
        rescoring.correction_of(scoring)


def test_the_original_reviews_points_and_run_stay_as_they_were(tie, case, administrator, new_reviewers, rules):
    run, _a, _b, c = tie
    before = _originals(c)
    scoring = _recomputed(case, administrator, new_reviewers, rules)
    record = rescoring.reconsider_with_scoring(case=case, scoring=scoring, by=administrator, reason="Nieuwe punten.")
    assert _originals(c) == before
    assert RescoreScore.objects.filter(rescore__scoring=scoring).count() == 2  # apart from the original scores
    assert run_services.verify_run(run=run, by=administrator).ok
    assert reconsideration_services.verify(reconsideration_record=record, by=administrator).ok


# --- into the reconsideration ---------------------------------------------------------------------------------


def test_the_points_flow_into_the_reconsideration_with_their_source_and_win_the_tie(
    tie, case, administrator, new_reviewers, rules
):
    _run, _a, b, c = tie
    scoring = _recomputed(case, administrator, new_reviewers, rules)
    record = rescoring.reconsider_with_scoring(
        case=case, scoring=scoring, by=administrator, reason="Nieuwe punten.", corrections={"requested": 3_000_000}
    )
    assert record.corrections["points"] == {"reviewer_score": "68.00", "need_score": "4.00", "bonus_score": "0.00"}
    assert record.corrections["requested"] == 3_000_000  # the other corrections stay possible
    assert record.sources == {"points": {"reopened_scoring": scoring.pk, "sha256": scoring.sha256}}
    result = record.result
    # C was third on the tie with B (68 each, B first on need); at 72 points it is second, before B.
    assert (result["old"]["rank"], result["new"]["rank"]) == (3, 2)
    assert result["new"]["awarded"] > result["old"]["awarded"] == 0
    others = {line["application"]: line for line in result["lines"]}
    assert others[b.pk]["unchanged"] and others[b.pk]["old"]["rank"] == 2
    case.refresh_from_db()
    assert case.reconsideration_id == record.pk
    # The source is part of the inputs' hash: the same corrections without it hash differently.
    assert record.sha256 != reconsideration_services.inputs_sha256(
        snapshot_sha256=record.snapshot_sha256,
        application=c.pk,
        corrections=record.corrections,
        engine_version=record.engine_version,
        reserve_used_before=0,
    )
    assert reconsideration_services.verify(reconsideration_record=record, by=administrator).ok
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {
        "objection.scoring_reopened",
        "objection.rescorer_assigned",
        "objection.rescore_saved",
        "objection.rescore_submitted",
        "objection.scoring_recomputed",
        "allocation_run.reconsidered",
        "objection.reconsideration_attached",
    } <= verbs


def test_points_typed_by_hand_beside_the_scorings_are_refused(case, administrator, new_reviewers, rules):
    scoring = _recomputed(case, administrator, new_reviewers, rules)
    with pytest.raises(ValidationError) as refused:
        rescoring.reconsider_with_scoring(
            case=case,
            scoring=scoring,
            by=administrator,
            reason="x",
            corrections={"points": {"reviewer_score": "70.00"}},
        )
    assert "points" in refused.value.message_dict and not case.decision.run.reconsiderations.exists()


def test_the_reconsideration_page_takes_the_scorings_points(tie, case, administrator, new_reviewers, rules):
    run, _a, _b, c = tie
    scoring = _recomputed(case, administrator, new_reviewers, rules)
    client = _client(administrator)
    url = f"{reverse('run_reconsider', args=[run.pk])}?bezwaar={case.pk}"
    form = client.get(reverse("run_reconsider", args=[run.pk]), {"aanvraag": c.pk, "bezwaar": case.pk})
    assert form.status_code == 200 and b"heroverweging-use_scoring" in form.content
    answer = client.post(
        url,
        {
            "heroverweging-application": c.pk,
            "heroverweging-use_scoring": "on",
            "heroverweging-eligible": "",
            "heroverweging-reason": "De punten van de nieuwe beoordelingen.",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[-3000:]
    case.refresh_from_db()
    assert case.reconsideration.sources["points"]["reopened_scoring"] == scoring.pk
    page = client.get(reverse("reconsideration_detail", args=[case.reconsideration_id]))
    assert f"heropende beoordeling {scoring.pk}".encode() in page.content


# --- pages, queue and API --------------------------------------------------------------------------------------


def test_staff_see_the_scoring_and_reviewers_fill_in_the_usual_form_from_their_queue(
    case, administrator, new_reviewers, rules
):
    staff = _client(administrator)
    assert b"Heropende beoordeling" in staff.get(reverse("objection_detail", args=[case.pk])).content
    answer = staff.post(reverse("objection_rescoring", args=[case.pk]), {"heropenen-reason": "De gronden."})
    assert answer.status_code == 302
    scoring = ReopenedScoring.objects.get(case=case)
    for reviewer in new_reviewers:
        answer = staff.post(reverse("rescoring_assign", args=[scoring.pk]), {"toewijzen-reviewer": reviewer.pk})
        assert answer.status_code == 302
    page = staff.get(reverse("objection_rescoring", args=[case.pk]))
    assert page.status_code == 200
    assert all(r.display_name.encode() in page.content for r in new_reviewers)

    reviewer = new_reviewers[0]
    rescore = Rescore.objects.get(scoring=scoring, reviewer=reviewer)
    own = _client(reviewer)
    queue = own.get(reverse("review_queue"))
    assert reverse("rescore_detail", args=[rescore.pk]).encode() in queue.content
    assert reverse("rescore_detail", args=[rescore.pk]).encode() in own.get(reverse("home")).content
    form = own.get(reverse("rescore_detail", args=[rescore.pk]))
    assert form.status_code == 200 and f"score_{rules.pk}".encode() in form.content
    refused = own.post(reverse("rescore_detail", args=[rescore.pk]), {"actie": "indienen", "confirm": "on"})
    assert refused.status_code == 400 and "Kwaliteit" in refused.content.decode()  # the usual form's errors
    answer = own.post(
        reverse("rescore_detail", args=[rescore.pk]),
        {"actie": "indienen", "confirm": "on", f"score_{rules.pk}": "9", f"motivering_{rules.pk}": "Sterk plan."},
    )
    assert answer.status_code == 302
    rescore.refresh_from_db()
    assert rescore.submitted and rescore.scores.get().score == 9
    # The other new reviewer's review is not theirs: not found.
    other = Rescore.objects.get(scoring=scoring, reviewer=new_reviewers[1])
    assert own.get(reverse("rescore_detail", args=[other.pk])).status_code == 404

    _score(other, 8, rules)
    page = staff.get(reverse("objection_rescoring", args=[case.pk]))
    assert b"72.00" in page.content or b"72,00" in page.content  # the new total beside the old 68
    assert "klopt met de vastgelegde puntenopbouw" in page.content.decode()
    staff.cookies["django_language"] = "en"
    english = staff.get(reverse("objection_rescoring", args=[case.pk])).content.decode()
    assert "Score again (Awb 7:11)" in english and "matches the recorded points breakdown" in english
    del staff.cookies["django_language"]
    summary = staff.get(reverse("objection_detail", args=[case.pk])).content.decode()
    assert "Totaal 68,00 bij het besluit, 72,00 herberekend" in summary and new_reviewers[1].display_name in summary


def test_officers_and_reviewers_may_not_reopen(case, administrator, officer, reviewer):
    scoring = rescoring.reopen_scoring(case=case, by=administrator, reason="De gronden.")
    objector = OfficerFactory(municipality=case.objector)
    # The objector's officer sees the case but not the staff's work on it: a 403; another officer: a 404.
    assert _client(objector).get(reverse("objection_rescoring", args=[case.pk])).status_code == 403
    assert _client(officer).get(reverse("objection_rescoring", args=[case.pk])).status_code == 404
    assert _client(reviewer).get(reverse("objection_rescoring", args=[case.pk])).status_code == 403
    assert _api(objector).get(reverse("api-reopened-scoring", args=[scoring.pk])).status_code == 403
    assert _api(officer).get(reverse("api-reopened-scoring", args=[scoring.pk])).status_code == 404
    events = AuditEvent.objects.count()
    answer = _client(objector).post(reverse("objection_rescoring", args=[case.pk]), {"heropenen-reason": "x"})
    assert answer.status_code == 403 and AuditEvent.objects.count() == events
    with pytest.raises(PermissionDenied):
        rescoring.reopen_scoring(case=case, by=reviewer, reason="x")
    with pytest.raises(PermissionDenied):
        rescoring.assign_rescorer(scoring=scoring, reviewer=reviewer, by=objector)


def test_the_api_reopens_assigns_and_shows_old_beside_new(case, administrator, new_reviewers, rules):
    client = _api(administrator)
    url = reverse("api-objection-reopened-scorings", args=[case.pk])
    assert client.post(url, {"reason": ""}, format="json").status_code == 400
    created = client.post(url, {"reason": "De gronden."}, format="json")
    assert created.status_code == 201, created.json()
    assert client.post(url, {"reason": "Nog eens."}, format="json").status_code == 409
    pk = created.json()["id"]
    for reviewer in new_reviewers:
        answer = client.post(
            reverse("api-reopened-scoring-assign", args=[pk]), {"reviewer": reviewer.pk}, format="json"
        )
        assert answer.status_code == 201, answer.json()
    for rescore, score in zip(Rescore.objects.filter(scoring_id=pk).order_by("pk"), (8, 9), strict=True):
        _score(rescore, score, rules)
    body = client.get(reverse("api-reopened-scoring", args=[pk])).json()
    assert body["is_open"] is False and body["total"] == "72.00" and len(body["rescores"]) == 2
    total = next(row for row in body["compared"] if row["kind"] == "sum" and row["label"] == "Totaal")
    assert (total["old"], total["new"]) == ("68.00", "72.00")
    listed = client.get(url).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == pk
    late = client.post(
        reverse("api-reopened-scoring-assign", args=[pk]), {"reviewer": ReviewerFactory().pk}, format="json"
    )
    assert late.status_code == 409


def test_the_api_takes_the_scorings_points_into_the_reconsideration(case, administrator, new_reviewers, rules):
    client = _api(administrator)
    scoring = rescoring.reopen_scoring(case=case, by=administrator, reason="De gronden.")
    url = reverse("api-reopened-scoring-reconsider", args=[scoring.pk])
    assert client.post(url, {"reason": "Te vroeg."}, format="json").status_code == 409  # the reviews are not in
    for reviewer, score in zip(new_reviewers, (8, 9), strict=True):
        _score(rescoring.assign_rescorer(scoring=scoring, reviewer=reviewer, by=administrator), score, rules)
    answer = client.post(url, {"reason": "Nieuwe punten."}, format="json")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["sources"]["points"]["reopened_scoring"] == scoring.pk
    assert (body["old"]["rank"], body["new"]["rank"]) == (3, 2)
    case.refresh_from_db()
    assert case.reconsideration_id == body["id"]


def test_the_review_queue_costs_the_same_however_many_new_reviews(
    case, administrator, new_reviewers, rules, count_queries
):
    reviewer = new_reviewers[0]
    scoring = rescoring.reopen_scoring(case=case, by=administrator, reason="De gronden.")
    rescoring.assign_rescorer(scoring=scoring, reviewer=reviewer, by=administrator)
    client = _client(reviewer)
    few = count_queries(client, reverse("review_queue"), warm=True)
    for n in range(3):  # earlier, recomputed scorings of the same case, each with a review of this reviewer
        extra = ReopenedScoring.objects.create(
            case=case,
            application=scoring.application,
            reason=f"Extra {n}",
            opened_by=administrator,
            closed_at=timezone.now(),
        )
        Rescore.objects.create(scoring=extra, reviewer=reviewer, assigned_by=administrator)
    assert count_queries(client, reverse("review_queue")) == few


def test_a_new_review_is_not_submitted_once_the_case_is_closed(case, administrator, new_reviewers, rules):
    scoring = rescoring.reopen_scoring(case=case, by=administrator, reason="De gronden.")
    rescore = rescoring.assign_rescorer(scoring=scoring, reviewer=new_reviewers[0], by=administrator)
    services.withdraw(case=case, by=administrator)
    with pytest.raises(TransitionNotAllowed) as refused:
        _score(rescore, 9, rules)
    assert refused.value.status_code == 409 and not RescoreScore.objects.exists()
