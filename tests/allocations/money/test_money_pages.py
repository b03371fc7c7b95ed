"""The money overview's pages, files and API: the ministry sees every call and municipality, an officer only
their own municipality's page (another's is a 404); the files hold the page's figures, are audited and safe in
a spreadsheet; the portfolio and the call overview show the money after the award."""

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import AuditEvent
from allocations.money.selectors import money_overview
from applications.models import Call
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://example.com","klik")'


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _csv(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_body(response).decode("utf-8-sig"))))


def test_the_index_shows_every_call_and_municipality(accounted, their_award, administrator_client, administrator):
    response = administrator_client.get(reverse("money_index"))
    assert response.status_code == 200
    html = response.content.decode()
    overview = money_overview(administrator)
    assert overview.per_municipality and overview.per_call
    for group in overview.per_municipality:
        assert reverse("money_municipality", args=[group.code]) in html
    assert "€ 170.001,01" in html  # awarded, in total
    assert "€ 60.000,50" in html  # paid


def test_an_officer_is_taken_to_their_own_page_and_another_is_not_found(
    accounted, their_award, officer_client, officer
):
    response = officer_client.get(reverse("money_index"))
    assert response.status_code == 302
    own = reverse("money_municipality", args=[officer.municipality.cbs_code])
    assert response.url == own
    html = officer_client.get(own).content.decode()
    assert accounted.number in html and their_award.number not in html
    foreign = their_award.application.municipality.cbs_code
    assert officer_client.get(reverse("money_municipality", args=[foreign])).status_code == 404
    assert officer_client.get(reverse("money_municipality_download", args=[foreign, "csv"])).status_code == 404
    assert officer_client.get(reverse("money_download", args=["csv"])).status_code == 403
    assert not AuditEvent.objects.filter(verb="money_overview.exported").exists()


def test_the_csv_holds_the_page_figures_and_is_audited(accounted, their_award, administrator_client, administrator):
    call = accounted.application.call
    response = administrator_client.get(reverse("money_download", args=["csv"]) + f"?ronde={call.pk}")
    assert response.status_code == 200
    rows = _csv(response)
    overview = money_overview(administrator, call_id=call.pk)
    by_number = {row.decision.number: row.figures for row in overview.rows}
    assert {row["Beschikkingsnummer"] for row in rows} == set(by_number)
    for row in rows:
        figures = by_number[row["Beschikkingsnummer"]]
        assert Decimal(row["Toegekend"]) == figures.awarded
        assert Decimal(row["Betaald"]) == figures.paid
        assert Decimal(row["Nog te betalen"]) == figures.still_due
        assert Decimal(row["Besteed"]) == figures.spent
    assert sum(Decimal(row["Toegekend"]) for row in rows) == overview.total.awarded
    event = AuditEvent.objects.get(verb="money_overview.exported")
    assert event.actor == administrator and event.data["format"] == "csv" and event.data["lines"] == 2
    assert event.data["awarded"] == f"{overview.total.awarded:.2f}"
    assert call.code in event.data["scope"]


def test_the_municipality_json_has_its_lines_and_totals(accounted, officer_client, officer):
    response = officer_client.get(reverse("money_municipality_download", args=[officer.municipality.cbs_code, "json"]))
    document = json.loads(_body(response))
    assert [line["decision_number"] for line in document["lines"]] == [accounted.number]
    assert document["totals"]["paid"] == "60000.50" and document["total_paid"] == "60000.50"
    assert document["lines"][0]["spent"] == "50000.00"
    event = AuditEvent.objects.get(verb="money_overview.exported")
    assert event.actor == officer and officer.municipality.cbs_code in event.data["scope"]


def test_the_xlsx_is_safe_against_formulas(accounted, administrator_client, tmp_path):
    Call.objects.filter(pk=accounted.application.call_id).update(title=HOSTILE)
    response = administrator_client.get(reverse("money_download", args=["xlsx"]))
    path = tmp_path / "geld.xlsx"
    path.write_bytes(_body(response))
    sheet = openpyxl.load_workbook(path)["Geldoverzicht"]
    rows = list(sheet.iter_rows(values_only=True))
    lines = [row for row in rows[1:] if row[4] and str(row[4]).startswith("NPLV-")]
    assert lines and all(str(row[0]).startswith("'=HYPERLINK") for row in lines)
    assert all(sheet.cell(row=r, column=1).data_type == "s" for r in range(2, len(lines) + 2))
    assert {round(Decimal(str(row[5])), 2) for row in lines} == {Decimal("120001.00"), Decimal("50000.01")}


