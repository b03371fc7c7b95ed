"""The OpenAPI schema validates without a single warning and documents every endpoint of the API."""

import pytest
import yaml
from django.core.management import call_command

PATHS = {
    "/api/v1/me/": {"get"},
    "/api/v1/municipalities/": {"get"},
    "/api/v1/schemes/": {"get", "post"},
    "/api/v1/schemes/{id}/": {"get", "put", "patch"},
    "/api/v1/calls/": {"get", "post"},
    "/api/v1/calls/{id}/": {"get", "put", "patch", "delete"},
    "/api/v1/applications/": {"get", "post"},
    "/api/v1/applications/{id}/": {"get", "put", "patch", "delete"},
    "/api/v1/applications/{id}/submit/": {"post"},
    "/api/v1/applications/{id}/withdraw/": {"post"},
    "/api/v1/applications/{id}/request-information/": {"post"},
    "/api/v1/applications/{id}/start-review/": {"post"},
    "/api/v1/applications/{id}/attachments/": {"get", "post"},
    "/api/v1/applications/{id}/attachments/{attachment_id}/": {"get", "delete"},
    "/api/v1/applications/{id}/history/": {"get"},
    "/api/v1/applications/{id}/pdf/": {"get"},
}


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    """``manage.py spectacular --validate --fail-on-warn``: any warning or validation error fails."""
    path = tmp_path_factory.mktemp("openapi") / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_every_endpoint_is_documented_with_a_summary(schema):
    for path, methods in PATHS.items():
        assert path in schema["paths"], path
        documented = {m for m in schema["paths"][path] if m in {"get", "post", "put", "patch", "delete"}}
        assert documented == methods, path
        for method in methods:
            if path.startswith(("/api/v1/applications", "/api/v1/calls", "/api/v1/schemes")):
                assert schema["paths"][path][method].get("summary"), (path, method)


