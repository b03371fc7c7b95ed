"""Configuring how a call is assessed through the API: settings, criteria, need bands and bonus rules follow
the model's rules in Dutch, are audited, and the criteria lock once a review is submitted."""

from decimal import Decimal as D

import pytest

from accounts.importers import ensure_indicators
from accounts.models import AuditEvent
from applications.assessment import services as assessment
from applications.models import BonusRule, Criterion, NeedBand
from tests.applications.assessment.test_assessment_api import _assign, _client
from tests.factories import (
    CriterionFactory,
    NetworkFactory,
    UpcomingCallFactory,
    submitted_application,
)

pytestmark = pytest.mark.django_db


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
def upcoming():
    """A call whose window has not opened: its rules (criteria, bands, bonus rules) may still change."""
    return UpcomingCallFactory()


@pytest.fixture
def upcoming_criteria(upcoming):
    return [
        CriterionFactory(call=upcoming, name="Effectiviteit", weight=D("3")),
        CriterionFactory(call=upcoming, name="Bereik", weight=D("2")),
    ]


# --- Configuration rules ---------------------------------------------------------------------------


def test_settings_show_defaults_until_saved(application, admin_api):
    response = admin_api.get(f"/api/v1/calls/{application.call_id}/assessment/")
    assert response.status_code == 200
    assert response.json() == {
        "call": application.call_id,
        "reviewers_per_application": 2,
        "review_deadline": None,
        "min_reviewer_score": None,
        "min_total_points": None,
        "spread_threshold": "3.00",
        "need_reference_year": None,
    }
    refused = admin_api.put(
        f"/api/v1/calls/{application.call_id}/assessment/", {"reviewers_per_application": 0, "spread_threshold": "-1"}
    )
    assert refused.status_code == 400
    assert set(refused.json()) == {"reviewers_per_application", "spread_threshold"}
    assert not AuditEvent.objects.filter(verb__startswith="assessment_settings").exists()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"name": "Bereik", "weight": "1", "scale_min": 5, "scale_max": 5},
            "scale_max",
            "De hoogste score moet hoger zijn dan de laagste.",
        ),
        ({"name": "bereik", "weight": "1"}, "name", "Deze aanvraagronde heeft al een criterium met deze naam."),
        ({"name": "Nieuw", "weight": "0"}, "weight", None),
        ({"name": "", "weight": "1"}, "name", "Dit veld mag niet leeg zijn."),
    ],
)
def test_criteria_follow_the_model_rules_in_dutch(upcoming, admin_api, body, field, message):
    CriterionFactory(call=upcoming, name="Bereik")
    response = admin_api.post(f"/api/v1/calls/{upcoming.pk}/criteria/", body)
    assert response.status_code == 400
    assert field in response.json()
    if message:
        assert response.json()[field] == [message]
    assert Criterion.objects.filter(call=upcoming).count() == 1


