"""Decision exports through the API: totals to the cent in every format, audited, administrators only."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import openpyxl
import pytest

from accounts.models import AuditEvent
from allocations.letters.models import Letter
from allocations.runs.models import RunStatus
from tests.allocations.final_runs import export_run

FORMATS = ["csv", "csv_nl", "xlsx", "json"]


def url(run, fmt):
    return f"/api/v1/allocation-runs/{run.pk}/export/{fmt}/"


@pytest.fixture
def admin_api(api_client, administrator):
    api_client.force_authenticate(administrator)
    return api_client


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def read_csv(data: bytes, delimiter: str) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))


def money(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def test_csv_totals_equal_the_runs_totals(admin_api, final_run):
    response = admin_api.get(url(final_run, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    rows = read_csv(body(response), ",")
    header, lines = rows[0], rows[1:]
    assert len(lines) == 4
    requested, awarded = header.index("Aangevraagd"), header.index("Toegekend")
    assert sum(money(r[awarded]) for r in lines) == final_run.total_awarded
    assert sum(money(r[requested]) for r in lines) == final_run.total_requested
    first = dict(zip(header, lines[0], strict=True))
    assert first["Titel"].startswith("'=HYPERLINK(")  # the municipality's text is inert
    assert first["Netwerken"] == "NPLV, M50"  # the networks' one order and labels (accounts.networks)
    assert first["Besluitdatum"] == "2026-11-02"
    assert first["Beschikkingsnummer"].startswith("NPLV-")
    assert first["Kenmerk beschikkingsbrief"].endswith("-v2")  # the current (corrected) letter
    assert first["Datum beschikkingsbrief"] == "2026-11-04"  # its own date, not the decision's
    assert first["Verzonden op"] == ""  # not sent yet
    assert len(first["SHA-256 beschikkingsbrief"]) == 64
    assert [r[header.index("Rang")] for r in lines] == ["1", "2", "3", "4"]


def test_csv_for_dutch_excel(admin_api, final_run):
    rows = read_csv(body(admin_api.get(url(final_run, "csv_nl"))), ";")
    awarded = rows[0].index("Toegekend")
    assert rows[2][awarded] == "123456,78"
    assert sum(money(r[awarded]) for r in rows[1:]) == final_run.total_awarded


def test_xlsx_totals_equal_the_runs_totals(admin_api, final_run, tmp_path):
    response = admin_api.get(url(final_run, "xlsx"))
    assert response.status_code == 200
    path = tmp_path / "export.xlsx"
    path.write_bytes(body(response))
    sheet = openpyxl.load_workbook(path, data_only=True).active
    header = [c.value for c in sheet[1]]
    awarded = header.index("Toegekend") + 1
    cells = [sheet.cell(row=r, column=awarded) for r in range(2, 6)]
    assert all(c.data_type == "n" for c in cells)
    assert sum(Decimal(str(c.value)) for c in cells).quantize(Decimal("0.01")) == final_run.total_awarded
    assert sheet.cell(row=6, column=1).value == "Totaal"
    assert Decimal(str(sheet.cell(row=6, column=awarded).value)) == final_run.total_awarded
    title = sheet.cell(row=2, column=header.index("Titel") + 1)
    assert title.data_type == "s" and title.value.startswith("'=")


def test_json_totals_equal_the_runs_totals(admin_api, final_run):
    response = admin_api.get(url(final_run, "json"))
    assert response["Content-Type"] == "application/json"
    data = json.loads(body(response))
    assert data["awarded"] == f"{final_run.total_awarded:.2f}"
    assert data["requested"] == f"{final_run.total_requested:.2f}"
    assert data["distributed"] == f"{final_run.total_budget:.2f}"
    assert data["unspent"] == f"{final_run.total_unspent:.2f}"
    assert data["totals"] == {
        "requested": f"{final_run.total_requested:.2f}",
        "awarded": f"{final_run.total_awarded:.2f}",
    }
    assert sum(Decimal(line["awarded"]) for line in data["lines"]) == final_run.total_awarded
    assert data["lines"][1]["awarded"] == "123456.78"
    assert data["lines"][0]["rank"] == 1
    assert data["lines"][0]["decided_on"] == "2026-11-02"


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_export_is_audited(admin_api, administrator, final_run, fmt):
    body(admin_api.get(url(final_run, fmt)))
    event = AuditEvent.objects.get(verb="export.decisions")
    assert event.actor == administrator
    assert event.target_id == str(final_run.pk)
    assert event.data == {"format": fmt, "lines": 4, "total_awarded": f"{final_run.total_awarded:.2f}"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_officers_and_reviewers_get_403(api_client, officer, reviewer, final_run, fmt):
    for user in (officer, reviewer):
        api_client.force_authenticate(user)
        assert api_client.get(url(final_run, fmt)).status_code == 403
    assert not AuditEvent.objects.filter(verb__startswith="export.").exists()


def test_anonymous_gets_401(api_client, final_run):
    assert api_client.get(url(final_run, "csv")).status_code == 401


def test_unknown_run_is_404_and_unknown_format_is_404(admin_api, final_run):
    assert admin_api.get(f"/api/v1/allocation-runs/{final_run.pk + 999}/export/csv/").status_code == 404
    assert admin_api.get(url(final_run, "pdf")).status_code == 404
    assert not AuditEvent.objects.filter(verb__startswith="export.").exists()


def test_a_draft_run_is_409(admin_api, db):
    draft = export_run(status=RunStatus.DRAFT)
    response = admin_api.get(url(draft, "csv"))
    assert response.status_code == 409
    assert "definitieve" in response.json()["detail"]


def test_too_large_for_direct_download_is_409(admin_api, final_run, monkeypatch):
    monkeypatch.setattr("allocations.exports.services.DIRECT_MAX_LINES", 3)
    response = admin_api.get(url(final_run, "xlsx"))
    assert response.status_code == 409
    assert "exporttaak" in response.json()["detail"]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_query_count_does_not_grow_with_the_lines(admin_api, count_queries, fmt):
    small, large = export_run(lines=2), export_run(lines=12)
    count_queries(admin_api, url(small, fmt))  # warm caches (content types, sessions)
    assert count_queries(admin_api, url(large, fmt)) == count_queries(admin_api, url(small, fmt))


def test_the_export_states_the_day_the_letter_was_sent(admin_api, final_run):
    letter = Letter.objects.get(decision__line__run=final_run, decision__line__rank=1, superseded_at__isnull=True)
    Letter.objects.filter(pk=letter.pk).update(sent_at=dt.datetime(2026, 11, 4, 23, 30, tzinfo=dt.UTC))
    rows = read_csv(body(admin_api.get(url(final_run, "csv"))), ",")
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Verzonden op"] == "2026-11-05"  # 00:30 in Amsterdam: the day it was sent there
    assert first["Datum beschikkingsbrief"] == "2026-11-04"
