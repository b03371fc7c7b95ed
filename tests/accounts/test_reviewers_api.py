"""Administrators list the reviewers' ids, which a client needs to assign them (DESIGN.md §10)."""

import pytest
from rest_framework.test import APIClient

from tests.factories import ReviewerFactory

pytestmark = pytest.mark.django_db


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_administrators_list_active_reviewers_with_id_name_and_email(administrator, reviewer):
    second = ReviewerFactory(full_name="Bea Beoordelaar", email="bea@minvro.nl")
    ReviewerFactory(full_name="Oud Beoordelaar", is_active=False)
    response = _client(administrator).get("/api/v1/reviewers/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["results"] == [
        {"id": second.pk, "name": "Bea Beoordelaar", "email": "bea@minvro.nl"},
        {"id": reviewer.pk, "name": reviewer.full_name, "email": reviewer.email},
    ]


def test_the_ids_are_the_ones_assignment_takes(administrator, reviewer, officer):
    from tests.factories import submitted_application

    application = submitted_application(officer)
    client = _client(administrator)
    reviewer_id = client.get("/api/v1/reviewers/").json()["results"][0]["id"]
    assigned = client.post(f"/api/v1/applications/{application.pk}/assignments/", {"reviewer": reviewer_id})
    assert assigned.status_code == 201, assigned.json()


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("officer", 403), ("reviewer", 403)])
def test_other_roles_may_not_list_reviewers(request, role, status):
    user = request.getfixturevalue(role) if role else None
    assert _client(user).get("/api/v1/reviewers/").status_code == status


def test_the_list_costs_the_same_queries_for_more_reviewers(administrator, count_queries):
    ReviewerFactory.create_batch(2)
    client = _client(administrator)
    few = count_queries(client, "/api/v1/reviewers/")
    ReviewerFactory.create_batch(8)
    assert client.get("/api/v1/reviewers/").json()["count"] == 10
    assert count_queries(client, "/api/v1/reviewers/") == few


def test_the_schema_documents_the_list():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/reviewers/"]["get"]
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ok.endswith("/PaginatedReviewerList")
    assert set(schema["components"]["schemas"]["Reviewer"]["properties"]) == {"id", "name", "email"}