def test_lists_are_paginated_and_money_is_a_string(schema):
    components = schema["components"]["schemas"]
    ok = schema["paths"]["/api/v1/applications/"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["$ref"].endswith("/PaginatedApplicationListItemList")
    paginated = components["PaginatedApplicationListItemList"]["properties"]
    assert set(paginated) == {"count", "next", "previous", "results"}
    assert paginated["results"]["items"]["$ref"].endswith("/ApplicationListItem")
    for component in ("Application", "ApplicationListItem"):
        for field in ("requested_amount", "budget_total"):
            assert components[component]["properties"][field]["type"] == "string"
    # The list is the lighter summary; the budget lines, attachments and long texts are in the detail only.
    detail = schema["paths"]["/api/v1/applications/{id}/"]["get"]["responses"]["200"]["content"]
    assert detail["application/json"]["schema"]["$ref"].endswith("/Application")
    for field in ("budget_lines", "attachments", "information_requests", "goals"):
        assert field in components["Application"]["properties"]
        assert field not in components["ApplicationListItem"]["properties"]
    assert components["Call"]["properties"]["budget"]["type"] == "string"


def test_downloads_are_binary_and_uploads_multipart(schema):
    pdf = schema["paths"]["/api/v1/applications/{id}/pdf/"]["get"]["responses"]["200"]["content"]
    assert pdf == {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}
    download = schema["paths"]["/api/v1/applications/{id}/attachments/{attachment_id}/"]["get"]
    assert download["responses"]["200"]["content"]["application/pdf"]["schema"]["format"] == "binary"
    upload = schema["paths"]["/api/v1/applications/{id}/attachments/"]["post"]["requestBody"]["content"]
    assert list(upload) == ["multipart/form-data"]


def test_actions_have_their_own_request_bodies(schema):
    withdraw = schema["paths"]["/api/v1/applications/{id}/withdraw/"]["post"]
    ref = withdraw["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/WithdrawRequest")
    asked = schema["paths"]["/api/v1/applications/{id}/request-information/"]["post"]
    ref = asked["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/InformationRequestInputRequest")
    assert "message" in schema["components"]["schemas"]["InformationRequestInputRequest"]["required"]


@pytest.mark.django_db
def test_schema_and_docs_are_served(client):
    assert client.get("/api/v1/schema/").status_code == 200
    assert client.get("/api/v1/docs/").status_code == 200


ASSESSMENT_PATHS = {
    "/api/v1/calls/{id}/assessment/": {"get", "put"},
    "/api/v1/calls/{id}/auto-assign/": {"post"},
    "/api/v1/calls/{call_id}/criteria/": {"get", "post"},
    "/api/v1/calls/{call_id}/criteria/{id}/": {"get", "put", "patch", "delete"},
    "/api/v1/calls/{call_id}/need-bands/": {"get", "post"},
    "/api/v1/calls/{call_id}/need-bands/{id}/": {"get", "put", "patch", "delete"},
    "/api/v1/calls/{call_id}/bonus-rules/": {"get", "post"},
    "/api/v1/calls/{call_id}/bonus-rules/{id}/": {"get", "put", "patch", "delete"},
    "/api/v1/applications/{id}/assignments/": {"get", "post"},
    "/api/v1/applications/{id}/reviews/": {"get"},
    "/api/v1/applications/{id}/points/": {"get"},
    "/api/v1/applications/{id}/recompute-points/": {"post"},
    "/api/v1/assignments/": {"get"},
    "/api/v1/assignments/{id}/": {"get"},
    "/api/v1/assignments/{id}/review/": {"get", "put"},
    "/api/v1/assignments/{id}/submit/": {"post"},
    "/api/v1/assignments/{id}/conflict/": {"post"},
    "/api/v1/assignments/{id}/unassign/": {"post"},
    "/api/v1/reviews/{id}/reopen/": {"post"},
}


def test_every_assessment_endpoint_is_documented_with_a_summary(schema):
    for path, methods in ASSESSMENT_PATHS.items():
        assert path in schema["paths"], path
        documented = {m for m in schema["paths"][path] if m in {"get", "post", "put", "patch", "delete"}}
        assert documented == methods, path
        for method in methods:
            assert schema["paths"][path][method].get("summary"), (path, method)


def test_assessment_lists_are_paginated_and_points_are_strings(schema):
    components = schema["components"]["schemas"]
    for path in ("/api/v1/assignments/", "/api/v1/applications/{id}/reviews/", "/api/v1/calls/{call_id}/criteria/"):
        ok = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert ok["$ref"].split("/")[-1].startswith("Paginated"), path
    for field in ("reviewer_score", "need_score", "bonus_score", "total"):
        assert components["Points"]["properties"][field]["type"] == "string"
    assert components["PointsComponent"]["properties"]["points"]["type"] == "string"
    assert components["Criterion"]["properties"]["weight"]["type"] == "string"


def test_decimals_need_a_digit_and_reasons_may_not_be_blank(schema):
    """The request schemas refuse what the API refuses: "", "-" or "." for a number, a blank reason."""
    import re

    components = schema["components"]["schemas"]
    weight = components["CriterionRequest"]["properties"]["weight"]["pattern"]
    amount = components["BudgetLineRequest"]["properties"]["amount"]["pattern"]
    for pattern in (weight, amount):
        assert [v for v in ("", "-", ".", "-.", "12", "12.5", ".5", "-3.25") if re.search(pattern, v)] == [
            "12",
            "12.5",
            ".5",
            "-3.25",
        ]
    assert not re.search(amount, "1.234")
    for name in ("ConflictInputRequest", "ReopenInputRequest"):
        assert components[name]["required"] == ["reason"]
        reason = components[name]["properties"]["reason"]
        assert reason["minLength"] == 1
        assert [v for v in ("", " ", "Mijn partner") if re.search(reason["pattern"], v)] == ["Mijn partner"]
