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
def test_criteria_follow_the_model_rules_in_dutch(application, admin_api, body, field, message):
    CriterionFactory(call=application.call, name="Bereik")
    response = admin_api.post(f"/api/v1/calls/{application.call_id}/criteria/", body)
    assert response.status_code == 400
    assert field in response.json()
    if message:
        assert response.json()[field] == [message]
    assert Criterion.objects.filter(call=application.call).count() == 1


def test_criteria_are_fixed_once_a_review_is_submitted(application, administrator, reviewer, admin_api, criteria):
    base = f"/api/v1/calls/{application.call_id}/criteria"
    assignment = _assign(application, reviewer, administrator)
    assessment.save_review(
        assignment=assignment, by=reviewer, scores={criteria[0].pk: {"score": 8, "motivation": "Goed"}}
    )
    in_use = admin_api.delete(f"{base}/{criteria[0].pk}/")
    assert in_use.status_code == 409
    assert in_use.json()["detail"] == ("Op dit criterium zijn al scores gegeven; het kan niet meer worden verwijderd.")
    outside = admin_api.patch(f"{base}/{criteria[0].pk}/", {"scale_max": 5})
    assert outside.status_code == 400
    assert "buiten deze schaal" in outside.json()["scale_max"][0]
    assert admin_api.patch(f"{base}/{criteria[0].pk}/", {"weight": "4.5"}).status_code == 200

    assessment.save_review(
        assignment=assignment, by=reviewer, scores={criteria[1].pk: {"score": 6, "motivation": "Redelijk"}}
    )
    assessment.submit_review(assignment=assignment, by=reviewer)
    for response in (
        admin_api.post(f"{base}/", {"name": "Nieuw", "weight": "1"}),
        admin_api.patch(f"{base}/{criteria[0].pk}/", {"weight": "1"}),
        admin_api.put(f"{base}/{criteria[1].pk}/", {"name": "Bereik", "weight": "1"}),
        admin_api.delete(f"{base}/{criteria[1].pk}/"),
    ):
        assert response.status_code == 409
        assert "liggen de criteria vast" in response.json()["detail"]
    assert Criterion.objects.get(pk=criteria[0].pk).weight == D("4.5")
    # Priority rules may still change: recompute-points applies them.
    assert (
        admin_api.post(
            f"/api/v1/calls/{application.call_id}/bonus-rules/",
            {"kind": "not_funded_before", "label": "Niet eerder", "points": "2"},
        ).status_code
        == 201
    )


def test_criteria_are_deleted_with_an_audit_event(application, administrator, admin_api, criteria):
    response = admin_api.delete(f"/api/v1/calls/{application.call_id}/criteria/{criteria[1].pk}/")
    assert response.status_code == 204
    event = AuditEvent.objects.get(verb="criterion.deleted")
    assert (event.actor, event.data["criterion"], event.target_id) == (
        administrator,
        criteria[1].pk,
        str(application.call_id),
    )
    left = admin_api.get(f"/api/v1/calls/{application.call_id}/criteria/").json()["results"]
    assert [c["name"] for c in left] == ["Effectiviteit"]


def test_bonus_rules_and_need_bands_are_checked(application, admin_api):
    ensure_indicators()
    NetworkFactory(code="NPLV")
    base = f"/api/v1/calls/{application.call_id}"
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
    assert NeedBand.objects.filter(call=application.call).count() == 1
    assert BonusRule.objects.filter(call=application.call).count() == 1
    assert admin_api.get("/api/v1/calls/999999/need-bands/").status_code == 404
