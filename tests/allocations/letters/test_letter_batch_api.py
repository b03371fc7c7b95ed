"""Preparing, sending and the letter texts through the API (DESIGN.md §10): administrators only (403 for other
roles, 404 for unknown ids), 400 with the field's error for a bad send date, 409 when the batch's state or the
day forbids the step, and every endpoint in the OpenAPI schema."""

import datetime

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

from allocations.letters.models import Letter, LetterText
from tests.allocations.final_runs import letter_run
from tests.allocations.letters.batch import SEND_DAY, on_send_day

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def run(administrator):
    return letter_run(count=2, by=administrator, prefix="A")


def test_prepare_then_send_on_the_day(run, administrator, django_capture_on_commit_callbacks):
    client = _api(administrator)
    with on_send_day(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/allocation-runs/{run.pk}/letters/prepare/", {"send_on": "2027-03-17"})
    assert response.status_code == 202, response.content  # made after the answer (on commit)
    body = response.json()
    assert (body["status"], body["send_on"], body["objection_last_day"]) == ("prepared", "2027-03-17", "2027-04-28")
    assert body["progress"]["total"] == 2
    assert {letter.letter_date for letter in Letter.objects.filter(decision__run=run)} == {datetime.date(2027, 3, 17)}
    with on_send_day():
        batch = client.get(f"/api/v1/allocation-runs/{run.pk}/letters/batch/").json()
        assert batch["progress"]["finished"] is True
        assert "gedateerd op 17 maart 2027" in batch["send_refusal"]
        early = client.post(f"/api/v1/allocation-runs/{run.pk}/letters/send/")
    assert early.status_code == 409 and "gedateerd op 17 maart 2027" in early.json()["detail"]
    with on_send_day(SEND_DAY + datetime.timedelta(days=2)), django_capture_on_commit_callbacks(execute=True):
        again = client.post(f"/api/v1/allocation-runs/{run.pk}/letters/prepare/", {"send_on": "2027-03-17"})
        assert again.status_code == 200 and again.json()["send_refusal"] == ""  # the same date: nothing new
        sent = client.post(f"/api/v1/allocation-runs/{run.pk}/letters/send/")
    assert sent.status_code == 200, sent.content
    assert sent.json()["status"] == "sent" and sent.json()["progress"]["sent"] == 2
    assert Letter.objects.filter(decision__run=run).count() == 2 and Letter.objects.sent().count() == 2


def test_remaking_a_sent_letter_is_a_409_and_makes_no_version(run, administrator, django_capture_on_commit_callbacks):
    client = _api(administrator)
    with on_send_day(), django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/v1/allocation-runs/{run.pk}/letters/prepare/", {"send_on": "2027-03-15"})
    with on_send_day(), django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/api/v1/allocation-runs/{run.pk}/letters/send/").status_code == 200
    before = list(Letter.objects.values_list("pk", "version", "sha256", "superseded_at"))
    with on_send_day(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/allocation-runs/{run.pk}/letters/prepare/", {"send_on": "2027-03-16"})
    assert response.status_code == 409
    assert "zijn verzonden" in response.json()["detail"] and "verandert niet meer" in response.json()["detail"]
    assert list(Letter.objects.values_list("pk", "version", "sha256", "superseded_at")) == before
    with on_send_day():
        assert client.post(f"/api/v1/allocation-runs/{run.pk}/letters/send/").status_code == 200  # nothing new


@pytest.mark.parametrize(
    ("send_on", "says"),
    [
        ("2027-03-12", "is voorbij"),
        ("2027-03-20", "zaterdag"),
        ("2027-05-07", "feestdag"),
        ("17-03-2027", None),  # the API takes ISO dates
        ("", None),
    ],
)
def test_a_bad_send_date_is_a_400_on_the_field(run, administrator, send_on, says):
    with on_send_day():
        response = _api(administrator).post(f"/api/v1/allocation-runs/{run.pk}/letters/prepare/", {"send_on": send_on})
    assert response.status_code == 400 and list(response.json()) == ["send_on"]
    if says:
        assert says in response.json()["send_on"][0]
    assert not Letter.objects.exists()


def test_sending_an_unprepared_batch_is_a_409(run, administrator):
    response = _api(administrator).post(f"/api/v1/allocation-runs/{run.pk}/letters/send/")
    assert response.status_code == 409 and "Bereid de brieven eerst voor" in response.json()["detail"]


def test_messages_follow_the_request_language(run, administrator):
    with on_send_day():
        response = _api(administrator).post(
            f"/api/v1/allocation-runs/{run.pk}/letters/prepare/", {"send_on": "2027-03-20"}, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 400 and "Saturday" in response.json()["send_on"][0]


def test_letter_texts_get_and_put_a_new_version(run, administrator):
    client = _api(administrator)
    url = f"/api/v1/calls/{run.call_id}/letter-texts/"
    first = client.get(url).json()
    assert first["version"] == 1 and first["signatory_name"]
    response = client.put(url, {"closing": "Met vriendelijke groet."}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == 2 and body["closing"] == "Met vriendelijke groet."
    assert body["signatory_name"] == first["signatory_name"]  # left out: kept
    assert client.get(url).json()["version"] == 2
    bad = client.put(url, {"closing": "x" * 2001, "contact_email": "geen-adres"}, format="json")
    assert bad.status_code == 400 and {"closing", "contact_email"} <= set(bad.json())
    assert LetterText.objects.filter(call=run.call).count() == 2


def test_only_administrators_and_unknown_ids_are_404(run, officer, reviewer, administrator):
    urls = [
        ("get", f"/api/v1/allocation-runs/{run.pk}/letters/batch/"),
        ("post", f"/api/v1/allocation-runs/{run.pk}/letters/prepare/"),
        ("post", f"/api/v1/allocation-runs/{run.pk}/letters/send/"),
        ("get", f"/api/v1/calls/{run.call_id}/letter-texts/"),
        ("put", f"/api/v1/calls/{run.call_id}/letter-texts/"),
    ]
    for method, url in urls:
        assert getattr(_api(None), method)(url).status_code in (401, 403), url
        for user in (officer, reviewer):
            assert getattr(_api(user), method)(url).status_code == 403, (url, user.role)
        unknown = url.replace(f"/{run.pk}/", "/999999/").replace(f"/{run.call_id}/", "/999999/")
        assert getattr(_api(administrator), method)(unknown, {}, format="json").status_code == 404, unknown
    assert not Letter.objects.exists() and LetterText.objects.count() == 0


def test_the_endpoints_are_in_the_schema(tmp_path):
    path = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    schema = yaml.safe_load(path.read_text())["paths"]
    expected = {
        ("/api/v1/allocation-runs/{id}/letters/batch/", "get"): {"200", "401", "403", "404", "429"},
        ("/api/v1/allocation-runs/{id}/letters/prepare/", "post"): {
            "200", "202", "400", "401", "403", "404", "409", "413", "415", "429"
        },
        ("/api/v1/allocation-runs/{id}/letters/send/", "post"): {
            "200", "400", "401", "403", "404", "409", "413", "415", "429"
        },
        ("/api/v1/calls/{id}/letter-texts/", "get"): {"200", "401", "403", "404", "429"},
        ("/api/v1/calls/{id}/letter-texts/", "put"): {"200", "400", "401", "403", "404", "409", "413", "415", "429"},
    }  # fmt: skip
    for (url, method), codes in expected.items():
        operation = schema[url][method]
        assert operation["summary"] and set(operation["responses"]) == codes, (url, method)
    status = schema["/api/v1/applications/{id}/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert status  # the application's status enum includes the municipality's "decision_pending"
    components = yaml.safe_load(path.read_text())["components"]["schemas"]
    assert "decision_pending" in components["ApplicationStatusEnum"]["enum"]
