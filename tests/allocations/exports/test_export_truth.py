"""What an export states is the run's own record: each line's stored ground as a code and a Dutch sentence,
the run's published ceiling, reserve and amount distributed under the same names everywhere, text without
hidden characters, and a file name per CSV dialect."""

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from allocations.exports import selectors
from allocations.exports.models import ExportJob
from allocations.exports.serializers import (
    DecisionExportLineSerializer,
    DecisionExportSerializer,
    PublicationExportLineSerializer,
    PublicationExportSerializer,
)
from allocations.runs.reasons import describe
from tests.allocations.exports.grounds import kind, planned_lines_of_every_kind
from tests.allocations.final_runs import RESERVE, export_run, run_of_plan

FORMATS = ["csv", "csv_nl", "xlsx", "json"]
BUDGET = ("ceiling", "reserve", "distributed")
# The Dutch words each kind of ground is printed with, and its number as the Dutch write it.
DUTCH = {
    "full": ["volledig toegekend"],
    "reserved": ["reservering voor het gebied", "€ 50.000,00"],
    "capped": ["maximum per aanvraag", "€ 300.000,00"],
    "rounded": ["naar beneden afgerond op hele euro's"],
    "partial": ["gedeeltelijk toegekend", "raakte op", "€ 50.000,00"],
    "skipped": ["niet toegekend", "te weinig voor € 300.000,00", "lager geplaatste aanvragen"],
    "budget_exhausted": ["raakte op bij plaats 3"],
    "tie": ["evenveel punten (68,00)", "G-02", "hogere behoeftescore", "€ 18.000,00"],
    "pro_rata": ["naar rato", "50,00%"],
    "formula": ["verdeelsleutel", "50,00%"],
    "below_minimum:assessment": ["beoordelingsscore 55,00", "minimum van de beoordeling (60,00)"],
    "below_minimum:policy": ["totaal aantal punten 61,00", "minimum van het verdeelbeleid (62,00)"],
    "no_pot": ["geen deelplafond"],
    "no_reservation": ["geen reservering"],
    "no_weight": ["geen gewicht in de verdeelsleutel"],
}
HIDDEN = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u200b\x00\x07\x1b\x7f"
# No NUL: the portal refuses it at the door, and PostgreSQL cannot store it.
BIDI_TITLE = "\u202eWijk\u2066plan\u2069 \u200e2026\u200f\u061c\x07\x1b\u200b"
BIDI_FORMULA = '\u202b=HYPERLINK("http://evil.example","klik")'


@pytest.fixture
def admin_api(api_client, administrator):
    api_client.force_authenticate(administrator)
    return api_client


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def export_url(run, fmt):
    return f"/api/v1/allocation-runs/{run.pk}/export/{fmt}/"


def publication_url(call, fmt):
    return f"/api/v1/calls/{call.pk}/publication/{fmt}/"


def read_csv(data: bytes, fmt: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";" if fmt == "csv_nl" else ","))


def workbook(data: bytes, tmp_path):
    path = tmp_path / "export.xlsx"
    path.write_bytes(data)
    return openpyxl.load_workbook(path, data_only=True)


def summary_sheet(book) -> dict[str, object]:
    """The XLSX summary as {field: value}; it is the second sheet."""
    sheet = book.worksheets[1]
    return {row[2]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}


def strings(value) -> list[str]:
    """Every text in a JSON document, keys and values, as parsed (not as escaped in the file)."""
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in (key, *strings(item))]
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    return [value] if isinstance(value, str) else []


def filename(response) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    return disposition.split("filename=", 1)[1].strip('"')


# ------------------------------------------------------------------------------------------- reasons


@pytest.fixture
def every_ground(db):
    """A final run with a line of every kind of ground, and the kind of each line by its rank."""
    planned = list(planned_lines_of_every_kind().values())
    return run_of_plan(planned), {rank: kind(line) for rank, line in enumerate(planned, start=1)}


def test_every_kind_of_ground_is_exported_with_its_code_and_its_dutch_sentence(admin_api, every_ground, tmp_path):
    """Asked in English, the headers are English, but the reason is the record's Dutch sentence: the one the
    run page prints for the stored ground, in CSV, XLSX and JSON alike."""
    run, kinds = every_ground
    lines = {line.application.reference: line for line in run.lines.select_related("application")}
    assert sorted(kinds.values()) == sorted(DUTCH)
    with translation.override("nl"):
        sentences = {reference: describe(line.ground, line.reason) for reference, line in lines.items()}
    per_format = {}
    for fmt in FORMATS:
        data = body(admin_api.get(export_url(run, fmt), HTTP_ACCEPT_LANGUAGE="en"))
        if fmt == "json":
            rows = json.loads(data)["lines"]
        else:
            if fmt == "xlsx":
                table = [list(row) for row in workbook(data, tmp_path).worksheets[0].iter_rows(values_only=True)]
                table = table[:-1]  # the totals row
            else:
                table = read_csv(data, fmt)
            header, keys = table[0], [column.key for column in selectors.decision_columns()]
            assert header[keys.index("reason")] == "Reason (code)"  # the headers follow the requester
            assert header[keys.index("reason_text")] == "Reason (Dutch text)"
            rows = [dict(zip(keys, row, strict=True)) for row in table[1:]]
        per_format[fmt] = {row["application"]: (row["reason"], row["reason_text"]) for row in rows}
    for reference, line in lines.items():
        expected = (line.reason, sentences[reference])
        assert line.reason == line.ground["code"]
        for words in DUTCH[kinds[line.rank]]:
            assert words in sentences[reference], (kinds[line.rank], sentences[reference])
        for fmt in FORMATS:
            assert per_format[fmt][reference] == expected, (fmt, kinds[line.rank])


