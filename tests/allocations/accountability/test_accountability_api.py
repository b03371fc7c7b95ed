"""The accountability API: the same rules as the pages, scoped per organisation, with clear 400s."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from allocations.accountability.models import Statement

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_officer_reports_and_lists_only_their_own(officer, awards, administrator):
    api = client_for(officer)
    response = api.post(
        "/api/v1/accountability/statements/",
        {"decision_number": awards[1].number, "year": 2027, "spent": "1000.50"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["spent_to_date"] == "1000.50"
    client_for(administrator).post(
        "/api/v1/accountability/statements/",
        {"decision_number": awards[2].number, "year": 2027, "spent": "5.00"},
        format="json",
    )
    assert [s["decision_number"] for s in api.get("/api/v1/accountability/statements/").json()] == [awards[1].number]
    due = api.get("/api/v1/accountability/due/").json()
    assert {(d["decision_number"], d["year"]) for d in due} == {(awards[1].number, 2028)}


def test_a_foreign_or_unknown_decision_is_not_found_and_a_bad_figure_is_a_400(officer, awards):
    api = client_for(officer)
    for number in (awards[2].number, "NPLV-ONBEKEND"):
        response = api.post(
            "/api/v1/accountability/statements/", {"decision_number": number, "year": 2027, "spent": "1"}, format="json"
        )
        assert response.status_code == 404
    response = api.post(
        "/api/v1/accountability/statements/",
        {"decision_number": awards[1].number, "year": 2027, "spent": "120001.01"},
        format="json",
    )
    assert response.status_code == 400
    assert "hoger dan het toegekende bedrag" in str(response.json())
    response = api.post(
        "/api/v1/accountability/statements/",
        {"decision_number": awards[1].number, "year": 2027, "spent": "12,50"},
        format="json",
    )
    assert response.status_code == 400
    assert not Statement.objects.exists()


def test_the_import_answers_with_the_errors_per_line(administrator, officer, awards):
    content = b"gemeente;beschikkingsnummer;jaar;indicator;waarde\nGM0356;NPLV-ONBEKEND;2027;B01;1\n"
    response = client_for(administrator).post(
        "/api/v1/accountability/imports/", {"file": SimpleUploadedFile("s.csv", content)}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [{"line": 2, "message": "Onbekend beschikkingsnummer: NPLV-ONBEKEND."}]
    response = client_for(officer).post(
        "/api/v1/accountability/imports/", {"file": SimpleUploadedFile("s.csv", content)}, format="multipart"
    )
    assert response.status_code == 403