def test_criteria_are_fixed_once_the_window_opened_and_guidance_once_a_review_is_submitted(
    application, administrator, reviewer, admin_api, criteria
):
    """The criteria are part of the published rules: from the opening on they no longer change (Awb 4:27).
    The reviewers' guidance is no rule; it stays open until a review is submitted."""
    base = f"/api/v1/calls/{application.call_id}/criteria"
    assignment = _assign(application, reviewer, administrator)
    assessment.save_review(
        assignment=assignment, by=reviewer, scores={criteria[0].pk: {"score": 8, "motivation": "Goed"}}
    )
    in_use = admin_api.delete(f"{base}/{criteria[0].pk}/")
    assert in_use.status_code == 409
    assert "artikel 4:27" in in_use.json()["detail"]
    outside = admin_api.patch(f"{base}/{criteria[0].pk}/", {"scale_max": 5})
    assert outside.status_code == 400
    assert "buiten deze schaal" in outside.json()["scale_max"][0]
    for response in (
        admin_api.post(f"{base}/", {"name": "Nieuw", "weight": "1"}),
        admin_api.patch(f"{base}/{criteria[0].pk}/", {"weight": "4.5"}),
        admin_api.put(f"{base}/{criteria[1].pk}/", {"name": "Bereik", "weight": "1"}),
    ):
        assert response.status_code == 409
        assert "artikel 4:27" in response.json()["detail"]
    assert admin_api.patch(f"{base}/{criteria[0].pk}/", {"guidance": "Kijk naar de effecten."}).status_code == 200

    assessment.save_review(
        assignment=assignment, by=reviewer, scores={criteria[1].pk: {"score": 6, "motivation": "Redelijk"}}
    )
    assessment.submit_review(assignment=assignment, by=reviewer)
    locked = admin_api.patch(f"{base}/{criteria[0].pk}/", {"guidance": "Toch anders."})
    assert locked.status_code == 409 and "liggen de criteria vast" in locked.json()["detail"]
    assert Criterion.objects.get(pk=criteria[0].pk).weight == D("3")
    # Priority rules are part of the published rules too.
    rule = admin_api.post(
        f"/api/v1/calls/{application.call_id}/bonus-rules/",
        {"kind": "not_funded_before", "label": "Niet eerder", "points": "2"},
    )
    assert rule.status_code == 409 and "artikel 4:27" in rule.json()["detail"]


def test_criteria_are_deleted_with_an_audit_event(upcoming, administrator, admin_api, upcoming_criteria):
    criteria = upcoming_criteria
    response = admin_api.delete(f"/api/v1/calls/{upcoming.pk}/criteria/{criteria[1].pk}/")
    assert response.status_code == 204
    event = AuditEvent.objects.get(verb="criterion.deleted")
    assert (event.actor, event.data["criterion"], event.target_id) == (
        administrator,
        criteria[1].pk,
        str(upcoming.pk),
    )
    left = admin_api.get(f"/api/v1/calls/{upcoming.pk}/criteria/").json()["results"]
    assert [c["name"] for c in left] == ["Effectiviteit"]


def test_bonus_rules_and_need_bands_are_checked(upcoming, admin_api):
    ensure_indicators()
    NetworkFactory(code="NPLV")
    base = f"/api/v1/calls/{upcoming.pk}"
    missing = admin_api.post(f"{base}/bonus-rules/", {"kind": "network", "label": "Focusgebied", "points": "5"})
    assert missing.json() == {"network": ["Kies het netwerk waarvoor deze punten gelden."]}
    stray = admin_api.post(
        f"{base}/bonus-rules/", {"kind": "not_funded_before", "network": "NPLV", "label": "Niet eerder", "points": "5"}
    )
    assert stray.json() == {"network": ["Alleen een netwerkregel hoort bij een netwerk."]}
    unknown = admin_api.post(f"{base}/bonus-rules/", {"kind": "network", "network": "XYZ", "label": "x", "points": "1"})
    assert list(unknown.json()) == ["network"]
    rule = admin_api.post(
        f"{base}/bonus-rules/", {"kind": "network", "network": "NPLV", "label": "Focusgebied", "points": "5"}
    )
    assert rule.status_code == 201
    assert rule.json()["kind_display"] == "Lid van een netwerk"
    band = {"indicator": "social_assistance", "threshold": "7.5", "points": "2"}
    assert admin_api.post(f"{base}/need-bands/", band).status_code == 201
    twice = admin_api.post(f"{base}/need-bands/", band)
    assert twice.json() == {"threshold": ["Er is al een band met deze drempel voor deze indicator."]}
    negative = admin_api.post(f"{base}/need-bands/", {**band, "threshold": "9", "points": "-1"})
    assert list(negative.json()) == ["points"]
    assert NeedBand.objects.filter(call=upcoming).count() == 1
    assert BonusRule.objects.filter(call=upcoming).count() == 1
    assert admin_api.get("/api/v1/calls/999999/need-bands/").status_code == 404
