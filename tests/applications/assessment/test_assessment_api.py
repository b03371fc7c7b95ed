"""The assessment through the API. An administrator configures a call, assigns reviewers and reads points that
add up. Reviewers work with personal tokens. They save, submit and declare conflicts. Scores stay hidden until
a reviewer's own review is in, and a submitted review is locked until an administrator reopens it."""

import datetime
from decimal import Decimal as D

import pytest
import time_machine
from rest_framework.test import APIClient

from accounts.importers import ensure_indicators
from accounts.models import AuditEvent, IndicatorValue
from accounts.services import issue_api_token
from applications.assessment import services as assessment
from applications.models import BonusRule, PointsBreakdown, Review, Status
from tests.factories import (
    CriterionFactory,
    MembershipFactory,
    NetworkFactory,
    OfficerFactory,
    ReviewerFactory,
    complete_application,
    submitted_application,
)

pytestmark = pytest.mark.django_db


def _token_client(user) -> APIClient:
    client = APIClient()
    _token, key = issue_api_token(user=user, name="koppeling")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _has_offset(value: str) -> bool:
    return datetime.datetime.fromisoformat(value).utcoffset() is not None


@pytest.fixture
def application(officer):
    return submitted_application(officer)


@pytest.fixture
def admin_api(administrator):
    return _client(administrator)


@pytest.fixture
def criteria(application):
    return [
        CriterionFactory(call=application.call, name="Effectiviteit", weight=D("3")),
        CriterionFactory(call=application.call, name="Bereik", weight=D("2")),
    ]


@pytest.fixture
def second_reviewer(db):
    return ReviewerFactory(email="tweede@minvro.nl", full_name="Tweede Beoordelaar")


def _assign(application, reviewer, administrator):
    return assessment.assign_reviewer(application=application, reviewer=reviewer, by=administrator)


def _scores(criteria, values):
    return [
        {"criterion": c.pk, "score": v, "motivation": f"Motivering bij {v}"}
        for c, v in zip(criteria, values, strict=True)
    ]


# --- The journey -----------------------------------------------------------------------------------


