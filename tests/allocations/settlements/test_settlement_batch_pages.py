"""The settlement batch through its pages and the API: an assessor starts it from the call's page (tasks run
in-process without a broker), the batch page shows progress that refreshes itself without script and reads
the JSON endpoint with it, verify shows differences; 403 for an officer, 409 while a batch runs, and the
endpoints in the OpenAPI schema."""

from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import AuditEvent
from allocations.runs.models import Decision
from allocations.settlements import batches
from allocations.settlements.models import Settlement, SettlementBatch, SettlementJob
from tests.allocations.settlements.conftest import SETTLE_DAY, account, pay_first

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_settle_day():
    with time_machine.travel(SETTLE_DAY, tick=False):
        yield


@pytest.fixture
def call(spuk, administrator):
    second = Decision.objects.get(run=spuk.run, line__rank=2)
    pay_first(second)
    account(second, spent_2027=Decimal("10000.00"), spent_2028=Decimal("10000.00"), by=administrator)
    return spuk.run.call


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_assessor_starts_the_batch_from_the_call_page(
    call, reviewer_client, reviewer, django_capture_on_commit_callbacks
):
    page = reviewer_client.get(reverse("settlements_call", args=[call.pk])).content.decode()
    assert reverse("settlement_batch_start", args=[call.pk]) in page and "Batch starten voor 2 beschikkingen" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer_client.post(reverse("settlement_batch_start", args=[call.pk]), {"batch-sample_percent": 50})
    batch = SettlementBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("settlement_batch", args=[batch.pk])
    assert Settlement.objects.filter(batch_job__batch=batch).count() == 2
    page = reviewer_client.get(response["Location"]).content.decode()
    assert "data-batch-progress" in page and 'http-equiv="refresh"' not in page  # finished: nothing to follow
    assert batch.inputs_sha256 in page
    progress = reviewer_client.get(reverse("settlement_batch_progress", args=[batch.pk])).json()
    assert (progress["done"], progress["total"], progress["finished"], progress["sample"]) == (2, 2, True, 1)


