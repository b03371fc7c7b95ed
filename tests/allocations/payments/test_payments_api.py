"""Instalments through the API (DESIGN.md §10): the ministry sees every instalment, a municipality those of
its own sent decisions (404 for another's); administrators order a pay date, record a paid date, let an
instalment lapse and download the payment order (403 for other roles, 400 with the field's error, 409 when
the state forbids the step); money as strings with two decimals; every endpoint in the OpenAPI schema."""

import datetime

import pytest
import time_machine
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.models import AuditEvent
from allocations.payments.models import Instalment, InstalmentStatus
from tests.allocations.payments.sent import sent_run
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

FIRST_PAY_DATE = "2027-04-12"
LATER = datetime.datetime(2027, 5, 1, 10, tzinfo=datetime.UTC)


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def run(administrator, municipality):
    return sent_run(
        by=administrator, count=3, municipalities=[municipality, MunicipalityFactory(), MunicipalityFactory()]
    )


def test_the_ministry_lists_every_instalment_and_a_municipality_its_own(run, administrator, reviewer, officer):
    everything = _api(reviewer).get("/api/v1/instalments/").json()
    assert everything["count"] == Instalment.objects.count() == 4
    first = everything["results"][0]
    instalment = Instalment.objects.get(pk=first["id"])
    assert first["amount"] == f"{instalment.amount:.2f}" and first["reference"] == instalment.reference
    assert first["due_on"] == instalment.due_on.isoformat() and first["status"] == "due"
    own = _api(officer).get("/api/v1/instalments/").json()
    mine = Instalment.objects.filter(decision__application__municipality=officer.municipality)
    assert {row["id"] for row in own["results"]} == set(mine.values_list("pk", flat=True)) and own["count"] == 2
    other = Instalment.objects.exclude(decision__application__municipality=officer.municipality).first()
    assert _api(officer).get(f"/api/v1/instalments/{other.pk}/").status_code == 404
    assert _api(officer).get(f"/api/v1/applications/{other.decision.application_id}/instalments/").status_code == 404
    application = mine.first().decision.application_id
    assert len(_api(officer).get(f"/api/v1/applications/{application}/instalments/").json()) == 2
    filtered = _api(administrator).get("/api/v1/instalments/", {"due_on": FIRST_PAY_DATE, "status": "due"}).json()
    assert filtered["count"] == 2
    bad = _api(administrator).get("/api/v1/instalments/", {"due_on": "morgen"})
    assert bad.status_code == 400 and "due_on" in bad.json()


def test_order_pay_and_cancel_through_the_api(run, administrator):
    client = _api(administrator)
    with time_machine.travel(datetime.datetime(2027, 3, 20, 10, tzinfo=datetime.UTC), tick=True):
        ordered = client.post("/api/v1/payment-orders/", {"pay_date": FIRST_PAY_DATE}, format="json")
        assert ordered.status_code == 200, ordered.content
        assert len(ordered.json()["ordered"]) == 2
        again = client.post("/api/v1/payment-orders/", {"pay_date": FIRST_PAY_DATE}, format="json")
        assert again.status_code == 409 and "geen termijn meer" in again.json()["detail"]
        file = client.get(f"/api/v1/payment-orders/{FIRST_PAY_DATE}/csv/")
        assert file.status_code == 200 and b"Betalingskenmerk" in b"".join(file.streaming_content)
    pk = ordered.json()["ordered"][0]["id"]
    with time_machine.travel(LATER, tick=True):
        future = client.post(f"/api/v1/instalments/{pk}/paid/", {"paid_on": "2027-06-01"}, format="json")
        assert future.status_code == 400 and "ligt in de toekomst" in future.json()["paid_on"][0]
        missing = client.post(f"/api/v1/instalments/{pk}/paid/", {}, format="json")
        assert missing.status_code == 400 and "paid_on" in missing.json()
        paid = client.post(f"/api/v1/instalments/{pk}/paid/", {"paid_on": "2027-04-10"}, format="json")
        assert paid.status_code == 200 and paid.json()["status"] == "paid" and paid.json()["paid_on"] == "2027-04-10"
        twice = client.post(f"/api/v1/instalments/{pk}/paid/", {"paid_on": "2027-04-10"}, format="json")
        assert twice.status_code == 409
    assert Instalment.objects.get(pk=pk).paid_source == "api"
    due = Instalment.objects.filter(status=InstalmentStatus.DUE).first()
    no_reason = client.post(f"/api/v1/instalments/{due.pk}/cancel/", {"reason": ""}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    cancelled = client.post(f"/api/v1/instalments/{due.pk}/cancel/", {"reason": "Herzien"}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    overview = client.get("/api/v1/payments/").json()
    totals = overview["totals"]
    assert totals["awarded"] == f"{sum(i.amount for i in Instalment.objects.all()):.2f}"
    assert float(totals["awarded"]) == pytest.approx(
        float(totals["paid"]) + float(totals["still_due"]) + float(totals["cancelled"])
    )
    per_municipality = client.get(f"/api/v1/calls/{run.call_id}/payments/").json()
    assert len(per_municipality) == 2
    assert (
        AuditEvent.objects.filter(verb__in=["instalment.ordered", "instalment.paid", "instalment.cancelled"]).count()
        == 4
    )


@pytest.mark.parametrize("role", ["officer", "reviewer"])
def test_only_administrators_take_the_steps(run, role, request):
    client = _api(request.getfixturevalue(role))
    instalment = Instalment.objects.first()
    assert client.post("/api/v1/payment-orders/", {"pay_date": FIRST_PAY_DATE}, format="json").status_code == 403
    assert client.post(f"/api/v1/instalments/{instalment.pk}/paid/", {"paid_on": "2027-04-10"}).status_code == 403
    assert client.post(f"/api/v1/instalments/{instalment.pk}/cancel/", {"reason": "x"}).status_code == 403
    assert client.get(f"/api/v1/payment-orders/{FIRST_PAY_DATE}/csv/").status_code == 403
    assert set(Instalment.objects.values_list("status", flat=True)) == {"due"}
    if role == "officer":
        assert client.get("/api/v1/payments/").status_code == 403


def test_the_endpoints_are_in_the_schema(tmp_path):
    path = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    paths = yaml.safe_load(path.read_text())["paths"]
    for url, method in [
        ("/api/v1/instalments/", "get"),
        ("/api/v1/instalments/{id}/", "get"),
        ("/api/v1/instalments/{id}/paid/", "post"),
        ("/api/v1/instalments/{id}/cancel/", "post"),
        ("/api/v1/applications/{id}/instalments/", "get"),
        ("/api/v1/payment-orders/", "post"),
        ("/api/v1/payment-orders/{pay_date}/{export_format}/", "get"),
        ("/api/v1/payments/", "get"),
        ("/api/v1/calls/{id}/payments/", "get"),
    ]:
        assert paths[url][method]["summary"], url
    assert {"400", "403", "404", "409"} <= set(paths["/api/v1/instalments/{id}/paid/"]["post"]["responses"])


@pytest.mark.parametrize("url", ["/api/v1/instalments/", "/api/v1/payments/", "/api/v1/calls/{call}/payments/"])
def test_the_lists_cost_the_same_number_of_queries_however_long(administrator, count_queries, url):
    """More instalments, calls and (in a call) municipalities: the same number of queries."""
    client = _api(administrator)

    def cost(prefix: str, count: int) -> int:
        run = sent_run(by=administrator, count=count, prefix=prefix)
        return count_queries(client, url.format(call=run.call_id), warm=True)

    assert cost("L1", 3) == cost("L2", 6)
