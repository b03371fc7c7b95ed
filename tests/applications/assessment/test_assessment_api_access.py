"""Who may use which assessment endpoint (DESIGN.md §3, §10): 401 without credentials, 403 for a role that may
not use an endpoint at all, 404 for another reviewer's assignment or an application not assigned to the
caller. Every list and the points cost the same number of queries with 2 or 6 reviewers."""

import re
from decimal import Decimal as D

import pytest
from rest_framework.test import APIClient

from accounts.importers import ensure_indicators
from applications.assessment import points
from applications.assessment import services as assessment
from applications.models import BonusRule, NeedBand, Review, Status
from tests.factories import (
    CriterionFactory,
    OfficerFactory,
    ReviewerFactory,
    UpcomingCallFactory,
    submitted_application,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "officer", "other_reviewer", "reviewer", "administrator")


@pytest.fixture
def world(officer, reviewer, administrator):
    """Application A in review: ``reviewer`` assigned, with a complete draft. Application B (another call,
    one reviewer per application) reviewed, so its review can be reopened and its points recomputed."""
    ensure_indicators()
    a = submitted_application(officer)
    scored = CriterionFactory(call=a.call, name="Effectiviteit")
    spare = CriterionFactory(call=a.call, name="Reserve", required=False)
    assignment = assessment.assign_reviewer(application=a, reviewer=reviewer, by=administrator)
    assessment.save_review(
        assignment=assignment, by=reviewer, scores={scored.pk: {"score": 7, "motivation": "Goed onderbouwd"}}
    )
    band = NeedBand.objects.create(
        call=a.call, indicator_id=ensure_indicators()["social_assistance"].pk, threshold=D("5"), points=D("4")
    )
    rule = BonusRule.objects.create(
        call=a.call, kind=BonusRule.Kind.NOT_FUNDED_BEFORE, label="Niet eerder", points=D("5")
    )

    b = submitted_application(OfficerFactory())
    settings = points.assessment_settings(b.call)
    settings.reviewers_per_application = 1
    settings.save()
    b_criterion = CriterionFactory(call=b.call, name="Bereik")
    b_assignment = assessment.assign_reviewer(application=b, reviewer=reviewer, by=administrator)
    assessment.save_review(
        assignment=b_assignment, by=reviewer, scores={b_criterion.pk: {"score": 6, "motivation": "Redelijk"}}
    )
    b_review = assessment.submit_review(assignment=b_assignment, by=reviewer)
    b.refresh_from_db()
    assert b.status == Status.REVIEWED

    # The rules of a call change only before its window opens (Awb 4:27): writes go to an upcoming call.
    upcoming = UpcomingCallFactory()
    config_criterion = CriterionFactory(call=upcoming, name="Effectiviteit")
    config_spare = CriterionFactory(call=upcoming, name="Reserve", required=False)
    config_band = NeedBand.objects.create(
        call=upcoming, indicator_id=ensure_indicators()["social_assistance"].pk, threshold=D("5"), points=D("4")
    )
    config_rule = BonusRule.objects.create(
        call=upcoming, kind=BonusRule.Kind.NOT_FUNDED_BEFORE, label="Niet eerder", points=D("5")
    )
    return {
        "config": upcoming.pk,
        "config_criterion": config_criterion.pk,
        "config_spare": config_spare.pk,
        "config_band": config_band.pk,
        "config_rule": config_rule.pk,
        "call": a.call_id,
        "a": a.pk,
        "b": b.pk,
        "assignment": assignment.pk,
        "criterion": scored.pk,
        "spare": spare.pk,
        "band": band.pk,
        "rule": rule.pk,
        "review": b_review.pk,
        "other_reviewer": ReviewerFactory(email="ander@minvro.nl").pk,
    }


CRITERION = {"name": "Haalbaarheid", "weight": "2.00"}
BAND = {"indicator": "social_assistance", "threshold": "9", "points": "6"}
RULE = {"kind": "not_funded_before", "label": "Nieuw", "points": "1"}
ADMIN_ONLY = {"officer": 403, "other_reviewer": 403, "reviewer": 403}
OWN_ASSIGNMENT = {"officer": 403, "other_reviewer": 404, "administrator": 403}
READ_ALL = {"officer": 403, "other_reviewer": 200, "reviewer": 200, "administrator": 200}
READ_OWN = {"officer": 403, "other_reviewer": 404, "reviewer": 200, "administrator": 200}

