"""The permission matrix over every assessment page and action (the assigned reviewer, another reviewer,
the officer of the municipality, another officer, an administrator, an anonymous visitor), and the query
counts of the queue, the assessment page and the points page as the reviews grow."""

from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse

from applications.assessment import points
from applications.assessment import services as assessment
from applications.assessment.selectors import assignable, available_reviewers, call_overview, reviewer_pool
from tests.applications.assessment.test_review_pages import submit_by_service
from tests.applications.assessment.test_review_pages_points import priority_rules
from tests.factories import (
    CallFactory,
    CriterionFactory,
    OfficerFactory,
    ReviewerFactory,
    complete_application,
    submitted_application,
)

pytestmark = pytest.mark.django_db

ROLES = ("reviewer", "other_reviewer", "officer", "other_officer", "administrator")
ADMIN_ONLY_OBJECT = {"reviewer": 403, "other_reviewer": 404, "officer": 403, "other_officer": 404}


def expect(admin: int, **others) -> dict:
    return {**ADMIN_ONLY_OBJECT, "administrator": admin, **others}


# (case id, url name, target of the url, method, post data, expected status per role)
CASES = [
    (
        "queue",
        "review_queue",
        None,
        "get",
        None,
        {"reviewer": 200, "other_reviewer": 200, "officer": 403, "other_officer": 403, "administrator": 403},
    ),
    (
        "review page",
        "review_detail",
        "assignment",
        "get",
        None,
        {"reviewer": 200, "other_reviewer": 404, "officer": 404, "other_officer": 404, "administrator": 404},
    ),
    (
        "save draft",
        "review_detail",
        "assignment",
        "post",
        {"actie": "opslaan"},
        {"reviewer": 302, "other_reviewer": 404, "officer": 404, "other_officer": 404, "administrator": 404},
    ),
    (
        "declare conflict",
        "review_conflict",
        "assignment",
        "post",
        {"conflict-reason": "Mijn broer."},
        {"reviewer": 302, "other_reviewer": 404, "officer": 404, "other_officer": 404, "administrator": 404},
    ),
    (
        "assessment page",
        "call_assessment",
        "call",
        "get",
        None,
        {"reviewer": 403, "other_reviewer": 403, "officer": 403, "other_officer": 403, "administrator": 200},
    ),
    (
        "auto-assign",
        "call_auto_assign",
        "call",
        "post",
        {"automatisch-per_application": "1"},
        {"reviewer": 403, "other_reviewer": 403, "officer": 403, "other_officer": 403, "administrator": 200},
    ),
    ("assign", "assign_reviewer", "application", "post", "free reviewer", expect(302)),
    ("unassign", "review_unassign", "assignment", "post", "unassign reason", expect(302)),
    ("reopen", "review_reopen", "submitted assignment", "post", "reopen reason", expect(302)),
    ("points page", "application_points", "application", "get", None, expect(200)),
    (
        "points page of a draft",
        "application_points",
        "draft",
        "get",
        None,
        {**expect(404), "officer": 403, "reviewer": 404},
    ),
    ("recompute", "points_recompute", "application", "post", {}, expect(302)),
]


@pytest.fixture
def world(officer, administrator, reviewer):
    application = submitted_application(officer)
    CriterionFactory(call=application.call, name="Effectiviteit", weight=D("2"))
    assignment = assessment.assign_reviewer(application=application, reviewer=reviewer, by=administrator)
    # A second application of the municipality (in another call) with a review the reviewer submitted; one of
    # the two reviewers it needs, so it stays in review and the review can be reopened.
    second = submitted_application(officer)
    criterion = CriterionFactory(call=second.call, name="Bereik", weight=D("1"))
    submitted = assessment.assign_reviewer(application=second, reviewer=reviewer, by=administrator)
    submit_by_service(submitted, reviewer, [criterion], [7])
    return {
        "call": application.call,
        "application": application,
        "assignment": assignment,
        "submitted assignment": submitted,
        "draft": complete_application(municipality=officer.municipality, created_by=officer),
        "free": ReviewerFactory(full_name="Vera Vrij"),
    }


def client_for(request, role) -> Client:
    if role == "other_reviewer":
        client = Client()
        client.force_login(ReviewerFactory(email="ander@minvro.nl"))
        return client
    return request.getfixturevalue(f"{role}_client")


def _url(name, target, world):
    if target is None:
        return reverse(name)
    return reverse(name, args=[world[target].pk])


def _data(data, world):
    if data == "free reviewer":
        return {f"toewijzen{world['application'].pk}-reviewer": world["free"].pk}
    if data == "unassign reason":
        return {f"intrek{world['assignment'].pk}-reason": "Te veel werk."}
    if data == "reopen reason":
        return {f"heropen{world['submitted assignment'].pk}-reason": "Motivering te kort."}
    return data


CASE_ARGS = ("case", "name", "target", "method", "data", "expected")
CASE_IDS = [c[0] for c in CASES]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(CASE_ARGS, CASES, ids=CASE_IDS)
def test_permission_matrix(request, world, role, case, name, target, method, data, expected):
    client = client_for(request, role)
    url = _url(name, target, world)
    response = client.get(url) if method == "get" else client.post(url, _data(data, world))
    assert response.status_code == expected[role], f"{case} as {role}"