def test_the_reason_text_is_the_stored_ground_not_worked_out_again(admin_api, every_ground):
    """A line whose stored ground says one thing is exported saying that thing, whatever its amounts."""
    run, _kinds = every_ground
    line = run.lines.select_related("application").get(reason="full")
    data = json.loads(body(admin_api.get(export_url(run, "json"))))
    exported = next(row for row in data["lines"] if row["application"] == line.application.reference)
    assert (exported["reason"], exported["reason_text"]) == ("full", "volledig toegekend")


# -------------------------------------------------------------------------------------- hidden text


@pytest.mark.parametrize("fmt", FORMATS)
def test_bidi_and_control_characters_are_removed_from_every_text_cell(admin_api, db, fmt, tmp_path):
    run = export_run(lines=3)
    first, second, _third = run.lines.select_related("application").order_by("rank")
    first.application.title = BIDI_FORMULA
    first.application.area_name = "Centrale\u202e As"
    first.application.save(update_fields=["title", "area_name"])
    second.application.title = BIDI_TITLE
    second.application.save(update_fields=["title"])
    texts = []
    for url in (export_url(run, fmt), publication_url(run.call, fmt)):
        data = body(admin_api.get(url))
        if fmt == "json":
            document = json.loads(data)
            titles = {line["title"] for line in document["lines"]}
            assert {'=HYPERLINK("http://evil.example","klik")', "Wijkplan 2026"} <= titles  # no quote in JSON
            assert "Centrale As" in {line["area"] for line in document["lines"]}
            texts.extend(strings(document))
        elif fmt == "xlsx":
            sheet = workbook(data, tmp_path).worksheets[0]
            cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
            assert '\'=HYPERLINK("http://evil.example","klik")' in cells  # cleaned, then still made inert
            assert "Wijkplan 2026" in cells and "Centrale As" in cells
            texts.append("\n".join(cells))
        else:
            rows = read_csv(data, fmt)
            cells = [cell for row in rows for cell in row]
            assert '\'=HYPERLINK("http://evil.example","klik")' in cells
            assert "Wijkplan 2026" in cells and "Centrale As" in cells
            texts.append(data.decode("utf-8-sig"))
    for text in texts:
        assert not set(HIDDEN) & set(text)


# ------------------------------------------------------------------------------------------ file names


def test_the_two_csv_dialects_have_different_file_names_everywhere(
    administrator_client, admin_api, final_run, django_capture_on_commit_callbacks
):
    run, call = final_run, final_run.call
    stem = f"besluiten-{call.code}-verdeling-{run.number}"
    expected = {
        "csv": f"{stem}.csv",
        "csv_nl": f"{stem}-puntkomma.csv",
        "xlsx": f"{stem}.xlsx",
        "json": f"{stem}.json",
    }
    for fmt, name in expected.items():
        assert filename(admin_api.get(export_url(run, fmt))) == name
        assert filename(administrator_client.get(reverse("run_export_download", args=[run.pk, fmt]))) == name
        with django_capture_on_commit_callbacks(execute=True):
            started = admin_api.post(f"/api/v1/allocation-runs/{run.pk}/export-jobs/", {"format": fmt}, format="json")
        job = ExportJob.objects.get(pk=started.json()["id"])
        assert job.filename == name
        assert filename(admin_api.get(f"/api/v1/export-jobs/{job.pk}/download/")) == name
        assert filename(administrator_client.get(reverse("export_job_download", args=[job.pk]))) == name
        publication = f"publicatie-{call.code}" + {"csv": ".csv", "csv_nl": "-puntkomma.csv"}.get(fmt, f".{fmt}")
        assert filename(admin_api.get(publication_url(call, fmt))) == publication
        assert filename(administrator_client.get(reverse("publication_download", args=[call.pk, fmt]))) == publication
    assert len(set(expected.values())) == 4
    page = administrator_client.get(reverse("run_exports", args=[run.pk])).content.decode()
    assert f"{stem}.csv" in page and f"{stem}-puntkomma.csv" in page


# ---------------------------------------------------------------------------------------- the money


def _figures(source: dict) -> dict[str, Decimal]:
    return {key: Decimal(str(source[key])).quantize(Decimal("0.01")) for key in (*BUDGET, "awarded", "unspent")}