# (method, url, body, expected status per role; anonymous is always 401)
ENDPOINTS = [
    ("get", "/calls/{call}/assessment/", None, {**ADMIN_ONLY, "administrator": 200}),
    ("put", "/calls/{call}/assessment/", {"reviewers_per_application": 3}, {**ADMIN_ONLY, "administrator": 200}),
    ("post", "/calls/{call}/auto-assign/", {}, {**ADMIN_ONLY, "administrator": 200}),
    ("get", "/calls/{call}/criteria/", None, READ_ALL),
    ("post", "/calls/{config}/criteria/", CRITERION, {**ADMIN_ONLY, "administrator": 201}),
    ("get", "/calls/{call}/criteria/{criterion}/", None, READ_ALL),
    ("put", "/calls/{config}/criteria/{config_criterion}/", CRITERION, {**ADMIN_ONLY, "administrator": 200}),
    ("patch", "/calls/{config}/criteria/{config_criterion}/", {"weight": "2"}, {**ADMIN_ONLY, "administrator": 200}),
    ("delete", "/calls/{config}/criteria/{config_spare}/", None, {**ADMIN_ONLY, "administrator": 204}),
    ("get", "/calls/{call}/need-bands/", None, {**ADMIN_ONLY, "administrator": 200}),
    ("post", "/calls/{config}/need-bands/", BAND, {**ADMIN_ONLY, "administrator": 201}),
    ("get", "/calls/{call}/need-bands/{band}/", None, {**ADMIN_ONLY, "administrator": 200}),
    ("put", "/calls/{config}/need-bands/{config_band}/", BAND, {**ADMIN_ONLY, "administrator": 200}),
    ("patch", "/calls/{config}/need-bands/{config_band}/", {"points": "5"}, {**ADMIN_ONLY, "administrator": 200}),
    ("delete", "/calls/{config}/need-bands/{config_band}/", None, {**ADMIN_ONLY, "administrator": 204}),
    ("get", "/calls/{call}/bonus-rules/", None, {**ADMIN_ONLY, "administrator": 200}),
    ("post", "/calls/{config}/bonus-rules/", RULE, {**ADMIN_ONLY, "administrator": 201}),
    ("get", "/calls/{call}/bonus-rules/{rule}/", None, {**ADMIN_ONLY, "administrator": 200}),
    ("put", "/calls/{config}/bonus-rules/{config_rule}/", RULE, {**ADMIN_ONLY, "administrator": 200}),
    ("patch", "/calls/{config}/bonus-rules/{config_rule}/", {"points": "2"}, {**ADMIN_ONLY, "administrator": 200}),
    ("delete", "/calls/{config}/bonus-rules/{config_rule}/", None, {**ADMIN_ONLY, "administrator": 204}),
    ("get", "/applications/{a}/assignments/", None, {**ADMIN_ONLY, "administrator": 200}),
    ("post", "/applications/{a}/assignments/", {"reviewer": "{other_reviewer}"}, {**ADMIN_ONLY, "administrator": 201}),
    ("get", "/applications/{a}/reviews/", None, READ_OWN),
    ("get", "/applications/{a}/points/", None, {**ADMIN_ONLY, "administrator": 200}),
    ("post", "/applications/{b}/recompute-points/", None, {**ADMIN_ONLY, "administrator": 200}),
    ("get", "/assignments/", None, READ_ALL),
    ("get", "/assignments/{assignment}/", None, READ_OWN),
    ("get", "/assignments/{assignment}/review/", None, READ_OWN),
    (
        "put",
        "/assignments/{assignment}/review/",
        {"overall_comment": "Helder plan."},
        {**OWN_ASSIGNMENT, "reviewer": 200},
    ),
    ("post", "/assignments/{assignment}/submit/", None, {**OWN_ASSIGNMENT, "reviewer": 200}),
    ("post", "/assignments/{assignment}/conflict/", {"reason": "Oud-collega"}, {**OWN_ASSIGNMENT, "reviewer": 200}),
    ("post", "/assignments/{assignment}/unassign/", {"reason": "Ziek"}, {**ADMIN_ONLY, "administrator": 200}),
    ("post", "/reviews/{review}/reopen/", {"reason": "Motivering te kort"}, {**ADMIN_ONLY, "administrator": 200}),
]


def _client(role, world, users) -> APIClient:
    client = APIClient()
    if role == "other_reviewer":
        from accounts.models import User

        client.force_authenticate(User.objects.get(pk=world["other_reviewer"]))
    elif role != "anonymous":
        client.force_authenticate(users[role])
    return client


def _fill(value, world):
    if isinstance(value, str):
        return value.format(**world)
    if isinstance(value, dict):
        filled = {key: _fill(item, world) for key, item in value.items()}
        return {key: int(item) if key == "reviewer" else item for key, item in filled.items()}
    return value


@pytest.mark.parametrize(
    ("method", "path", "body", "expected"), ENDPOINTS, ids=[f"{m.upper()} {p}" for m, p, _b, _e in ENDPOINTS]
)
def test_permission_matrix(world, officer, reviewer, administrator, method, path, body, expected):
    users = {"officer": officer, "reviewer": reviewer, "administrator": administrator}
    url = "/api/v1" + _fill(path, world)
    expected = {"anonymous": 401, **expected}
    assert set(expected) == set(ROLES)
    # Refusals first: they change nothing, so the allowed calls afterwards meet the same state.
    for role in sorted(ROLES, key=lambda r: expected[r] < 400):
        response = getattr(_client(role, world, users), method)(url, _fill(body, world), format="json")
        assert response.status_code == expected[role], (role, response.content[:300])


