"""The SiSa import: a documented CSV, every row checked, one error refuses the whole file with an error per row,
and a good file writes one statement per decision and year."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from allocations.accountability import services
from allocations.accountability.models import ImportBatch, Source, Statement

pytestmark = pytest.mark.django_db

HEADER = "gemeente;beschikkingsnummer;jaar;indicator;waarde\n"


def rows(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode()


def year_rows(decision, year, spent, to_date, final="N", finished="N", code=None):
    code = code or decision.application.municipality.cbs_code
    n = decision.number
    return [
        f"{code};{n};{year};B01;{spent}",
        f"{code};{n};{year};B02;{to_date}",
        f"{code};{n};{year};B03;{final}",
        f"{code};{n};{year};B04;{finished}",
    ]


def refused(content, by):
    with pytest.raises(services.ImportRefused) as caught:
        services.import_statements(content=content, file_name="sisa.csv", by=by)
    assert not Statement.objects.exists() and not ImportBatch.objects.exists()
    return {error.line: error.message for error in caught.value.errors}


def test_a_good_file_writes_a_statement_per_decision_and_year(awards, administrator):
    mine, theirs = awards[1], awards[2]
    content = rows(
        *year_rows(mine, 2027, "60000,50", "60000,50"),
        *year_rows(mine, 2028, "59000.00", "119000.50", final="J", finished="J"),
        *year_rows(theirs, 2027, "0", "0"),
    )
    batch = services.import_statements(content=content, file_name="sisa-2028.csv", by=administrator)
    assert (batch.rows, batch.statements) == (12, 3)
    statements = {(s.decision_id, s.year): s for s in Statement.objects.all()}
    final = statements[(mine.pk, 2028)]
    assert (str(final.spent), str(final.spent_to_date), final.final, final.finished) == (
        "59000.00",
        "119000.50",
        True,
        True,
    )
    assert final.source == Source.IMPORT and final.batch == batch
    assert AuditEvent.objects.filter(verb="accountability.imported", data__statements=3).exists()
    assert AuditEvent.objects.filter(verb="accountability.recorded").count() == 3


def test_a_malformed_file_is_refused_with_its_header(administrator, awards):
    assert refused(b"gemeente,nummer\nGM0356,1\n", administrator) == {
        1: "De kopregel moet zijn: gemeente,beschikkingsnummer,jaar,indicator,waarde."
    }
    assert 1 in refused(b"\xff\xfe\x00n", administrator)
    assert refused(HEADER.encode(), administrator) == {1: "Het bestand bevat geen regels met cijfers."}


def test_every_bad_row_is_named_and_nothing_is_imported(awards, administrator, other_municipality):
    mine, theirs = awards[1], awards[2]
    content = rows(
        *year_rows(mine, 2027, "1000,00", "1000,00"),  # lines 2-5: good, yet not imported
        "GM0356;NPLV-ONBEKEND;2027;B01;10",  # 6: unknown decision number
        f"{other_municipality.cbs_code};{theirs.number};2027;B01;10",  # 7: another municipality's decision
        f"{mine.application.municipality.cbs_code};{mine.number};2027;B09;10",  # 8: unknown indicator
        f"{mine.application.municipality.cbs_code};{mine.number};twintig;B01;10",  # 9: no year
        f"{mine.application.municipality.cbs_code};{mine.number};2027;B01",  # 10: a column short
        *year_rows(theirs, 2030, "5", "5", final="J"),  # 11-14: outside the period 2027-2028
        *year_rows(awards[3], 2027, "5", "5"),  # 15-18: a refusal has nothing to account for
    )
    errors = refused(content, administrator)
    assert errors[6] == "Onbekend beschikkingsnummer: NPLV-ONBEKEND."
    assert errors[7] == f"Beschikking {theirs.number} is niet aan gemeente {other_municipality.cbs_code} gericht."
    assert errors[8].startswith("Onbekende indicator ‘B09’")
    assert errors[9] == "Het jaar ‘twintig’ is geen jaartal."
    assert errors[10] == "Deze regel heeft 4 kolommen; verwacht zijn er 5."
    assert "2030 valt buiten de bestedingsperiode 2027–2028" in errors[11]
    assert "er is geen verzonden toekenning" in errors[15]
    assert not {2, 3, 4, 5} & set(errors)
    assert AuditEvent.objects.filter(verb="accountability.import_refused").exists()


def test_amounts_above_the_award_and_bad_amounts_are_refused(awards, administrator):
    mine = awards[1]
    errors = refused(rows(*year_rows(mine, 2027, "120001,01", "120001,01")), administrator)
    assert "is hoger dan het toegekende bedrag (€ 120.001,00)" in errors[2]
    errors = refused(rows(*year_rows(mine, 2027, "1.000,00", "1000")), administrator)
    assert errors[2] == "Een bedrag is geen geldig bedrag in euro's (bijvoorbeeld 12500,00)."
    errors = refused(rows(*year_rows(mine, 2027, "=1+1", "2")), administrator)
    assert errors[2] == "Een bedrag is geen geldig bedrag in euro's (bijvoorbeeld 12500,00)."


def test_an_awb_subsidy_is_not_accounted_for_in_sisa(subsidy, administrator):
    errors = refused(rows(*year_rows(subsidy, 2027, "1", "1")), administrator)
    assert "valt niet onder SiSa" in errors[2]


def test_the_import_page_shows_the_errors_per_line_and_a_summary(administrator_client, awards):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("sisa.csv", rows("GM0356;NPLV-ONBEKEND;2027;B01;10"), content_type="text/csv")
    response = administrator_client.post(reverse("accountability_import"), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Fout: " in page and 'id="foutoverzicht"' in page
    assert "Onbekend beschikkingsnummer: NPLV-ONBEKEND." in page
    assert not Statement.objects.exists()


def test_only_an_administrator_may_import(officer_client, reviewer):
    assert officer_client.get(reverse("accountability_import")).status_code == 403
    with pytest.raises(services.PermissionDenied):
        services.import_statements(content=rows(), file_name="x.csv", by=reviewer)