def test_ceiling_reserve_and_distributed_are_the_same_in_every_export_and_the_run(admin_api, final_run, tmp_path):
    run = final_run
    assert run.reserve == RESERVE > 0
    expected = {
        "ceiling": run.published_ceiling,
        "reserve": run.reserve,
        "distributed": run.total_budget,
        "awarded": run.total_awarded,
        "unspent": run.total_unspent,
    }
    assert expected["ceiling"] == Decimal("1000000.00") == expected["reserve"] + expected["distributed"]
    decisions = json.loads(body(admin_api.get(export_url(run, "json"))))
    publication = json.loads(body(admin_api.get(publication_url(run.call, "json"))))
    for document in (decisions, publication):
        for key in expected:  # money as a string with two decimals (DESIGN.md §10)
            assert isinstance(document[key], str) and document[key] == f"{expected[key]:.2f}", key
    assert decisions["ceiling"] == "1000000.00" and decisions["reserve"] == "10000.00"
    assert decisions["distributed"] == "990000.00"
    for url in (export_url(run, "xlsx"), publication_url(run.call, "xlsx")):
        book = workbook(body(admin_api.get(url)), tmp_path)
        assert book.sheetnames[1] == "Samenvatting"
        assert _figures(summary_sheet(book)) == expected
    # The summary's money cells are numbers in a euro format, like the lines.
    sheet = workbook(body(admin_api.get(export_url(run, "xlsx"))), tmp_path).worksheets[1]
    ceiling = next(row for row in sheet.iter_rows(min_row=2) if row[2].value == "ceiling")[1]
    assert ceiling.data_type == "n" and "€" in ceiling.number_format


def test_the_publication_reads_the_runs_ceiling_not_the_calls_budget_of_today(admin_api, final_run):
    """Both JSON exports read ``selectors.budget_figures``: raising the call's budget after the run changes
    neither (the publication list used to print the call's budget, the decisions the amount divided)."""
    call = final_run.call
    call.budget = Decimal("2500000.00")
    call.save(update_fields=["budget"])
    decisions = json.loads(body(admin_api.get(export_url(final_run, "json"))))
    publication = json.loads(body(admin_api.get(publication_url(call, "json"))))
    for key in (*BUDGET, "awarded", "unspent"):
        assert decisions[key] == publication[key]
    assert publication["ceiling"] == "1000000.00"
    assert "budget" not in publication and "total_budget" not in decisions


@pytest.mark.parametrize("fmt", FORMATS)
def test_totals_in_every_format_equal_the_runs_totals(admin_api, every_ground, fmt, tmp_path):
    """Also for a run with every kind of ground, and in the summary: awarded = the sum of the lines."""
    run, _kinds = every_ground
    data = body(admin_api.get(export_url(run, fmt)))
    if fmt == "json":
        document = json.loads(data)
        assert sum(Decimal(line["awarded"]) for line in document["lines"]) == run.total_awarded
        assert sum(Decimal(line["requested"]) for line in document["lines"]) == run.total_requested
        assert document["totals"]["awarded"] == document["awarded"] == f"{run.total_awarded:.2f}"
        assert document["totals"]["requested"] == document["requested"] == f"{run.total_requested:.2f}"
        return
    if fmt == "xlsx":
        book = workbook(data, tmp_path)
        table = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
        header, lines, totals = table[0], table[1:-1], table[-1]
        awarded = header.index("Toegekend")
        total = sum(Decimal(str(row[awarded])) for row in lines).quantize(Decimal("0.01"))
        assert total == Decimal(str(totals[awarded])).quantize(Decimal("0.01")) == run.total_awarded
        assert _figures(summary_sheet(book))["awarded"] == run.total_awarded
        return
    table = read_csv(data, fmt)
    awarded = table[0].index("Toegekend")
    assert sum(Decimal(row[awarded].replace(",", ".")) for row in table[1:]) == run.total_awarded
    assert not any(row[0] == "Totaal" for row in table)  # CSV stays the table alone


# ------------------------------------------------------------------------------------------ the schema


def test_the_documented_json_fields_are_the_exported_ones(final_run):
    """The serializers only document the streamed JSON: their fields must be the writers' columns and the
    summary's figures, so a column or figure added to an export is added to the schema too."""
    decision_fields = {f.key for f in selectors.decision_summary(final_run)} | {"lines", "totals"}
    assert set(DecisionExportSerializer().fields) == decision_fields
    assert set(DecisionExportLineSerializer().fields) == {c.key for c in selectors.decision_columns()}
    publication_fields = {f.key for f in selectors.publication_summary(final_run.call, final_run)} | {"lines", "totals"}
    assert set(PublicationExportSerializer().fields) == publication_fields
    assert set(PublicationExportLineSerializer().fields) == {c.key for c in selectors.publication_columns()}
    assert {"reason", "reason_text"} <= set(DecisionExportLineSerializer().fields)
