"""Hostile input against every endpoint of the API, found by walking the OpenAPI schema, and every role:
OPTIONS, unparseable and deeply nested bodies, NUL characters in addresses, filters and bodies. None of it
may give a 5xx; each gets the API's JSON answer in the request's language (DESIGN.md §10)."""

import re
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.importers import ensure_indicators
from accounts.models import Network
from applications.assessment import points
from applications.assessment import services as assessment
from applications.models import Attachment, BonusRule, Call, NeedBand
from tests.factories import CriterionFactory, NetworkFactory, OfficerFactory, submitted_application

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "officer", "reviewer", "administrator")
WRITE_METHODS = ("post", "put", "patch")
NESTED = "[" * 5000 + "]" * 5000
NESTED_NL = "De JSON in het verzoek is te diep genest (meer dan 32 niveaus)."
NESTED_EN = "The JSON in the request is nested too deeply (more than 32 levels)."
NUL_NL = "Tekst mag geen NUL-teken (\\u0000) bevatten."


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation


def _json_body_operations(schema):
    for path, method, operation in _operations(schema):
        content = operation.get("requestBody", {}).get("content", {})
        if method in WRITE_METHODS and "application/json" in content:
            yield path, method, content["application/json"]["schema"]


@pytest.fixture
def world(officer, reviewer, administrator):
    """A submitted application in review with a draft review, its configuration (criterion, need band,
    bonus rule) and an attachment; a second application with a submitted review that can be reopened."""
    ensure_indicators()
    a = submitted_application(officer)
    criterion = CriterionFactory(call=a.call, name="Effectiviteit")
    assignment = assessment.assign_reviewer(application=a, reviewer=reviewer, by=administrator)
    assessment.save_review(
        assignment=assignment, by=reviewer, scores={criterion.pk: {"score": 7, "motivation": "Goed onderbouwd"}}
    )
    band = NeedBand.objects.create(
        call=a.call, indicator_id=ensure_indicators()["social_assistance"].pk, threshold=D("5"), points=D("4")
    )
    rule = BonusRule.objects.create(
        call=a.call, kind=BonusRule.Kind.NOT_FUNDED_BEFORE, label="Niet eerder", points=D("5")
    )
    attachment = Attachment.objects.create(
        application=a,
        file="attachments/x",
        original_name="plan.pdf",
        file_format="pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=officer,
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
    review = assessment.submit_review(assignment=b_assignment, by=reviewer)
    return {
        "users": {"officer": officer, "reviewer": reviewer, "administrator": administrator},
        # Path parameters by the resource that precedes them.
        "applications": a.pk,
        "attachments": attachment.pk,
        "assignments": assignment.pk,
        "calls": a.call_id,
        "criteria": criterion.pk,
        "need-bands": band.pk,
        "bonus-rules": rule.pk,
        "reviews": review.pk,
        "schemes": a.call.scheme_id,
        "municipalities": officer.municipality.cbs_code,
    }


def _url(path: str, world: dict, replace: str | None = None, value: str = "") -> str:
    """Fill each ``{param}`` with the id of the resource named just before it (or ``value`` for one)."""
    parts = path.split("/")
    for index, part in enumerate(parts):
        if part.startswith("{"):
            name = part[1:-1]
            parts[index] = value if name == replace else str(world[parts[index - 1]])
    return "/".join(parts)


def _client(world, role: str) -> APIClient:
    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(world["users"][role])
    return client


# --- OPTIONS -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_options_never_fails_on_any_endpoint_for_any_role(schema, world, role):
    client = _client(world, role)
    answered = {}
    for path in schema["paths"]:
        for url in (_url(path, world), re.sub(r"\{[^}]+\}", "999999", path)):
            response = client.options(url)
            assert response.status_code < 500, (role, url, response.status_code)
            assert response["Content-Type"].startswith("application/json"), (role, url)
            answered[url] = response.status_code
    if role == "administrator":
        for path in (
            "/api/v1/reviews/{id}/reopen/",
            "/api/v1/applications/{id}/recompute-points/",
            "/api/v1/applications/{id}/assignments/",
        ):
            url = _url(path, world)
            assert answered[url] == 200, url
            assert "Allow" in client.options(url)


def test_options_describes_the_endpoint_without_touching_data(world):
    client = _client(world, "administrator")
    url = _url("/api/v1/applications/{id}/", world)
    with CaptureQueriesContext(connection) as queries:
        response = client.options(url)
    assert response.status_code == 200
    assert set(response.json()) == {"name", "description", "renders", "parses", "schema"}
    assert not [q for q in queries.captured_queries if "applications_application" in q["sql"]]


# --- Unparseable and deeply nested bodies ------------------------------------------------------------


@pytest.mark.parametrize("role", ["officer", "reviewer", "administrator"])
def test_deeply_nested_json_is_a_400_on_every_json_endpoint(schema, world, role):
    client = _client(world, role)
    refused = []
    for path, method, _body in _json_body_operations(schema):
        url = _url(path, world)
        response = getattr(client, method)(url, NESTED, content_type="application/json")
        assert response.status_code in (400, 403, 404), (role, method, url, response.status_code)
        if response.status_code == 400:
            assert response.json() == {"detail": NESTED_NL}, (method, url)
            refused.append(url)
    assert refused, role
    if role == "administrator":
        # Every JSON endpoint an administrator may write reads the body, and refuses it.
        assert len(refused) >= 15


def test_parse_errors_are_dutch_by_default_and_english_on_request(world):
    client = _client(world, "officer")
    dutch = client.post("/api/v1/applications/", "{bad", content_type="application/json")
    english = client.post("/api/v1/applications/", "{bad", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert dutch.status_code == english.status_code == 400
    assert dutch.json() == {"detail": "De inhoud van het verzoek is geen geldige JSON (regel 1, kolom 2)."}
    assert english.json() == {"detail": "The request body is not valid JSON (line 1, column 2)."}
    nested = client.post("/api/v1/applications/", NESTED, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert nested.json() == {"detail": NESTED_EN}
    not_a_number = client.post("/api/v1/applications/", '{"requested_amount": NaN}', content_type="application/json")
    assert not_a_number.json() == {"detail": "De inhoud van het verzoek is geen geldige JSON."}
    undecodable = client.post("/api/v1/applications/", b'{"title": "\xff"}', content_type="application/json")
    assert undecodable.status_code == 400


# --- NUL characters ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["officer", "administrator"])
def test_a_nul_in_any_path_parameter_is_a_json_404_before_any_query(schema, world, role):
    client = _client(world, role)
    checked = 0
    for path, method, _operation in _operations(schema):
        for name in re.findall(r"\{([^}]+)\}", path):
            url = _url(path, world, replace=name, value="%00")
            with CaptureQueriesContext(connection) as queries:
                response = getattr(client, method)(url)
            assert response.status_code == 404, (method, url, response.status_code)
            assert response.json() == {"detail": "Niet gevonden."}
            assert queries.captured_queries == [], (method, url)
            checked += 1
    assert checked > 40


def test_a_nul_in_a_filter_is_a_400_with_the_field(world):
    client = _client(world, "administrator")
    for url in ("/api/v1/applications/?status=%00", "/api/v1/municipalities/?page=1%00", "/api/v1/assignments/?x%00=1"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert list(response.json().values()) == [[NUL_NL]], url
    assert client.get("/api/v1/applications/?status=%00").json() == {"status": [NUL_NL]}


@pytest.mark.parametrize("role", ["officer", "reviewer", "administrator"])
def test_a_nul_in_any_string_of_a_json_body_is_a_400_field_error(schema, world, role):
    """Every property of every JSON request body at once: each answers 400 naming the fields, or 403."""
    client = _client(world, role)
    refused = 0
    for path, method, body in _json_body_operations(schema):
        component = body["$ref"].rsplit("/", 1)[-1]
        properties = list(schema["components"]["schemas"][component].get("properties", {}))
        if not properties:
            continue
        url = _url(path, world)
        response = getattr(client, method)(url, {name: "a\x00b" for name in properties}, format="json")
        assert response.status_code in (400, 403), (method, url, response.status_code)
        if response.status_code == 400:
            assert response.json() == {name: [NUL_NL] for name in properties}, (method, url)
            refused += 1
    assert refused


def test_nul_in_networks_and_need_band_indicator_is_refused_and_nothing_saved(world):
    """The two fields that gave a 500 on PostgreSQL: a nested list item and a slug lookup."""
    NetworkFactory(code="NPLV")
    client = _client(world, "administrator")
    call = Call.objects.get(pk=world["calls"])
    networks_before = list(call.eligible_networks.values_list("code", flat=True))
    eligible = client.patch(f"/api/v1/calls/{call.pk}/", {"eligible_networks": ["NPLV\x00"]}, format="json")
    assert eligible.status_code == 400
    assert eligible.json() == {"eligible_networks": [NUL_NL]}
    band = client.post(
        f"/api/v1/calls/{call.pk}/need-bands/",
        {"indicator": "social\x00", "threshold": "9", "points": "1"},
        format="json",
    )
    assert band.status_code == 400
    assert band.json() == {"indicator": [NUL_NL]}
    english = client.post(
        f"/api/v1/calls/{call.pk}/need-bands/", {"indicator": "\x00"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.json() == {"indicator": ["Text may not contain a NUL character (\\u0000)."]}
    assert NeedBand.objects.filter(call=call).count() == 1
    assert list(call.eligible_networks.values_list("code", flat=True)) == networks_before
    assert Network.objects.count() == 1


def test_nul_in_a_form_body_of_the_api_is_a_400(world):
    client = _client(world, "officer")
    response = client.post(
        f"/api/v1/applications/{world['applications']}/withdraw/", {"reason": "x\x00"}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json() == {"reason": [NUL_NL]}


# --- Unknown addresses -------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
def test_unknown_api_addresses_answer_with_a_json_404(world, method):
    for client in (_client(world, "anonymous"), _client(world, "officer")):
        for url in ("/api/v1/nothing-here/", "/api/v1/applications/1/nothing/", "/api/v2/", "/api/v1/me"):
            response = getattr(client, method)(url)
            assert response.status_code == 404, url
            assert response["Content-Type"] == "application/json"
            assert response.json() == {"detail": "Niet gevonden."}


def test_unknown_api_addresses_answer_in_english_on_request(client):
    response = client.get("/api/v1/nothing-here/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json() == {"detail": "Not found."}


# --- Pages -------------------------------------------------------------------------------------------


def test_nul_in_a_page_address_is_a_dutch_404_page(officer_client, officer):
    with CaptureQueriesContext(connection) as queries:
        response = officer_client.get("/gemeenten/%00/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()
    assert not [q for q in queries.captured_queries if '"accounts_municipality"."cbs_code" =' in q["sql"]]
    assert officer_client.get(reverse("municipality_detail", args=[officer.municipality.cbs_code])).status_code == 200


def test_nul_in_a_page_filter_or_form_is_a_dutch_400_page_and_changes_nothing(officer_client, officer):
    listed = officer_client.get("/aanvragen/?status=%00")
    assert listed.status_code == 400
    assert "Ongeldig verzoek" in listed.content.decode()
    assert "NUL-teken" in listed.content.decode()
    before = officer.api_tokens.count()
    posted = officer_client.post(reverse("profile"), {"name": "koppeling\x00"})
    assert posted.status_code == 400
    assert officer.api_tokens.count() == before


def _page_routes() -> list[str]:
    """Every page pattern of the URL resolver (the API's are walked through its schema)."""
    from django.urls import URLPattern, URLResolver, get_resolver
    from django.urls.resolvers import RoutePattern

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if not isinstance(pattern.pattern, RoutePattern) and str(pattern.pattern) != "^":
                continue  # the admin's regular expressions: covered by its <path:…> routes
            route = "" if str(pattern.pattern) == "^" else str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern):
                yield prefix + route

    return [route for route in walk(get_resolver().url_patterns) if not route.startswith("api/")]


def test_every_page_address_with_a_nul_is_a_404(officer_client, administrator_client):
    routes = [route for route in _page_routes() if "<" in route]
    assert len(routes) > 10
    for client in (officer_client, administrator_client):
        for route in routes:
            url = "/" + re.sub(r"<[^>]+>", "%00", route)
            response = client.get(url)
            assert response.status_code == 404, url


@pytest.mark.parametrize("role_client", ["client", "officer_client", "reviewer_client", "administrator_client"])
def test_options_on_every_page_never_fails(request, world, role_client):
    client = request.getfixturevalue(role_client)
    for route in _page_routes():
        url = "/" + re.sub(r"<(?:int:)?[^>]+>", lambda m: "1" if m.group(0).startswith("<int:") else "x", route)
        assert client.options(url).status_code < 500, url


def test_a_forged_session_cookie_with_a_nul_is_no_session(client):
    """The session lookup would fail in PostgreSQL; the cookie counts as no session at all."""
    client.cookies["sessionid"] = "abcdefghijklmnop\x00"
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]


def test_an_unreadable_form_body_is_a_dutch_400(world):
    client = _client(world, "officer")
    response = client.post("/api/v1/applications/", b"--x\r\nbroken", content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.json() == {"detail": "Het formulier in het verzoek kon niet worden gelezen."}
    english = client.post(
        "/api/v1/applications/", b"--x\r\nbroken", content_type="multipart/form-data", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.json() == {"detail": "The form in the request could not be read."}