def test_a_running_batch_refreshes_its_page_and_a_second_start_is_refused(call, reviewer_client, reviewer):
    batch = batches.start_batch(call=call, by=reviewer)  # its messages are never sent here
    page = reviewer_client.get(reverse("settlement_batch", args=[batch.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="5">' in page and "letters/progress.js" in page
    assert '0</span> van <span data-field="total">2</span>' in page
    again = reviewer_client.post(reverse("settlement_batch_start", args=[call.pk]), {"batch-sample_percent": 10})
    assert again.status_code == 409
    assert SettlementBatch.objects.count() == 1
    call_page = reviewer_client.get(reverse("settlements_call", args=[call.pk])).content.decode()
    assert "data-running-batch" in call_page


def test_a_bad_rate_is_a_field_error(call, reviewer_client):
    response = reviewer_client.post(reverse("settlement_batch_start", args=[call.pk]), {"batch-sample_percent": 150})
    assert response.status_code == 400 and not SettlementBatch.objects.exists()


def test_an_officer_gets_403_on_the_batch_pages(call, officer_client, reviewer):
    batch = batches.start_batch(call=call, by=reviewer)
    assert officer_client.post(reverse("settlement_batch_start", args=[call.pk]), {}).status_code == 403
    for name in ("settlement_batch", "settlement_batch_progress"):
        assert officer_client.get(reverse(name, args=[batch.pk])).status_code == 403
    assert officer_client.post(reverse("settlement_batch_verify", args=[batch.pk])).status_code == 403


def test_verify_on_the_page_shows_a_tampered_figure(
    call, reviewer, administrator_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        batch = batches.start_batch(call=call, by=reviewer)
    ok = administrator_client.post(reverse("settlement_batch_verify", args=[batch.pk])).content.decode()
    assert "utrecht-alert--ok" in ok
    SettlementJob.objects.filter(batch=batch).update(paid=Decimal("1.00"))
    bad = administrator_client.post(reverse("settlement_batch_verify", args=[batch.pk])).content.decode()
    assert "utrecht-alert--error" in bad and "inputs_sha256" in bad
    assert AuditEvent.objects.filter(verb="settlement_batch.verified").count() == 2


def test_the_api_starts_follows_and_verifies_a_batch(call, reviewer, administrator, officer):
    assert _api(officer).post(f"/api/v1/calls/{call.pk}/settlement-batches/", {}, format="json").status_code == 403
    assert _api(officer).get(f"/api/v1/calls/{call.pk}/settlement-batches/").status_code == 403
    bad = _api(reviewer).post(f"/api/v1/calls/{call.pk}/settlement-batches/", {"sample_percent": -1}, format="json")
    assert bad.status_code == 400 and "sample_percent" in bad.json()
    started = _api(reviewer).post(f"/api/v1/calls/{call.pk}/settlement-batches/", {}, format="json")
    assert started.status_code == 202, started.content
    pk = started.json()["id"]
    conflict = _api(reviewer).post(f"/api/v1/calls/{call.pk}/settlement-batches/", {}, format="json")
    assert conflict.status_code == 409 and "loopt al" in conflict.json()["detail"]
    body = _api(administrator).get(f"/api/v1/settlement-batches/{pk}/").json()
    assert body["progress"]["total"] == 2 and body["progress"]["pending"] == 2 and body["status"] == "running"
    assert {job["awarded"] for job in body["jobs"]} <= {f"{d.amount:.2f}" for d in Decision.objects.all()}
    assert body["sample_percent"] == 10 and len(body["inputs_sha256"]) == 64
    listed = _api(administrator).get(f"/api/v1/calls/{call.pk}/settlement-batches/").json()
    assert [row["id"] for row in listed] == [pk]
    for job in SettlementJob.objects.filter(batch_id=pk):
        batches.run_job(job.pk)
    body = _api(administrator).get(f"/api/v1/settlement-batches/{pk}/").json()
    assert body["status"] == "finished" and body["progress"]["done"] == 2
    verified = _api(administrator).post(f"/api/v1/settlement-batches/{pk}/verify/", {}, format="json")
    assert verified.status_code == 200 and verified.json()["ok"] is True
    assert AuditEvent.objects.filter(verb="settlement_batch.started", actor=reviewer).count() == 1


def test_the_batch_endpoints_are_in_the_schema(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    paths = schema["paths"]
    assert "post" in paths["/api/v1/calls/{id}/settlement-batches/"]
    assert "get" in paths["/api/v1/settlement-batches/{id}/"]
    assert "post" in paths["/api/v1/settlement-batches/{id}/verify/"]


def _ready_call(administrator, *, count: int, prefix: str):
    """A sent run whose every award has its first instalment paid and its final account in."""
    from tests.allocations.payments.sent import sent_run

    run = sent_run(by=administrator, count=count, prefix=prefix)
    for decision in Decision.objects.filter(run=run, amount__gt=0):
        pay_first(decision)
        account(decision, spent_2027=Decimal("1000.00"), spent_2028=Decimal("1000.00"), by=administrator)
    return run.call


@pytest.mark.parametrize("url", ["page", "progress", "api"])
def test_a_batch_costs_the_same_however_many_decisions(administrator, reviewer, count_queries, url):
    client = APIClient() if url == "api" else None

    def cost(count: int, prefix: str) -> tuple[int, int]:
        call = _ready_call(administrator, count=count, prefix=prefix)
        batch = batches.start_batch(call=call, by=reviewer)
        for job in SettlementJob.objects.filter(batch=batch):
            batches.run_job(job.pk)
        path = {
            "page": reverse("settlement_batch", args=[batch.pk]),
            "progress": reverse("settlement_batch_progress", args=[batch.pk]),
            "api": f"/api/v1/settlement-batches/{batch.pk}/",
        }[url]
        if client is not None:
            client.force_authenticate(reviewer)
            return batch.jobs.count(), count_queries(client, path, warm=True)
        from tests.conftest import _client_for

        return batch.jobs.count(), count_queries(_client_for(None, reviewer), path, warm=True)

    small, large = cost(3, "QA"), cost(6, "QB")
    assert small[0] < large[0] and small[1] == large[1]


def test_the_batches_of_a_call_cost_the_same_however_many(call, reviewer, count_queries):
    client = _api(reviewer)
    path = f"/api/v1/calls/{call.pk}/settlement-batches/"
    for job in SettlementJob.objects.filter(batch=batches.start_batch(call=call, by=reviewer)):
        batches.run_job(job.pk)
    one = count_queries(client, path, warm=True)
    Settlement.objects.update(status="withdrawn")  # ready again, for a second batch
    batches.start_batch(call=call, by=reviewer)
    assert len(client.get(path).json()) == 2
    assert count_queries(client, path) == one


def test_a_settlement_proposed_by_a_batch_links_it(call, reviewer, reviewer_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        batch = batches.start_batch(call=call, by=reviewer)
    settlement = Settlement.objects.filter(batch_job__batch=batch).first()
    page = reviewer_client.get(reverse("settlement_detail", args=[settlement.pk])).content.decode()
    assert reverse("settlement_batch", args=[batch.pk]) in page
