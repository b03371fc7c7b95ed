"""The allocation API: policy, start, progress, four-eyes approval, verification, comparison and errors."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AuditEvent
from allocations.runs.models import AllocationLine, AllocationRun, Decision, RunSnapshot, RunStatus
from applications.models import Application, PointsBreakdown, Status
from tests.allocations.runs.builders import allocation_call, network, reviewed
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def call():
    call = allocation_call(budget=Decimal("400000.00"))
    reviewed(call, requested=Decimal("150000.00"), total=Decimal("80"))
    reviewed(call, requested=Decimal("200000.00"), total=Decimal("70"))
    reviewed(call, requested=Decimal("120000.00"), total=Decimal("60"))
    return call


@pytest.fixture
def api_start(django_capture_on_commit_callbacks):
    def go(client, call):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/api/v1/calls/{call.pk}/allocation-runs/")
        assert response.status_code == 202, response.content
        return response.json()["id"]

    return go


def test_start_poll_and_approve_with_four_eyes(call, administrator, second_administrator, api_start):
    starter, approver = client_for(administrator), client_for(second_administrator)
    run_id = api_start(starter, call)
    detail = starter.get(f"/api/v1/allocation-runs/{run_id}/").json()
    assert detail["status"] == "draft" and detail["progress"] == 100
    assert detail["total_awarded"] == "400000.00" and detail["lines"]["count"] == 3
    first = detail["lines"]["results"][0]
    assert first["rank"] == 1 and first["awarded"] == "150000.00" and first["reason"] == "full"
    assert sum(Decimal(s["awarded"]) for s in first["splits"]) == Decimal(first["awarded"])

    refused = starter.post(f"/api/v1/allocation-runs/{run_id}/approve/")
    assert refused.status_code == 403 and "vier-ogenprincipe" in refused.json()["detail"]

    approved = approver.post(f"/api/v1/allocation-runs/{run_id}/approve/")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "final"
    decisions = {d.application.reference: d for d in Decision.objects.select_related("application")}
    assert len(decisions) == 3
    outcomes = sorted((d.outcome, d.amount) for d in decisions.values())
    assert outcomes == [
        ("awarded", Decimal("150000.00")),
        ("awarded", Decimal("200000.00")),
        ("partially_awarded", Decimal("50000.00")),
    ]
    assert set(Application.objects.values_list("status", flat=True)) == {Status.AWARDED, Status.PARTIALLY_AWARDED}
    assert AuditEvent.objects.filter(verb__in=("application.awarded", "application.partially_awarded")).count() == 3
    assert all(d.number.startswith(f"{call.reference_prefix}-B1-") for d in decisions.values())

    again = approver.post(f"/api/v1/allocation-runs/{run_id}/approve/")
    assert again.status_code == 409


def test_inputs_changed_after_the_run_refuse_approval_and_list_the_change(
    call, administrator, second_administrator, api_start
):
    run_id = api_start(client_for(administrator), call)
    application = Application.objects.order_by("pk").first()
    PointsBreakdown.objects.filter(application=application).update(
        reviewer_score=Decimal("1.00"), total=Decimal("6.00")
    )
    response = client_for(second_administrator).post(f"/api/v1/allocation-runs/{run_id}/approve/")
    assert response.status_code == 409
    body = response.json()
    assert body["changes"] == [
        {"reference": application.reference, "application": application.pk, "fields": ["points"], "change": "changed"}
    ]
    assert AllocationRun.objects.get(pk=run_id).status == RunStatus.DRAFT
    assert not Decision.objects.exists()


def test_an_application_still_in_review_blocks_approval(call, administrator, second_administrator, api_start):
    late = reviewed(call, requested=Decimal("1000.00"), total=Decimal("1"), status=Status.IN_REVIEW)
    run_id = api_start(client_for(administrator), call)
    line = AllocationLine.objects.get(run_id=run_id, application=late)
    assert not line.included and line.reason == "in_review"
    response = client_for(second_administrator).post(f"/api/v1/allocation-runs/{run_id}/approve/")
    assert response.status_code == 409 and response.json()["missing"] == [late.reference]


def test_verify_confirms_and_reports_a_tampered_snapshot(call, administrator, api_start):
    client = client_for(administrator)
    run_id = api_start(client, call)
    result = client.post(f"/api/v1/allocation-runs/{run_id}/verify/").json()
    assert result["ok"] and result["hash_ok"] and result["differences"] == []
    snap = RunSnapshot.objects.get(run_id=run_id)
    snap.data["applications"][0]["requested"] = 1
    snap.save()
    result = client.post(f"/api/v1/allocation-runs/{run_id}/verify/").json()
    assert not result["ok"] and not result["hash_ok"]
    assert any(d["field"] == "awarded" for d in result["differences"])


def test_verify_reports_a_changed_line(call, administrator, api_start):
    client = client_for(administrator)
    run_id = api_start(client, call)
    line = AllocationLine.objects.filter(run_id=run_id, rank=1).get()
    AllocationLine.objects.filter(pk=line.pk).update(awarded=Decimal("1.00"))
    result = client.post(f"/api/v1/allocation-runs/{run_id}/verify/").json()
    assert result["hash_ok"] and not result["ok"]
    assert result["differences"] == [
        {"reference": line.application.reference, "field": "awarded", "stored": "100", "computed": "15000000"}
    ]


def test_compare_two_runs(call, administrator, api_start):
    client = client_for(administrator)
    a = api_start(client, call)
    # The rules are frozen since the window opened; between the runs a reopened review raised the points of
    # the last application, which now ranks first.
    last = Application.objects.filter(call=call).order_by("-pk").first()
    PointsBreakdown.objects.filter(application=last).update(reviewer_score=Decimal("85"), total=Decimal("90"))
    b = api_start(client, call)
    data = client.get(f"/api/v1/allocation-runs/{a}/compare/{b}/").json()
    assert data["total"]["award_a"] == data["total"]["award_b"] == "400000.00"
    assert data["funded_a"] == 3 and data["funded_b"] == 3
    assert {row["key"] for row in data["networks"]} == {"NPLV", "M50", "NEW_TOWN", "none"}
    none = next(row for row in data["networks"] if row["key"] == "none")
    assert none["award_b"] == "400000.00"
    assert sum(Decimal(row["difference"]) for row in data["municipalities"]) == 0


@pytest.fixture
def upcoming_call():
    """A call whose window has not opened yet: its rules, the policy with them, may still change."""
    now = timezone.now()
    return CallFactory(
        budget=Decimal("400000.00"), opens_at=now + timedelta(days=7), closes_at=now + timedelta(days=37)
    )


def test_policy_errors_are_dutch_and_change_nothing(upcoming_call, administrator):
    call = upcoming_call
    client = client_for(administrator)
    network("M50")
    response = client.put(
        f"/api/v1/calls/{call.pk}/allocation-policy/",
        {
            "method": "formula",
            "cap_amount": "500000.00",
            "pots": [
                {"name": "algemeen", "budget": "300000.00", "spill_to": ""},
                {"name": "M50", "budget": "200000.00", "network": "M50", "spill_to": "algemeen"},
            ],
        },
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert "hoger dan het te verdelen bedrag" in errors["cap_amount"][0]
    assert "gewicht" in errors["formula_weight"][0]
    assert any("latere pot" in message for message in errors["pots"])
    assert any("De potten samen" in message for message in errors["pots"])
    assert client.get(f"/api/v1/calls/{call.pk}/allocation-policy/").json()["revision"] == 0


def test_policy_put_and_get(upcoming_call, administrator):
    call = upcoming_call
    client = client_for(administrator)
    network("M50")
    body = {
        "method": "ranked",
        "cap_pct": "10.00",
        "reserve": "10000.00",
        "seed": 7,
        "pots": [
            {"name": "M50", "budget": "100000.00", "network": "M50", "spill_to": "algemeen"},
            {"name": "algemeen", "budget": "290000.00"},
        ],
    }
    assert client.put(f"/api/v1/calls/{call.pk}/allocation-policy/", body, format="json").status_code == 200
    data = client.get(f"/api/v1/calls/{call.pk}/allocation-policy/").json()
    assert data["revision"] == 1 and data["cap_pct"] == "10.00" and data["seed"] == 7
    assert data["pots"][0] == {"name": "M50", "budget": "100000.00", "network": "M50", "spill_to": "algemeen"}
    assert AuditEvent.objects.filter(verb="allocation_policy.saved").count() == 1
    assert call.rules_versions.count() == 1  # published as a new version of the call's rules


def test_policy_put_after_the_window_opened_is_a_409_citing_the_article_and_changes_nothing(call, administrator):
    client = client_for(administrator)
    before = client.get(f"/api/v1/calls/{call.pk}/allocation-policy/").json()
    audit = AuditEvent.objects.count()
    versions = list(call.rules_versions.values_list("number", "sha256"))
    response = client.put(f"/api/v1/calls/{call.pk}/allocation-policy/", {"method": "pro_rata"}, format="json")
    assert response.status_code == 409
    assert "artikel 4:27 van de Algemene wet bestuursrecht" in response.json()["detail"]
    english = client.put(
        f"/api/v1/calls/{call.pk}/allocation-policy/", {"method": "pro_rata"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "article 4:27 of the General Administrative Law Act" in english.json()["detail"]
    assert client.get(f"/api/v1/calls/{call.pk}/allocation-policy/").json() == before
    assert AuditEvent.objects.count() == audit
    assert list(call.rules_versions.values_list("number", "sha256")) == versions


@pytest.mark.parametrize("role", ["officer", "reviewer"])
def test_other_roles_get_403_on_every_endpoint(call, administrator, api_start, role, request):
    run_id = api_start(client_for(administrator), call)
    client = client_for(request.getfixturevalue(role))
    for method, url in [
        ("get", f"/api/v1/calls/{call.pk}/allocation-policy/"),
        ("put", f"/api/v1/calls/{call.pk}/allocation-policy/"),
        ("get", f"/api/v1/calls/{call.pk}/allocation-runs/"),
        ("post", f"/api/v1/calls/{call.pk}/allocation-runs/"),
        ("get", f"/api/v1/allocation-runs/{run_id}/"),
        ("post", f"/api/v1/allocation-runs/{run_id}/approve/"),
        ("post", f"/api/v1/allocation-runs/{run_id}/verify/"),
        ("post", f"/api/v1/allocation-runs/{run_id}/retry/"),
        ("get", f"/api/v1/allocation-runs/{run_id}/compare/{run_id}/"),
    ]:
        assert getattr(client, method)(url, {}, format="json").status_code == 403, url
    assert AllocationRun.objects.count() == 1


def test_unknown_objects_are_404_and_anonymous_is_refused(administrator):
    client = client_for(administrator)
    assert client.get("/api/v1/calls/999999/allocation-policy/").status_code == 404
    assert client.post("/api/v1/calls/999999/allocation-runs/").status_code == 404
    assert client.get("/api/v1/allocation-runs/999999/").status_code == 404
    assert client.post("/api/v1/allocation-runs/999999/approve/").status_code == 404
    assert APIClient().get("/api/v1/allocation-runs/1/").status_code in (401, 403)


def test_decisions_are_recorded_in_dutch_whatever_the_approvers_language(
    call, administrator, second_administrator, api_start
):
    run_id = api_start(client_for(administrator), call)
    response = client_for(second_administrator).post(
        f"/api/v1/allocation-runs/{run_id}/approve/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert set(Decision.objects.values_list("reason", flat=True)) == {
        "volledig toegekend",
        "gedeeltelijk toegekend: het budget raakte op bij deze aanvraag; er resteerde € 50.000,00",
    }


def test_run_and_compare_endpoints_cost_the_same_queries_as_lines_grow(call, administrator, api_start, count_queries):
    client = client_for(administrator)
    a, b = api_start(client, call), api_start(client, call)
    small = (
        count_queries(client, f"/api/v1/allocation-runs/{b}/"),
        count_queries(client, f"/api/v1/allocation-runs/{a}/compare/{b}/"),
    )
    for n in range(5):
        reviewed(call, requested=Decimal("1000.00"), total=Decimal(5 + n))
    c, d = api_start(client, call), api_start(client, call)
    assert (
        count_queries(client, f"/api/v1/allocation-runs/{d}/"),
        count_queries(client, f"/api/v1/allocation-runs/{c}/compare/{d}/"),
    ) == small


def test_the_decision_road_refuses_the_wrong_state_and_role(call, administrator, officer):
    from django.http import Http404

    from accounts.workflow import TransitionNotAllowed
    from applications.workflow import move

    application = Application.objects.order_by("pk").first()
    assert application.municipality_id != officer.municipality_id
    with pytest.raises(Http404):  # outside the officer's organisation: a 404, never a hint that it exists
        move(application, "award", by=officer)
    moved = move(application, "award", by=administrator, data={"decision": "X-1"})
    assert moved.status == Status.AWARDED
    with pytest.raises(TransitionNotAllowed):
        move(moved, "reject", by=administrator)
    event = AuditEvent.objects.get(verb="application.awarded")
    assert event.data["before"] == {"status": "reviewed"} and event.data["decision"] == "X-1"