def test_administrator_configures_assigns_and_reads_points_that_add_up(
    application, administrator, reviewer, second_reviewer
):
    call = application.call
    indicators = ensure_indicators()
    IndicatorValue.objects.create(
        indicator=indicators["leefbaarometer_weak_or_lower"],
        municipality=application.municipality,
        year=2024,
        value=D("27.5"),
    )
    IndicatorValue.objects.create(
        indicator=indicators["leefbaarometer_weak_or_lower"],
        municipality=application.municipality,
        year=2025,
        value=D("45.0"),
    )
    MembershipFactory(municipality=application.municipality, network=NetworkFactory(code="M50"))
    admin = _token_client(administrator)
    base = f"/api/v1/calls/{call.pk}"
    # The rules are set up before the window opens (Awb 4:27): the clock goes back to the day before.
    with time_machine.travel(call.opens_at - datetime.timedelta(days=1), tick=False):
        settings = admin.put(
            f"{base}/assessment/",
            {
                "reviewers_per_application": 2,
                "need_reference_year": 2024,
                "spread_threshold": "3.00",
                "min_total_points": "20.00",
                "review_deadline": "2027-05-01T17:00:00+02:00",
            },
        )
        assert settings.status_code == 200, settings.json()
        assert settings.json()["min_total_points"] == "20.00"
        assert _has_offset(settings.json()["review_deadline"])

        created = [
            admin.post(f"{base}/criteria/", body)
            for body in (
                {"name": "Effectiviteit", "guidance": "Bereikt het plan zijn doelen?", "weight": "3.00"},
                {
                    "name": "Bereik",
                    "guidance": "Hoeveel bewoners merken het?",
                    "weight": "2",
                    "scale_min": 1,
                    "scale_max": 10,
                },
            )
        ]
        assert [r.status_code for r in created] == [201, 201], [r.json() for r in created]
        effect, reach = (r.json() for r in created)
        assert (effect["weight"], effect["order"], reach["order"]) == ("3.00", 0, 1)
        for threshold, points in (("10", "3"), ("25", "6"), ("40", "10")):
            band = admin.post(
                f"{base}/need-bands/",
                {"indicator": "leefbaarometer_weak_or_lower", "threshold": threshold, "points": points},
            )
            assert band.status_code == 201, band.json()
        assert (
            admin.post(
                f"{base}/need-bands/", {"indicator": "social_assistance", "threshold": "5", "points": "4"}
            ).status_code
            == 201
        )
        rules = [
            admin.post(f"{base}/bonus-rules/", body)
            for body in (
                {
                    "kind": "network",
                    "network": "M50",
                    "label": "Lid van M50",
                    "points": "3",
                    "min_reviewer_score": "20",
                },
                {
                    "kind": "not_funded_before",
                    "label": "Niet eerder gefinancierd",
                    "points": "5",
                    "min_reviewer_score": "40",
                },
            )
        ]
        assert [r.status_code for r in rules] == [201, 201], [r.json() for r in rules]
        assert rules[0].json()["network"] == "M50"

    by_hand = admin.post(f"/api/v1/applications/{application.pk}/assignments/", {"reviewer": reviewer.pk})
    assert by_hand.status_code == 201, by_hand.json()
    automatic = admin.post(f"{base}/auto-assign/", {})
    assert automatic.status_code == 200, automatic.json()
    assert automatic.json()["shortfalls"] == {}
    [auto] = automatic.json()["assignments"]
    assert auto["reviewer"]["email"] == "tweede@minvro.nl"
    listed = admin.get(f"/api/v1/applications/{application.pk}/assignments/").json()
    assert [(a["reviewer"]["email"], a["active"], a["review_progress"]) for a in listed["results"]] == [
        ("reviewer@minvro.nl", True, "not_started"),
        ("tweede@minvro.nl", True, "not_started"),
    ]

    provisional = admin.get(f"/api/v1/applications/{application.pk}/points/").json()
    assert provisional["status"] == "provisional"
    assert (provisional["need_score"], provisional["bonus_score"]) == ("6.00", "0.00")
    assert provisional["meets_minimum"] is None

    for user, values in ((reviewer, (8, 6)), (second_reviewer, (7, 9))):
        api = _token_client(user)
        [queued] = api.get("/api/v1/assignments/").json()["results"]
        assert queued["application"]["reference"] == application.reference
        assert queued["review_progress"] == "not_started"
        assert _has_offset(queued["deadline"])
        opened = api.get(f"/api/v1/assignments/{queued['id']}/").json()
        assert [c["name"] for c in opened["criteria"]] == ["Effectiviteit", "Bereik"]
        empty = opened["review"]
        assert empty["id"] is None
        assert (empty["status"], empty["updated_at"], empty["scores"]) == ("draft", None, [])
        ids = [c["id"] for c in opened["criteria"]]
        scores = [
            {"criterion": i, "score": v, "motivation": f"Onderbouwing {v}"} for i, v in zip(ids, values, strict=True)
        ]
        draft = api.put(
            f"/api/v1/assignments/{queued['id']}/review/", {"overall_comment": "Sterk plan.", "scores": scores}
        )
        assert draft.status_code == 200, draft.json()
        assert draft.json()["status"] == "draft"
        assert [(s["criterion_name"], s["score"]) for s in draft.json()["scores"]] == list(
            zip(["Effectiviteit", "Bereik"], values, strict=True)
        )
        submitted = api.post(f"/api/v1/assignments/{queued['id']}/submit/")
        assert submitted.status_code == 200, submitted.json()
        assert submitted.json()["status"] == "submitted"
        assert _has_offset(submitted.json()["submitted_at"])

    application.refresh_from_db()
    assert application.status == Status.REVIEWED
    body = admin.get(f"/api/v1/applications/{application.pk}/points/").json()
    assert body["status"] == "stored"
    assert body["review_count"] == 2
    # Effectiviteit (8+7)/2 × 3 = 22.50; Bereik (6+9)/2 × 2 = 15.00
    assert body["reviewer_score"] == "37.50"
    # Leefbaarometer 27.5 in 2024 (not 45.0 in 2025) reaches the 25-band: 6; no bijstand value: 0
    assert body["need_score"] == "6.00"
    # M50 +3 (37.50 ≥ 20); not funded before needs 40, so 0
    assert body["bonus_score"] == "3.00"
    assert body["total"] == "46.50"
    assert (body["meets_minimum"], body["spread_flagged"]) == (True, False)  # Bereik differs by 3: not more
    assert _has_offset(body["computed_at"])
    components = body["components"]
    parts = (("criterion", "reviewer_score"), ("indicator", "need_score"), ("bonus", "bonus_score"))
    for kind, part in parts:
        assert sum(D(c["points"]) for c in components if c["kind"] == kind) == D(body[part]), kind
    assert D(body["reviewer_score"]) + D(body["need_score"]) + D(body["bonus_score"]) == D(body["total"])
    assert all(isinstance(c["points"], str) and len(c["points"].split(".")[1]) == 2 for c in components)
    by_label = {c["label"]: c for c in components}
    assert by_label["Effectiviteit"]["detail"] == {
        "mean": "7.50",
        "weight": "3.00",
        "scores": ["8", "7"],
        "spread": "1",
    }
    assert by_label["Effectiviteit"]["explanation"] == "Gemiddeld 7.50 (scores 8, 7) × weging 3.00"
    no_data = next(c for c in components if c["key"] == "social_assistance")
    assert (no_data["points"], no_data["detail"]["status"], no_data["explanation"]) == (
        "0.00",
        "no_data",
        "Geen gegevens",
    )
    assert by_label["Niet eerder gefinancierd"]["detail"]["threshold_met"] is False
    assert by_label["Niet eerder gefinancierd"]["explanation"].startswith("Niet toegepast")
    assert by_label["Lid van M50"]["points"] == "3.00"
    verbs = set(AuditEvent.objects.filter(actor=administrator).values_list("verb", flat=True))
    assert {
        "assessment_settings.created",
        "criterion.created",
        "need_band.created",
        "bonus_rule.created",
        "review.assigned",
        "review.auto_assigned",
    } <= verbs