@pytest.mark.parametrize(CASE_ARGS, CASES, ids=CASE_IDS)
def test_anonymous_visitors_log_in_first(client, world, case, name, target, method, data, expected):
    url = _url(name, target, world)
    response = client.get(url) if method == "get" else client.post(url, _data(data, world))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_wrong_methods_are_refused(administrator_client, reviewer_client, world):
    for client, name, target in (
        (administrator_client, "call_auto_assign", "call"),
        (administrator_client, "points_recompute", "application"),
        (administrator_client, "assign_reviewer", "application"),
        (reviewer_client, "review_conflict", "assignment"),
    ):
        assert client.get(reverse(name, args=[world[target].pk])).status_code == 405, name


def test_the_page_offers_the_same_reviewers_as_the_selector(world, administrator, municipality):
    linked = ReviewerFactory()
    linked.linked_municipalities.add(municipality)
    conflicted = ReviewerFactory()
    ended = assessment.assign_reviewer(application=world["application"], reviewer=conflicted, by=administrator)
    assessment.declare_conflict(assignment=ended, by=conflicted, reason="Oud-collega.")
    ReviewerFactory(is_active=False)
    pool = reviewer_pool()
    for application in call_overview(world["call"]):
        assert [r.pk for r in assignable(application, pool)] == [r.pk for r in available_reviewers(application)], (
            application.reference
        )


# --- query counts ----------------------------------------------------------------------------------


def _reviewed_applications(call, count, administrator, reviewer, criteria, *, submit=True):
    for _index in range(count):
        application = submitted_application(OfficerFactory(), call=call)
        assignment = assessment.assign_reviewer(application=application, reviewer=reviewer, by=administrator)
        if submit:
            submit_by_service(assignment, reviewer, criteria, [6, 8])
        else:
            assessment.save_review(
                assignment=assignment, by=reviewer, scores={criteria[0].pk: {"score": 5, "motivation": "Concept."}}
            )


@pytest.fixture
def call_with_rules(db):
    call = CallFactory()
    criteria = [CriterionFactory(call=call, weight=D("3")), CriterionFactory(call=call, weight=D("2"))]
    settings = points.assessment_settings(call)
    settings.reviewers_per_application = 1
    settings.save()
    return call, criteria


def test_the_queue_costs_the_same_queries_for_2_and_6_reviews(
    count_queries, reviewer_client, reviewer, administrator, call_with_rules
):
    call, criteria = call_with_rules
    _reviewed_applications(call, 1, administrator, reviewer, criteria)
    _reviewed_applications(call, 1, administrator, reviewer, criteria, submit=False)
    few = count_queries(reviewer_client, reverse("review_queue"), warm=True)
    home = count_queries(reviewer_client, reverse("home"), warm=True)
    _reviewed_applications(call, 2, administrator, reviewer, criteria)
    _reviewed_applications(call, 2, administrator, reviewer, criteria, submit=False)
    assert count_queries(reviewer_client, reverse("review_queue"), warm=True) == few
    assert count_queries(reviewer_client, reverse("home"), warm=True) == home


def test_the_assessment_page_costs_the_same_queries_for_2_and_6_reviews(
    count_queries, administrator_client, administrator, call_with_rules
):
    call, criteria = call_with_rules
    reviewers = [ReviewerFactory() for _ in range(2)]
    for reviewer in reviewers:
        _reviewed_applications(call, 1, administrator, reviewer, criteria)
    url = reverse("call_assessment", args=[call.pk])
    few = count_queries(administrator_client, url, warm=True)
    more = [ReviewerFactory() for _ in range(4)]
    for reviewer in more:
        _reviewed_applications(call, 1, administrator, reviewer, criteria)
    conflicted = ReviewerFactory()
    application = submitted_application(OfficerFactory(), call=call)
    ended = assessment.assign_reviewer(application=application, reviewer=conflicted, by=administrator)
    assessment.declare_conflict(assignment=ended, by=conflicted, reason="Familie.")
    assert count_queries(administrator_client, url, warm=True) == few


def test_the_points_page_costs_the_same_queries_for_2_and_6_reviews(
    count_queries, administrator_client, administrator, officer
):
    """The provisional preview while reviews come in, and the stored breakdown after."""
    application = submitted_application(officer)
    criteria = [
        CriterionFactory(call=application.call, weight=D("3")),
        CriterionFactory(call=application.call, weight=D("2")),
    ]
    priority_rules(application)
    settings = points.assessment_settings(application.call)
    settings.reviewers_per_application = 7
    settings.save()
    url = reverse("application_points", args=[application.pk])

    def review(count):
        for _index in range(count):
            reviewer = ReviewerFactory()
            assignment = assessment.assign_reviewer(application=application, reviewer=reviewer, by=administrator)
            submit_by_service(assignment, reviewer, criteria, [6, 8])

    review(2)
    provisional_few = count_queries(administrator_client, url, warm=True)
    review(4)
    assert count_queries(administrator_client, url, warm=True) == provisional_few

    # Stored: two calls alike but for the number of reviews.
    stored = []
    for count in (2, 6):
        other = submitted_application(OfficerFactory(), call=CallFactory())
        other_criteria = [
            CriterionFactory(call=other.call, weight=D("3")),
            CriterionFactory(call=other.call, weight=D("2")),
        ]
        priority_rules(other)
        other_settings = points.assessment_settings(other.call)
        other_settings.reviewers_per_application = count
        other_settings.save()
        for _index in range(count):
            reviewer = ReviewerFactory()
            assignment = assessment.assign_reviewer(application=other, reviewer=reviewer, by=administrator)
            submit_by_service(assignment, reviewer, other_criteria, [6, 8])
        other.refresh_from_db()
        assert other.points.review_count == count
        stored.append(count_queries(administrator_client, reverse("application_points", args=[other.pk]), warm=True))
    assert stored[0] == stored[1]