def test_the_portfolio_and_the_call_overview_show_the_money_after_the_award(accounted, administrator_client):
    portfolio = administrator_client.get(reverse("portfolio")).content.decode()
    assert 'id="na-toekenning"' in portfolio and "€ 60.000,50" in portfolio and "€ 50.000,00" in portfolio
    call_page = administrator_client.get(reverse("call_overview", args=[accounted.application.call_id]))
    html = call_page.content.decode()
    assert 'data-table="geld-per-gemeente"' in html and "€ 60.000,50" in html


def test_the_api_is_scoped_to_the_caller(accounted, their_award, officer, reviewer):
    own = _api(officer).get("/api/v1/money/").json()
    assert [group["code"] for group in own["municipalities"]] == [officer.municipality.cbs_code]
    assert own["total"]["paid"] == "60000.50"
    everything = _api(reviewer).get("/api/v1/money/").json()
    assert everything["total"]["awarded"] == "170001.01"
    listed = _api(officer).get("/api/v1/money/decisions/").json()
    assert listed["count"] == 1 and listed["results"][0]["adds_up"] is True
    assert _api(officer).get(f"/api/v1/money/decisions/{their_award.pk}/").status_code == 404
    assert _api(officer).get(f"/api/v1/money/decisions/{accounted.pk}/").json()["figures"]["spent"] == "50000.00"
    foreign = their_award.application.municipality.cbs_code
    assert _api(officer).get(f"/api/v1/money/municipalities/{foreign}/").status_code == 404
    assert _api(officer).get(f"/api/v1/money/calls/{accounted.application.call_id}/").status_code == 403
    call = _api(reviewer).get(f"/api/v1/money/calls/{accounted.application.call_id}/").json()
    assert len(call["municipalities"]) == 2
    assert _api(officer).get("/api/v1/money/?call=x").status_code == 400


def test_the_api_file_is_the_callers_rows(accounted, their_award, officer):
    response = _api(officer).get("/api/v1/money/export/csv/")
    assert [row["Beschikkingsnummer"] for row in _csv(response)] == [accounted.number]
    assert _api(officer).get("/api/v1/money/export/pdf/").status_code == 404
    assert AuditEvent.objects.filter(verb="money_overview.exported", actor=officer).count() == 1


def test_the_endpoints_are_in_the_schema(tmp_path):
    path = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    paths = yaml.safe_load(path.read_text())["paths"]
    for url in (
        "/api/v1/money/",
        "/api/v1/money/decisions/",
        "/api/v1/money/decisions/{id}/",
        "/api/v1/money/municipalities/{cbs_code}/",
        "/api/v1/money/calls/{id}/",
        "/api/v1/money/export/{export_format}/",
    ):
        assert paths[url]["get"]["summary"], url


@pytest.mark.parametrize(
    "url",
    [
        "/geldoverzicht/",
        "/geldoverzicht/download/csv/",
        "/api/v1/money/",
        "/api/v1/money/decisions/",
        "/api/v1/money/export/json/",
    ],
)
def test_the_pages_files_and_endpoints_cost_the_same_however_many_awards(
    administrator, administrator_client, count_queries, url
):
    from tests.allocations.payments.sent import sent_run

    client = _api(administrator) if url.startswith("/api/") else administrator_client
    sent_run(by=administrator, count=3, prefix="QA")
    few = count_queries(client, url, warm=True)
    sent_run(by=administrator, count=6, prefix="QB")
    assert count_queries(client, url) == few


def test_a_municipality_page_costs_the_same_however_many_awards(
    municipality, administrator, officer_client, officer, count_queries
):
    from tests.allocations.payments.sent import sent_run

    url = reverse("money_municipality", args=[officer.municipality.cbs_code])
    sent_run(by=administrator, count=3, prefix="QC", municipalities=[municipality, MunicipalityFactory()])
    few = count_queries(officer_client, url, warm=True)
    sent_run(by=administrator, count=3, prefix="QD", municipalities=[municipality, MunicipalityFactory()])
    assert count_queries(officer_client, url) == few