# --- Reviewers do not see each other's scores early ----------------------------------------------------


def test_reviewers_see_other_scores_only_after_submitting_their_own(
    application, administrator, reviewer, second_reviewer, criteria
):
    mine = _assign(application, reviewer, administrator)
    theirs = _assign(application, second_reviewer, administrator)
    me, them = _client(reviewer), _client(second_reviewer)
    url = f"/api/v1/applications/{application.pk}/reviews/"
    assert me.get(url).json()["results"] == []
    assert (
        them.put(f"/api/v1/assignments/{theirs.pk}/review/", {"scores": _scores(criteria, [2, 3])}).status_code == 200
    )
    assert them.post(f"/api/v1/assignments/{theirs.pk}/submit/").status_code == 200
    assert me.put(f"/api/v1/assignments/{mine.pk}/review/", {"scores": _scores(criteria, [9, 9])}).status_code == 200

    early = me.get(url).json()
    assert [(r["own"], r["status"]) for r in early["results"]] == [(True, "draft")]
    assert [s["score"] for s in early["results"][0]["scores"]] == [9, 9]
    assert me.get(f"/api/v1/assignments/{theirs.pk}/review/").status_code == 404
    assert me.get(f"/api/v1/assignments/{theirs.pk}/").status_code == 404
    # The other reviewer has submitted, but a draft is nobody else's business.
    assert [r["own"] for r in them.get(url).json()["results"]] == [True]

    assert me.post(f"/api/v1/assignments/{mine.pk}/submit/").status_code == 200
    after = me.get(url).json()["results"]
    assert [(r["reviewer"]["email"], r["own"]) for r in after] == [
        ("reviewer@minvro.nl", True),
        ("tweede@minvro.nl", False),
    ]
    assert [s["score"] for s in after[1]["scores"]] == [2, 3]
    assert len(them.get(url).json()["results"]) == 2
    assert _client(administrator).get(url).json()["count"] == 2


# --- Conflicts of interest -------------------------------------------------------------------------


