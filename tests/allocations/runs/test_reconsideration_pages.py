"""The reconsideration's page and API: corrections typed in the page's language, the objector's old and new
position with the ground in words, every other line marked unchanged, the extra money and its source; errors in
the summary and as 400s; reviewers and officers refused; a run that is not final is a 409."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from allocations.runs.reconsideration_models import Reconsideration
from tests.allocations.runs.reconsideration_builders import tie_call

pytestmark = pytest.mark.django_db


def form_data(application, **changes) -> dict:
    data = {
        "heroverweging-application": str(application.pk),
        "heroverweging-requested": "",
        "heroverweging-eligible": "",
        "heroverweging-reviewer_score": "",
        "heroverweging-need_score": "",
        "heroverweging-bonus_score": "",
        "heroverweging-reason": "Een criterium was verkeerd opgeteld.",
    }
    data.update({f"heroverweging-{key}": value for key, value in changes.items()})
    return data


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_page_reconsiders_a_tie_and_shows_old_new_the_others_and_the_money(final_run_of, administrator_client):
    call, _a, b, c = tie_call()
    run = final_run_of(call, send=False)
    page = administrator_client.get(f"/verdelingen/{run.pk}/")
    assert f'href="/verdelingen/{run.pk}/heroverwegen/"' in text(page)
    form = administrator_client.get(f"/verdelingen/{run.pk}/heroverwegen/")
    assert form.status_code == 200 and c.reference in text(form)

    response = administrator_client.post(
        f"/verdelingen/{run.pk}/heroverwegen/", form_data(c, reviewer_score="64,5"), follow=True
    )
    record = Reconsideration.objects.get()
    assert response.redirect_chain[-1][0] == f"/heroverwegingen/{record.pk}/"
    body = text(response)
    assert record.corrections == {"points": {"reviewer_score": "64.50"}}
    # The objector: the tie it lost, and the last money it now gets.
    assert "niet toegekend: evenveel punten (68,00) als " + b.reference in body
    assert "gedeeltelijk toegekend: het budget raakte op bij deze aanvraag; er resteerde € 18.000,00" in body
    assert re.search(r'id="nu-toegekend">€ 18\.000,00<', body)
    # The money and where it comes from.
    assert "<dt>Uit de reserve</dt><dd>€ 18.000,00</dd>" in body
    assert "<dt>Bovenop het plafond</dt><dd>€ 0,00</dd>" in body
    # The others: B would have had nothing, but keeps its € 18.000; every decision is marked unchanged.
    table = body[body.index('id="andere-regels"') :]
    assert table.count('<td class="utrecht-table__cell">ongewijzigd</td>') == 2
    assert "niet toegekend: het budget raakte op bij plaats" in table

    verified = administrator_client.post(f"/heroverwegingen/{record.pk}/controleren/")
    assert "Gecontroleerd: de heroverweging is gelijk aan een nieuwe berekening" in text(verified)


def test_the_page_in_english_reads_amounts_the_english_way(final_run_of, administrator_client):
    call, _a, _b, c = tie_call()
    run = final_run_of(call, send=False)
    administrator_client.cookies["django_language"] = "en"
    response = administrator_client.post(
        f"/verdelingen/{run.pk}/heroverwegen/", form_data(c, requested="20,000.50"), follow=True
    )
    assert Reconsideration.objects.get().corrections == {"requested": 20_000_50}
    body = text(response)
    assert "The other applications: their decisions stay unchanged" in body
    assert "<dt>On top of the ceiling</dt>" in body


def test_bad_corrections_open_on_the_error_summary_and_change_nothing(final_run_of, administrator_client):
    call, _a, _b, c = tie_call()
    run = final_run_of(call, send=False)
    response = administrator_client.post(f"/verdelingen/{run.pk}/heroverwegen/", form_data(c, requested="-5"))
    body = text(response)
    assert response.status_code == 400
    assert "Er is 1 fout; er is niets opgeslagen." in body
    assert 'href="#id_heroverweging-requested"' in body
    assert "Het aangevraagde bedrag moet groter zijn dan € 0,00." in body
    empty = administrator_client.post(f"/verdelingen/{run.pk}/heroverwegen/", form_data(c))
    assert "Geef ten minste één correctie op" in text(empty)
    unknown = administrator_client.post(
        f"/verdelingen/{run.pk}/heroverwegen/", {**form_data(c, requested="5"), "heroverweging-application": "999999"}
    )
    assert unknown.status_code == 400 and "Selecteer een geldige keuze" in text(unknown)
    assert not Reconsideration.objects.exists()


def test_reviewers_and_officers_may_not_open_the_page(final_run_of, reviewer_client, officer_client):
    call, _a, _b, c = tie_call()
    run = final_run_of(call, send=False)
    for client in (reviewer_client, officer_client):
        assert client.get(f"/verdelingen/{run.pk}/heroverwegen/").status_code == 403
        assert client.post(f"/verdelingen/{run.pk}/heroverwegen/", form_data(c, requested="5")).status_code == 403
    assert not Reconsideration.objects.exists()


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_reconsiders_lists_shows_and_verifies(final_run_of, administrator):
    call, _a, b, c = tie_call(reserve="10000.00")
    run = final_run_of(call, send=False)
    client = api(administrator)
    response = client.post(
        f"/api/v1/allocation-runs/{run.pk}/reconsiderations/",
        {"application": c.pk, "reviewer_score": "70.00", "reason": "Telfout"},
        format="json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["old"]["awarded"], data["new"]["awarded"], data["awarded"]) == ("0.00", "18000.00", "18000.00")
    assert (data["extra"], data["from_reserve"], data["on_top"]) == ("18000.00", "10000.00", "8000.00")
    assert data["old"]["ground"]["code"] == "tie" and data["old"]["reason"].startswith(
        "niet toegekend: evenveel punten"
    )
    other = {line["reference"]: line for line in data["lines"]}[b.reference]
    assert other["unchanged"] and other["old"]["awarded"] == "18000.00" and other["rerun"]["awarded"] == "0.00"
    assert data["corrections"] == {"points": {"reviewer_score": "70.00"}} and data["standing"]

    listed = client.get(f"/api/v1/allocation-runs/{run.pk}/reconsiderations/").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == data["id"]
    assert client.get(f"/api/v1/reconsiderations/{data['id']}/").json()["sha256"] == data["sha256"]
    verified = client.post(f"/api/v1/reconsiderations/{data['id']}/verify/").json()
    assert verified["ok"] and verified["differences"] == []


def test_the_api_refuses_bad_input_other_roles_and_a_run_that_is_not_final(
    final_run_of, administrator, reviewer, officer, start
):
    call, _a, _b, c = tie_call()
    run = final_run_of(call, send=False)
    client = api(administrator)
    url = f"/api/v1/allocation-runs/{run.pk}/reconsiderations/"
    negative = client.post(url, {"application": c.pk, "requested": "-5.00", "reason": "x"}, format="json")
    assert negative.status_code == 400
    assert negative.json() == {"requested": ["Het aangevraagde bedrag moet groter zijn dan € 0,00."]}
    english = client.post(
        url, {"application": c.pk, "requested": "-5.00", "reason": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.json() == {"requested": ["The requested amount must be more than € 0.00."]}
    unknown = client.post(url, {"application": 999999, "requested": "5.00", "reason": "x"}, format="json")
    assert unknown.status_code == 400 and unknown.json() == {"application": ["Onbekende aanvraag."]}
    stranger_call, *_rest = tie_call()
    stranger = stranger_call.applications.first()
    outside = client.post(url, {"application": stranger.pk, "requested": "5.00", "reason": "x"}, format="json")
    assert outside.status_code == 400 and list(outside.json()) == ["application"]
    for person in (reviewer, officer):
        assert (
            api(person).post(url, {"application": c.pk, "requested": "5.00", "reason": "x"}, format="json").status_code
            == 403
        )
    draft = start(stranger_call, administrator)
    conflict = client.post(
        f"/api/v1/allocation-runs/{draft.pk}/reconsiderations/",
        {"application": stranger.pk, "requested": "5.00", "reason": "x"},
        format="json",
    )
    assert conflict.status_code == 409 and "Alleen een definitieve verdeling" in conflict.json()["detail"]
    assert client.get("/api/v1/reconsiderations/999999/").status_code == 404
    assert not Reconsideration.objects.exists()


def test_the_api_list_costs_the_same_queries_as_it_grows(final_run_of, administrator):
    call, a, b, c = tie_call()
    run = final_run_of(call, send=False)
    client = api(administrator)
    url = f"/api/v1/allocation-runs/{run.pk}/reconsiderations/"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    client.post(url, {"application": c.pk, "reviewer_score": "70.00", "reason": "x"}, format="json")
    one = count()
    client.post(url, {"application": a.pk, "requested": "90000.00", "reason": "x"}, format="json")
    client.post(url, {"application": b.pk, "need_score": "1.00", "reason": "x"}, format="json")
    assert Reconsideration.objects.count() == 3
    assert count() == one
