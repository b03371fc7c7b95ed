"""Settlements through the API (DESIGN.md §10): the three steps by three people (403 for the same person
twice), 400 with the field's error and nothing changed, 403 for an officer, the call's overview adding up,
money as strings with two decimals, and the endpoints in the OpenAPI schema."""

import pytest
import time_machine
from rest_framework.test import APIClient

from allocations.settlements.models import Settlement, SettlementStatus
from tests.allocations.settlements.conftest import SETTLE_DAY

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture(autouse=True)
def _on_settle_day():
    with time_machine.travel(SETTLE_DAY, tick=False):
        yield


def test_three_steps_by_three_people_through_the_api(spuk, reviewer, administrator, coordinator):
    proposed = _api(reviewer).post(f"/api/v1/decisions/{spuk.pk}/settlements/", {}, format="json")
    assert proposed.status_code == 201, proposed.content
    body = proposed.json()
    assert (body["settled"], body["reclaim"], body["final_payment"], body["status"]) == (
        "50000.00",
        "10000.50",
        "0.00",
        "proposed",
    )
    pk = body["id"]
    same = _api(reviewer).post(f"/api/v1/settlements/{pk}/check/", {"reclaim_number": "V-1"}, format="json")
    assert same.status_code == 403  # a reviewer is no internal auditor
    missing = _api(administrator).post(f"/api/v1/settlements/{pk}/check/", {}, format="json")
    assert missing.status_code == 400 and "reclaim_number" in missing.json()
    assert Settlement.objects.get().status == SettlementStatus.PROPOSED
    checked = _api(administrator).post(f"/api/v1/settlements/{pk}/check/", {"reclaim_number": "V-1"}, format="json")
    assert checked.status_code == 200 and checked.json()["reclaim_number"] == "V-1"
    twice = _api(administrator).post(f"/api/v1/settlements/{pk}/approve/", format="json")
    assert twice.status_code == 403 and "vier-ogenprincipe" in twice.json()["detail"]
    approved = _api(coordinator).post(f"/api/v1/settlements/{pk}/approve/", format="json")
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved" and approved.json()["reclaim_due_on"] == "2029-10-15"
    again = _api(coordinator).post(f"/api/v1/settlements/{pk}/approve/", format="json")
    assert again.status_code == 409


def test_the_calls_overview_adds_up(spuk, reviewer):
    overview = _api(reviewer).get(f"/api/v1/calls/{spuk.run.call_id}/settlements/").json()
    total = overview["total"]
    assert total["awarded"] == "170001.01"  # the full award and the partial one of the run
    rows = {row["decision_number"]: row for row in overview["rows"]}
    assert rows[spuk.number]["ready"] is True
    for row in overview["rows"]:
        figures = {key: float(value) if value is not None else None for key, value in row["figures"].items()}
        assert round(figures["paid"] + figures["still_due"] + figures["lapsed"], 2) == figures["awarded"]


def test_a_proposal_the_law_does_not_allow_is_a_400_in_english_and_changes_nothing(subsidy, reviewer):
    response = _api(reviewer).post(
        f"/api/v1/decisions/{subsidy.pk}/settlements/",
        {"proposed": "1000.00"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "choose the ground" in " ".join(response.json()["proposed"])
    assert not Settlement.objects.exists()


def test_an_officer_gets_a_403_on_every_settlement_endpoint(spuk, reviewer, officer):
    settlement = _api(reviewer).post(f"/api/v1/decisions/{spuk.pk}/settlements/", {}, format="json").json()["id"]
    client = _api(officer)
    assert client.get("/api/v1/settlements/").status_code == 403
    assert client.get(f"/api/v1/settlements/{settlement}/").status_code == 403
    assert client.get(f"/api/v1/calls/{spuk.run.call_id}/settlements/").status_code == 403
    assert client.post(f"/api/v1/decisions/{spuk.pk}/settlements/", {}, format="json").status_code == 403
    for step in ("check", "approve", "withdraw"):
        assert client.post(f"/api/v1/settlements/{settlement}/{step}/", {}, format="json").status_code == 403
    assert Settlement.objects.get().status == SettlementStatus.PROPOSED


def test_the_settlement_endpoints_are_in_the_schema(client):
    schema = client.get("/api/v1/schema/").content.decode()
    for path in (
        "/api/v1/settlements/",
        "/api/v1/settlements/{id}/approve/",
        "/api/v1/decisions/{id}/settlements/",
        "/api/v1/calls/{id}/settlements/",
    ):
        assert path in schema