def test_a_declared_conflict_unassigns_and_the_administrator_sees_why(application, administrator, reviewer, admin_api):
    assignment = _assign(application, reviewer, administrator)
    api = _client(reviewer)
    url = f"/api/v1/assignments/{assignment.pk}/conflict/"
    refused = api.post(url, {"reason": "  "})
    assert refused.status_code == 400
    assert refused.json() == {"reason": ["Beschrijf het belangenconflict."]}
    declared = api.post(url, {"reason": "Mijn partner werkt bij deze gemeente."})
    assert declared.status_code == 200, declared.json()
    assert declared.json()["active"] is False
    assert api.post(url, {"reason": "nog eens"}).status_code == 409
    assert api.get("/api/v1/assignments/").json()["count"] == 0
    assert api.get(f"/api/v1/applications/{application.pk}/reviews/").status_code == 404

    [seen] = admin_api.get(f"/api/v1/applications/{application.pk}/assignments/").json()["results"]
    assert (seen["active"], seen["conflict_reason"]) == (False, "Mijn partner werkt bij deze gemeente.")
    assert _has_offset(seen["conflict_declared_at"])
    assert admin_api.get("/api/v1/assignments/?active=false").json()["count"] == 1
    again = admin_api.post(f"/api/v1/applications/{application.pk}/assignments/", {"reviewer": reviewer.pk})
    assert again.status_code == 400
    assert "belangenconflict gemeld" in again.json()["reviewer"][0]


def test_a_linked_reviewer_is_refused_with_the_reason(application, reviewer, admin_api):
    reviewer.linked_municipalities.add(application.municipality)
    url = f"/api/v1/applications/{application.pk}/assignments/"
    response = admin_api.post(url, {"reviewer": reviewer.pk})
    assert response.status_code == 400
    assert "is gelieerd aan de gemeente Nieuwegein" in response.json()["reviewer"][0]
    response = admin_api.post(f"/api/v1/calls/{application.call_id}/auto-assign/", {"per_application": 1})
    assert response.json() == {"assignments": [], "shortfalls": {application.reference: 1}}


def test_an_administrator_ends_an_assignment(application, administrator, reviewer, admin_api):
    assignment = _assign(application, reviewer, administrator)
    url = f"/api/v1/assignments/{assignment.pk}/unassign/"
    response = admin_api.post(url, {"reason": "Te veel werk"})
    assert response.status_code == 200
    assert response.json()["active"] is False
    assert _has_offset(response.json()["unassigned_at"])
    assert admin_api.post(url, {}).status_code == 409
    assert AuditEvent.objects.get(verb="review.unassigned").data["reason"] == "Te veel werk"


# --- Locking and reopening -------------------------------------------------------------------------


def test_a_submitted_review_is_locked_until_an_administrator_reopens_it(
    application, administrator, reviewer, admin_api, criteria
):
    admin_api.put(f"/api/v1/calls/{application.call_id}/assessment/", {"reviewers_per_application": 1})
    assignment = _assign(application, reviewer, administrator)
    api = _client(reviewer)
    review_url = f"/api/v1/assignments/{assignment.pk}/review/"
    assert api.put(review_url, {"scores": _scores(criteria, [7, 7])}).status_code == 200
    assert api.post(f"/api/v1/assignments/{assignment.pk}/submit/").status_code == 200
    assert admin_api.get(f"/api/v1/applications/{application.pk}/points/").json()["total"] == "35.00"

    locked = api.put(review_url, {"scores": _scores(criteria, [10, 10])})
    assert locked.status_code == 409
    assert "vastgezet" in locked.json()["detail"]
    assert api.post(f"/api/v1/assignments/{assignment.pk}/submit/").status_code == 409
    assert api.post(f"/api/v1/assignments/{assignment.pk}/conflict/", {"reason": "te laat"}).status_code == 409
    assert admin_api.post(f"/api/v1/assignments/{assignment.pk}/unassign/").status_code == 409

    review = Review.objects.get(assignment=assignment)
    reopen_url = f"/api/v1/reviews/{review.pk}/reopen/"
    assert api.post(reopen_url, {"reason": "Ik wil iets aanpassen"}).status_code == 403
    assert admin_api.post(reopen_url, {"reason": ""}).json() == {
        "reason": ["Geef een reden om de beoordeling te heropenen."]
    }
    reopened = admin_api.post(reopen_url, {"reason": "Motivering bij Bereik is te kort"})
    assert reopened.status_code == 200, reopened.json()
    assert reopened.json()["status"] == "draft"
    assert reopened.json()["reopen_reason"] == "Motivering bij Bereik is te kort"
    assert admin_api.post(reopen_url, {"reason": "nog eens"}).status_code == 409
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    assert admin_api.get(f"/api/v1/applications/{application.pk}/points/").json()["status"] == "provisional"
    assert AuditEvent.objects.get(verb="review.reopened").data["reason"] == "Motivering bij Bereik is te kort"

    changed = api.put(
        review_url,
        {"scores": [{"criterion": criteria[1].pk, "score": 9, "motivation": "Bereikt meer bewoners dan gedacht."}]},
    )
    assert changed.status_code == 200
    assert [s["score"] for s in changed.json()["scores"]] == [7, 9]
    assert api.post(f"/api/v1/assignments/{assignment.pk}/submit/").status_code == 200
    points = admin_api.get(f"/api/v1/applications/{application.pk}/points/").json()
    assert (points["status"], points["reviewer_score"], points["total"]) == ("stored", "39.00", "39.00")