def test_every_endpoint_is_in_the_matrix():
    from drf_spectacular.generators import SchemaGenerator

    def shape(path: str) -> str:
        return re.sub(r"{[a-z_]+}", "{}", path.removeprefix("/api/v1"))

    parts = (
        "/assessment/",
        "/auto-assign/",
        "/criteria/",
        "/need-bands/",
        "/bonus-rules/",
        "/assignments/",
        "/reviews/",
        "/points/",
        "/recompute-points/",
    )
    schema = SchemaGenerator().get_schema(request=None, public=True)
    ours = {
        (method, shape(path))
        for path, operations in schema["paths"].items()
        for method in operations
        if any(part in path for part in parts)
    }
    assert ours == {(method, shape(path)) for method, path, _b, _e in ENDPOINTS}


def test_officers_and_other_organisations_get_nothing_for_an_unknown_call(officer, administrator):
    client = APIClient()
    client.force_authenticate(officer)
    assert client.get("/api/v1/calls/999999/criteria/").status_code == 403
    client.force_authenticate(administrator)
    assert client.get("/api/v1/calls/999999/criteria/").status_code == 404
    assert client.get("/api/v1/calls/999999/assessment/").status_code == 404


def test_ministry_staff_without_two_factor_are_refused(world):
    unenrolled = ReviewerFactory(totp=False)
    client = APIClient()
    client.force_authenticate(unenrolled)
    response = client.get("/api/v1/assignments/")
    assert response.status_code == 403
    assert "Tweestapsverificatie" in response.json()["detail"]


# --- Query counts --------------------------------------------------------------------------------------


def _reviewed(administrator, reviewers: int, *, submit: bool = True):
    """An application with ``reviewers`` reviewers who all scored (and, by default, submitted)."""
    application = submitted_application(OfficerFactory())
    criteria = [CriterionFactory(call=application.call, weight=D("2")) for _i in range(2)]
    pool = [ReviewerFactory() for _i in range(reviewers)]
    assignments = [
        assessment.assign_reviewer(application=application, reviewer=person, by=administrator) for person in pool
    ]
    for index, (person, assignment) in enumerate(zip(pool, assignments, strict=True)):
        assessment.save_review(
            assignment=assignment,
            by=person,
            scores={c.pk: {"score": 5 + index % 4, "motivation": "Onderbouwd"} for c in criteria},
        )
        if submit:
            assessment.submit_review(assignment=assignment, by=person)
    return application, pool


@pytest.mark.parametrize("endpoint", ["reviews", "points"])
def test_application_reviews_and_points_cost_the_same_with_more_reviews(count_queries, administrator, endpoint):
    client = APIClient()
    client.force_authenticate(administrator)
    few, few_pool = _reviewed(administrator, 2)
    many, many_pool = _reviewed(administrator, 6)
    assert Review.objects.filter(assignment__application=many, status="submitted").count() == 6
    few_count = count_queries(client, f"/api/v1/applications/{few.pk}/{endpoint}/")
    assert count_queries(client, f"/api/v1/applications/{many.pk}/{endpoint}/") == few_count
    if endpoint == "reviews":
        assert client.get(f"/api/v1/applications/{many.pk}/reviews/").json()["count"] == 6
        # A reviewer whose own review is in sees everyone's, at the same cost.
        client.force_authenticate(few_pool[0])
        few_count = count_queries(client, f"/api/v1/applications/{few.pk}/reviews/")
        client.force_authenticate(many_pool[0])
        assert count_queries(client, f"/api/v1/applications/{many.pk}/reviews/") == few_count
    else:
        assert client.get(f"/api/v1/applications/{many.pk}/points/").json()["review_count"] == 6


def test_provisional_points_cost_the_same_with_more_reviews(count_queries, administrator):
    client = APIClient()
    client.force_authenticate(administrator)
    few, _pool = _reviewed(administrator, 2, submit=False)
    many, _pool = _reviewed(administrator, 6, submit=False)
    few_count = count_queries(client, f"/api/v1/applications/{few.pk}/points/")
    assert count_queries(client, f"/api/v1/applications/{many.pk}/points/") == few_count


def test_assignment_lists_cost_the_same_with_more_assignments(count_queries, administrator, reviewer):
    admin, own = APIClient(), APIClient()
    admin.force_authenticate(administrator)
    own.force_authenticate(reviewer)

    def grow(n):
        for _i in range(n):
            application = submitted_application(OfficerFactory())
            CriterionFactory(call=application.call)
            assignment = assessment.assign_reviewer(application=application, reviewer=reviewer, by=administrator)
            assessment.save_review(assignment=assignment, by=reviewer, scores={}, overall_comment="Begonnen")
            assessment.assign_reviewer(application=application, reviewer=ReviewerFactory(), by=administrator)

    grow(2)
    few_admin, few_own = count_queries(admin, "/api/v1/assignments/"), count_queries(own, "/api/v1/assignments/")
    grow(4)
    assert own.get("/api/v1/assignments/").json()["count"] == 6
    assert admin.get("/api/v1/assignments/").json()["count"] == 12
    assert count_queries(admin, "/api/v1/assignments/") == few_admin
    assert count_queries(own, "/api/v1/assignments/") == few_own
