"""Assessment services: assignment (by hand and balanced), conflicts of interest, locked reviews,
reopening, and the points stored when reviewing is complete."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from accounts.models import AuditEvent, IndicatorValue
from accounts.workflow import TransitionNotAllowed
from applications.assessment import points
from applications.assessment import services as assessment
from applications.models import BonusRule, NeedBand, PointsBreakdown, ReviewAssignment, ReviewScore, Status
from tests.factories import (
    CriterionFactory,
    MembershipFactory,
    NetworkFactory,
    OfficerFactory,
    ReviewerFactory,
    submitted_application,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(officer):
    return submitted_application(officer)


@pytest.fixture
def criteria(application):
    return [
        CriterionFactory(call=application.call, name="Effectiviteit", weight=D("3")),
        CriterionFactory(call=application.call, name="Bereik", weight=D("2")),
        CriterionFactory(call=application.call, name="Extra", weight=D("1"), required=False),
    ]


def _score(assignment, reviewer, values, criteria):
    scores = {
        c.pk: {"score": v, "motivation": f"Motivering {v}"}
        for c, v in zip(criteria, values, strict=False)
        if v is not None
    }
    assessment.save_review(assignment=assignment, by=reviewer, scores=scores)
    return assessment.submit_review(assignment=assignment, by=reviewer)


def test_assigning_moves_the_application_into_review_and_notifies_the_reviewer(application, administrator, reviewer):
    from post_office.models import Email

    assignment = assessment.assign_reviewer(application=application, reviewer=reviewer, by=administrator)
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    assert assignment.active
    assert Email.objects.filter(to=reviewer.email, subject__contains="staat voor u klaar").count() == 1
    assert AuditEvent.objects.filter(verb="review.assigned").count() == 1


def test_a_reviewer_linked_to_the_municipality_can_never_be_assigned(application, administrator, reviewer):
    reviewer.linked_municipalities.add(application.municipality)
    with pytest.raises(ValidationError) as excinfo:
        assessment.assign_reviewer(application=application, reviewer=reviewer, by=administrator)
    assert (
        "is gelieerd aan de gemeente Nieuwegein en mag deze aanvraag nooit beoordelen"
        in excinfo.value.message_dict["reviewer"][0]
    )
    result = assessment.auto_assign(call=application.call, by=administrator, per_application=1)
    assert result.assignments == []
    assert result.shortfalls == {application.reference: 1}


def test_only_administrators_assign(application, officer, reviewer):
    with pytest.raises(PermissionDenied):
        assessment.assign_reviewer(application=application, reviewer=reviewer, by=reviewer)
    with pytest.raises(PermissionDenied):
        assessment.auto_assign(call=application.call, by=officer)


def test_drafts_cannot_get_reviewers(officer, administrator, reviewer):
    from tests.factories import complete_application

    draft = complete_application(municipality=officer.municipality, created_by=officer)
    with pytest.raises(Http404):  # administrators do not see drafts at all
        assessment.assign_reviewer(application=draft, reviewer=reviewer, by=administrator)


def test_auto_assign_balances_over_the_pool_and_skips_linked_reviewers(officer, administrator, municipality):
    first = submitted_application(officer)
    call = first.call
    others = [submitted_application(OfficerFactory(), call=call) for _ in range(3)]
    pool = [ReviewerFactory(email=f"r{i}@minvro.nl") for i in range(3)]
    pool[0].linked_municipalities.add(municipality)
    result = assessment.auto_assign(call=call, by=administrator, per_application=2)
    assert len(result.assignments) == 8
    assert result.shortfalls == {}
    loads = sorted(ReviewAssignment.objects.filter(reviewer=r).count() for r in pool)
    assert max(loads) - min(loads) <= 1
    assert not ReviewAssignment.objects.filter(application=first, reviewer=pool[0]).exists()
    assert all(a.assignments.filter(active=True).count() == 2 for a in [first, *others])
    # Running again assigns nothing more.
    assert assessment.auto_assign(call=call, by=administrator, per_application=2).assignments == []


def test_conflict_of_interest_unassigns_and_blocks_reassignment(application, administrator, reviewer):
    assignment = assessment.assign_reviewer(application=application, reviewer=reviewer, by=administrator)
    with pytest.raises(ValidationError) as excinfo:
        assessment.declare_conflict(assignment=assignment, by=reviewer, reason=" ")
    assert excinfo.value.message_dict["reason"] == ["Beschrijf het belangenconflict."]
    assessment.declare_conflict(assignment=assignment, by=reviewer, reason="Mijn partner werkt bij deze gemeente.")
    assignment.refresh_from_db()
    assert (assignment.active, assignment.conflict_reason) == (False, "Mijn partner werkt bij deze gemeente.")
    with pytest.raises(ValidationError, match="belangenconflict gemeld"):
        assessment.assign_reviewer(application=application, reviewer=reviewer, by=administrator)
    assert AuditEvent.objects.filter(verb="review.conflict_declared").count() == 1


def test_only_the_assigned_reviewer_may_declare_a_conflict(application, administrator, reviewer):
    assignment = assessment.assign_reviewer(application=application, reviewer=reviewer, by=administrator)
    with pytest.raises(Http404):
        assessment.declare_conflict(assignment=assignment, by=ReviewerFactory(), reason="x")


def test_scores_outside_the_scale_are_refused_and_change_nothing(application, administrator, reviewer, criteria):
    assignment = assessment.assign_reviewer(application=application, reviewer=reviewer, by=administrator)
    with pytest.raises(ValidationError) as excinfo:
        assessment.save_review(
            assignment=assignment,
            by=reviewer,
            scores={criteria[0].pk: {"score": 11}, criteria[1].pk: {"score": "zeven"}},
        )
    assert excinfo.value.message_dict[f"scores.{criteria[0].pk}.score"] == ["Kies een score van 1 tot en met 10."]
    assert excinfo.value.message_dict[f"scores.{criteria[1].pk}.score"] == ["Vul een heel getal in."]
    assert not ReviewScore.objects.filter(review__assignment=assignment).exists()


def test_submit_needs_scores_and_motivations_for_required_criteria(application, administrator, reviewer, criteria):
    assignment = assessment.assign_reviewer(application=application, reviewer=reviewer, by=administrator)
    assessment.save_review(assignment=assignment, by=reviewer, scores={criteria[0].pk: {"score": 7}})
    with pytest.raises(ValidationError) as excinfo:
        assessment.submit_review(assignment=assignment, by=reviewer)
    errors = excinfo.value.message_dict
    assert errors[f"scores.{criteria[0].pk}.motivation"] == ["Motiveer de score voor 'Effectiviteit'."]
    assert errors[f"scores.{criteria[1].pk}.score"] == ["Geef een score voor 'Bereik'."]
    assert f"scores.{criteria[2].pk}.score" not in errors  # optional


def test_a_submitted_review_is_locked(application, administrator, reviewer, criteria):
    assignment = assessment.assign_reviewer(application=application, reviewer=reviewer, by=administrator)
    _score(assignment, reviewer, [7, 8, None], criteria)
    with pytest.raises(TransitionNotAllowed, match="vastgezet"):
        assessment.save_review(assignment=assignment, by=reviewer, scores={criteria[0].pk: {"score": 10}})
    with pytest.raises(TransitionNotAllowed, match="al ingediend"):
        assessment.submit_review(assignment=assignment, by=reviewer)
    with pytest.raises(TransitionNotAllowed):
        assessment.declare_conflict(assignment=assignment, by=reviewer, reason="te laat")


def test_complete_reviewing_stores_points_that_add_up(application, administrator, criteria):
    r1, r2 = ReviewerFactory(), ReviewerFactory()
    a1 = assessment.assign_reviewer(application=application, reviewer=r1, by=administrator)
    a2 = assessment.assign_reviewer(application=application, reviewer=r2, by=administrator)
    lbm = NetworkFactory(code="NPLV", name="NPLV")
    MembershipFactory(municipality=application.municipality, network=lbm, area_name="Centrale As")
    from accounts.importers import ensure_indicators

    indicators = ensure_indicators()
    IndicatorValue.objects.create(
        indicator=indicators["leefbaarometer_weak_or_lower"],
        municipality=application.municipality,
        year=2024,
        value=D("41.0"),
    )
    for threshold, pts in ((D(10), D(3)), (D(25), D(6)), (D(40), D(10))):
        NeedBand.objects.create(
            call=application.call,
            indicator=indicators["leefbaarometer_weak_or_lower"],
            threshold=threshold,
            points=pts,
        )
    NeedBand.objects.create(
        call=application.call, indicator=indicators["social_assistance"], threshold=D(5), points=D(4)
    )
    BonusRule.objects.create(
        call=application.call, kind=BonusRule.Kind.NETWORK, network=lbm, label="NPLV-focusgebied", points=D(5)
    )
    BonusRule.objects.create(
        call=application.call,
        kind=BonusRule.Kind.NOT_FUNDED_BEFORE,
        label="Niet eerder gefinancierd",
        points=D(5),
        min_reviewer_score=D(40),
    )
    _score(a1, r1, [8, 6, 9], criteria)
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW  # one of two reviews is in
    _score(a2, r2, [7, 9, None], criteria)
    application.refresh_from_db()
    assert application.status == Status.REVIEWED
    stored = PointsBreakdown.objects.get(application=application)
    # Effectiviteit (8+7)/2 × 3 = 22.50; Bereik (6+9)/2 × 2 = 15.00; Extra 9 × 1 = 9.00 → 46.50
    assert stored.reviewer_score == D("46.50")
    # Leefbaarometer 41.0 ≥ 40 → 10; bijstand has no value → 0 ("geen gegevens")
    assert stored.need_score == D("10.00")
    # NPLV +5 (no area on the application: municipality membership counts); not funded before +5 (46.5 ≥ 40)
    assert stored.bonus_score == D("10.00")
    assert stored.total == D("66.50") == stored.reviewer_score + stored.need_score + stored.bonus_score
    assert sum(c.points for c in stored.components.all()) == stored.total
    no_data = stored.components.get(key="social_assistance")
    assert no_data.detail["status"] == "no_data"
    assert stored.spread_flagged is False
    event = AuditEvent.objects.get(verb="application.reviewed")
    assert event.data["after"]["total"] == "66.50"


def test_large_spread_is_flagged(application, administrator, criteria):
    r1, r2 = ReviewerFactory(), ReviewerFactory()
    a1 = assessment.assign_reviewer(application=application, reviewer=r1, by=administrator)
    a2 = assessment.assign_reviewer(application=application, reviewer=r2, by=administrator)
    _score(a1, r1, [2, 6, None], criteria)
    _score(a2, r2, [9, 7, None], criteria)
    stored = PointsBreakdown.objects.get(application=application)
    assert stored.spread_flagged
    assert list(stored.components.filter(flagged=True).values_list("label", flat=True)) == ["Effectiviteit"]


def test_minimum_reviewer_score_marks_refusal(application, administrator, reviewer, criteria):
    settings = points.assessment_settings(application.call)
    settings.reviewers_per_application = 1
    settings.min_reviewer_score = D("40")
    settings.save()
    assignment = assessment.assign_reviewer(application=application, reviewer=reviewer, by=administrator)
    _score(assignment, reviewer, [5, 5, None], criteria)  # 15 + 10 = 25
    stored = PointsBreakdown.objects.get(application=application)
    assert stored.meets_minimum is False
    assert stored.minimum_reason == "Beoordelingsscore 25,00 is lager dan het minimum van 40,00."


def test_reopening_a_review_returns_the_application_to_review(application, administrator, reviewer, criteria):
    settings = points.assessment_settings(application.call)
    settings.reviewers_per_application = 1
    settings.save()
    assignment = assessment.assign_reviewer(application=application, reviewer=reviewer, by=administrator)
    review = _score(assignment, reviewer, [7, 7, None], criteria)
    with pytest.raises(ValidationError):
        assessment.reopen_review(review=review, by=administrator, reason="")
    with pytest.raises(PermissionDenied):
        assessment.reopen_review(review=review, by=reviewer, reason="Ik wil iets aanpassen")
    assessment.reopen_review(review=review, by=administrator, reason="Motivering bij Bereik ontbreekt")
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    assert not PointsBreakdown.objects.filter(application=application).exists()
    event = AuditEvent.objects.get(verb="review.reopened")
    assert event.data["reason"] == "Motivering bij Bereik ontbreekt"
    assessment.save_review(
        assignment=assignment, by=reviewer, scores={criteria[1].pk: {"score": 8, "motivation": "Beter"}}
    )
    assessment.submit_review(assignment=assignment, by=reviewer)
    application.refresh_from_db()
    assert application.status == Status.REVIEWED
    assert PointsBreakdown.objects.get(application=application).reviewer_score == D("37.00")