def test_recompute_points_after_the_facts_changed(application, administrator, reviewer, admin_api, criteria):
    """The rules are frozen once the window opened; the facts they read may still be corrected (here the
    municipality's membership of M50), and recompute-points applies the correction."""
    admin_api.put(f"/api/v1/calls/{application.call_id}/assessment/", {"reviewers_per_application": 1})
    recompute = f"/api/v1/applications/{application.pk}/recompute-points/"
    assert admin_api.post(recompute).status_code == 409  # not reviewed yet
    m50 = NetworkFactory(code="M50")
    rule = BonusRule.objects.create(
        call=application.call, kind=BonusRule.Kind.NETWORK, network=m50, label="Lid van M50", points=D("7.5")
    )
    assignment = _assign(application, reviewer, administrator)
    assessment.save_review(
        assignment=assignment, by=reviewer, scores={c.pk: {"score": 5, "motivation": "Redelijk"} for c in criteria}
    )
    assessment.submit_review(assignment=assignment, by=reviewer)
    assert admin_api.get(f"/api/v1/applications/{application.pk}/points/").json()["total"] == "25.00"
    rule_url = f"/api/v1/calls/{application.call_id}/bonus-rules/{rule.pk}/"
    frozen = admin_api.patch(rule_url, {"points": "9"})
    assert frozen.status_code == 409 and "artikel 4:27" in frozen.json()["detail"]
    MembershipFactory(municipality=application.municipality, network=m50)
    assert admin_api.get(f"/api/v1/applications/{application.pk}/points/").json()["total"] == "25.00"
    recomputed = admin_api.post(recompute)
    assert recomputed.status_code == 200
    assert (recomputed.json()["bonus_score"], recomputed.json()["total"]) == ("7.50", "32.50")
    assert PointsBreakdown.objects.get(application=application).total == D("32.50")


# --- Review input errors ---------------------------------------------------------------------------


def test_score_errors_come_back_per_criterion(application, administrator, reviewer, criteria):
    assignment = _assign(application, reviewer, administrator)
    api = _client(reviewer)
    url = f"/api/v1/assignments/{assignment.pk}/review/"
    effect, reach = criteria
    response = api.put(
        url,
        {
            "scores": [
                {"criterion": effect.pk, "score": 11},
                {"criterion": reach.pk, "score": "zeven"},
                {"criterion": 999999, "score": 5},
            ]
        },
    )
    assert response.status_code == 400
    assert response.json() == {
        "scores": {
            str(effect.pk): {"score": ["Kies een score van 1 tot en met 10."]},
            str(reach.pk): {"score": ["Vul een heel getal in."]},
            "999999": {"criterion": ["Dit criterium hoort niet bij deze aanvraagronde."]},
        }
    }
    assert api.put(url, {"scores": "8"}).json() == {
        "scores": ["Stuur de scores als een lijst met per criterium criterion, score en motivation."]
    }
    assert api.put(url, {"scores": [{"score": 8}]}).json() == {
        "scores": ["Elke score noemt het id van een criterium in 'criterion'."]
    }
    twice = api.put(url, {"scores": [{"criterion": effect.pk, "score": 8}, {"criterion": effect.pk, "score": 9}]})
    assert twice.json() == {
        "scores": {str(effect.pk): {"criterion": ["Dit criterium staat meer dan één keer in de lijst."]}}
    }
    assert not Review.objects.filter(assignment=assignment).exists()

    assert api.put(url, {"scores": [{"criterion": effect.pk, "score": 8}]}).status_code == 200
    incomplete = api.post(f"/api/v1/assignments/{assignment.pk}/submit/")
    assert incomplete.status_code == 400
    assert incomplete.json() == {
        "scores": {
            str(effect.pk): {"motivation": ["Motiveer de score voor 'Effectiviteit'."]},
            str(reach.pk): {"score": ["Geef een score voor 'Bereik'."]},
        }
    }


def test_submitting_without_criteria_is_a_whole_request_error(application, administrator, reviewer):
    assignment = _assign(application, reviewer, administrator)
    response = _client(reviewer).post(f"/api/v1/assignments/{assignment.pk}/submit/")
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Deze aanvraagronde heeft nog geen criteria; een beheerder stelt ze in."]
    }


def test_auto_assign_without_reviewers_says_so(application, admin_api):
    response = admin_api.post(f"/api/v1/calls/{application.call_id}/auto-assign/", {"per_application": 2})
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Er zijn geen actieve beoordelaars om toe te wijzen."]}
    assert (
        admin_api.post(f"/api/v1/calls/{application.call_id}/auto-assign/", {"per_application": 0}).status_code == 400
    )


def test_drafts_cannot_get_reviewers_or_points(officer, reviewer, admin_api):
    draft = complete_application(municipality=officer.municipality, created_by=officer)
    assert admin_api.get(f"/api/v1/applications/{draft.pk}/points/").status_code == 404
    assert admin_api.post(f"/api/v1/applications/{draft.pk}/assignments/", {"reviewer": reviewer.pk}).status_code == 404


def test_assigning_a_decided_application_is_a_conflict(application, reviewer, admin_api):
    application.status = Status.REJECTED
    application.save(update_fields=["status"])
    url = f"/api/v1/applications/{application.pk}/assignments/"
    assert admin_api.post(url, {"reviewer": reviewer.pk}).status_code == 409


def test_administrators_filter_assignments(application, administrator, reviewer, second_reviewer, admin_api):
    _assign(application, reviewer, administrator)
    other = submitted_application(OfficerFactory())
    _assign(other, second_reviewer, administrator)
    assert admin_api.get("/api/v1/assignments/").json()["count"] == 2
    [in_call] = admin_api.get(f"/api/v1/assignments/?call={other.call_id}").json()["results"]
    assert in_call["reviewer"]["id"] == second_reviewer.pk
    assert admin_api.get(f"/api/v1/assignments/?reviewer={reviewer.pk}").json()["count"] == 1
    assert admin_api.get("/api/v1/assignments/?active=true").json()["count"] == 2
    bad = admin_api.get("/api/v1/assignments/?call=abc&reviewer=-1&active=ja")
    assert bad.status_code == 400
    assert set(bad.json()) == {"call", "reviewer", "active"}
    # A reviewer's filter only narrows their own queue.
    assert _client(reviewer).get(f"/api/v1/assignments/?reviewer={second_reviewer.pk}").json()["count"] == 0


@pytest.mark.parametrize("weight", ["", "-", "."])
def test_a_weight_without_a_digit_is_refused_in_dutch(application, admin_api, weight):
    url = f"/api/v1/calls/{application.call_id}/criteria/"
    refused = admin_api.post(url, {"name": "Effectiviteit", "guidance": "Doelen?", "weight": weight})
    assert refused.status_code == 400
    assert refused.json() == {"weight": ["Een geldig nummer is vereist."]}
    assert admin_api.get(url).json()["count"] == 0


def test_a_deadline_outside_the_portals_years_is_refused(application, admin_api):
    url = f"/api/v1/calls/{application.call_id}/assessment/"
    before = admin_api.get(url).json()
    refused = admin_api.put(url, {"reviewers_per_application": 2, "review_deadline": "0289-08-04T06:24:09+01:22"})
    assert refused.status_code == 400
    assert refused.json() == {"review_deadline": ["Kies een moment tussen 2000 en 2100."]}
    assert admin_api.get(url).json() == before
