"""The letter PDF: archival and tagged (PDF/A-2A), self-contained, deterministic, and saying the decision.

Each kind of letter is rendered once per module; the checks read the PDF's structure with pikepdf and its
text with pypdf, as an archive's validator and a lawyer would.
"""

import dataclasses
import datetime
import io
import re
from decimal import Decimal

import pikepdf
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pypdf import PdfReader

from allocations.letters import grounds, pdf
from allocations.letters.content import Kind
from allocations.letters.samples import sample_content
from allocations.letters.words import amount_in_words
from tests.allocations.letters.test_letter_words import parse_amount


@pytest.fixture(scope="module")
def rendered():
    return {kind: pdf.letter_pdf(sample_content(kind)) for kind in Kind}


def text_of(data: bytes) -> str:
    """The PDF's text with every run of whitespace as one space, so line breaks do not split phrases
    (a line that breaks after a hyphen or dash joins the next without a space)."""
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(re.sub(r"([-–])\n", r"\1", text).split())


def euros(text: str) -> list[int]:
    """Every amount printed as ``€ 1.234,56``, in cents, in reading order."""
    return [int(m.replace(".", "").replace(",", "")) for m in re.findall(r"€ ([\d.]+,\d\d)", text)]


def section(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end, text.index(start))]


@pytest.mark.parametrize("kind", list(Kind))
def test_every_letter_is_archival_tagged_and_self_contained(rendered, kind):
    with pikepdf.open(io.BytesIO(rendered[kind])) as doc:
        meta = doc.open_metadata()
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "A"
        assert meta["dc:title"] == "Beschikking NPLV-2026-KW-000123"
        intents = doc.Root.OutputIntents
        assert len(intents) >= 1 and intents[0].S == "/GTS_PDFA1" and "/DestOutputProfile" in intents[0]
        assert doc.Root.MarkInfo.Marked is True
        assert "/StructTreeRoot" in doc.Root
        assert str(doc.Root.Lang) == "nl"
        assert not doc.is_encrypted
        assert "/OpenAction" not in doc.Root and "/AA" not in doc.Root
        assert "/JavaScript" not in doc.Root.get("/Names", {})
        fonts = 0
        for page in doc.pages:
            for font in page.Resources.Font.values():
                fonts += 1
                descendants = font.get("/DescendantFonts") or [font]
                for described in descendants:
                    descriptor = described.FontDescriptor
                    assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font.BaseFont
        assert fonts > 0
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Dictionary):
                assert obj.get("/S") != "/JavaScript" and "/JS" not in obj


def test_the_same_letter_renders_to_the_same_bytes(rendered):
    pdf.reset()  # a fresh font configuration and stylesheet, as in another worker process
    assert pdf.letter_pdf(sample_content(Kind.AWARD)) == rendered[Kind.AWARD]
    assert pdf.letter_pdf(sample_content(Kind.AWARD)) == rendered[Kind.AWARD]


def test_creation_dates_come_from_the_decision_not_the_clock(rendered):
    with pikepdf.open(io.BytesIO(rendered[Kind.AWARD])) as doc:
        meta = doc.open_metadata()
        assert meta["xmp:CreateDate"] == meta["xmp:ModifyDate"] == "2026-03-16"
    later = dataclasses.replace(sample_content(Kind.AWARD), letter_date=datetime.date(2026, 3, 17))
    assert pdf.letter_pdf(later) != rendered[Kind.AWARD]


def test_award_states_the_amount_in_figures_and_words_and_the_table_adds_up(rendered):
    content = sample_content(Kind.AWARD)
    text = text_of(rendered[Kind.AWARD])
    assert "U ontvangt een bijdrage van € 2.266.110,22" in text
    assert "twee miljoen tweehonderdzesenzestigduizend honderdtien euro en tweeëntwintig cent" in text
    table = euros(section(text, "Toegekend bedrag per bestedingsdoel", "Grondslag"))
    rows = [table[i : i + 4] for i in range(0, len(table), 4)]
    *themes, footer = rows
    assert len(themes) == 3
    for *years, total in themes:
        assert sum(years) == total
    assert sum(row[3] for row in themes) == content.awarded_cents == footer[3]
    assert [sum(col) for col in zip(*(row[:3] for row in themes), strict=True)] == footer[:3]
    payments = euros(section(text, "Betaalschema", "Verantwoording"))
    assert sum(payments[:-1]) == payments[-1] == content.awarded_cents


def test_partial_award_names_both_amounts(rendered):
    content = sample_content(Kind.PARTIAL)
    text = text_of(rendered[Kind.PARTIAL])
    assert content.awarded_cents == 135_966_613
    assert "U ontvangt € 1.359.666,13 (" + amount_in_words(135_966_613) + ") van de aangevraagde € 2.266.110,22" in text
    assert "Voor het overige wijs ik uw aanvraag af" in text
    assert sum(euros(section(text, "Toegekend bedrag", "Grondslag"))[-1:]) == content.awarded_cents


@pytest.mark.parametrize("kind", list(Kind))
def test_legal_basis_objection_clause_and_signature(rendered, kind):
    text = text_of(rendered[kind])
    assert "Artikel 17 van de Financiële-verhoudingswet" in text
    # 16 March 2026 + six weeks is Monday 27 April, Koningsdag: the term runs to the next working day.
    assert "uiterlijk op dinsdag 28 april 2026 zijn ontvangen" in text
    assert "zes weken" in text and "6:7" in text and "6:5" in text
    assert "namens de minister van Volkshuisvesting en Ruimtelijke Ordening" in text
    assert "drs. A.B. Voorbeeld" in text and "Ons kenmerk NPLV-2026-KW-000123" in text
    assert "Het college van burgemeester en wethouders van Nieuwegein" in text
    assert "Uw kenmerk KW26-0042" in text


def test_refusal_gives_its_reason_and_the_points_breakdown(rendered):
    text = text_of(rendered[Kind.REFUSAL])
    assert "Ik wijs uw aanvraag af" in text
    assert "U ontvangt geen bijdrage" in text and "Betaalschema" not in text
    assert "plaats 23 van de 31 aanvragen" in text
    assert "Deelplafond ‘Algemeen’ raakte op bij de aanvraag op plaats 17" in text
    points = section(text, "Punten van uw aanvraag", "Uw aanvraag staat op plaats")
    # Points with two decimals throughout, as the sentences print them ("23,50 punten").
    assert "Kwaliteit van het plan van aanpak 5,50" in points
    assert "Opgave (indicatoren van de gemeente) 4,00" in points
    assert "Bonus: Lid van het netwerk M50 2,00" in points
    assert "Totaal 23,50" in points


@pytest.mark.parametrize(
    ("ground", "expected"),
    [
        (
            grounds.BelowMinimum(grounds.MinimumSource.POLICY, grounds.Measure.TOTAL, Decimal("23.50"), Decimal("25")),
            "Uw aanvraag heeft in totaal 23,50 punten. Dat is minder dan het minimum van 25,00 dat het "
            "verdeelbeleid van deze ronde stelt.",
        ),
        (
            grounds.NoReservation("Batau-Noord"),
            "Voor het gebied ‘Batau-Noord’ van uw gemeente is geen bedrag gereserveerd.",
        ),
    ],
)
def test_refusals_below_the_minimum_and_not_eligible_say_why_and_name_no_rank(ground, expected):
    text = text_of(pdf.letter_pdf(sample_content(Kind.REFUSAL, ground=ground)))
    assert expected in text
    assert "raakte op" not in text and "plaats 23" not in text
    assert "4:25" not in text  # not a refusal on the ceiling


def test_user_text_is_escaped_and_cannot_reach_outside():
    content = dataclasses.replace(
        sample_content(Kind.AWARD),
        application_title='<img src="http://127.0.0.1:9/x.png"><script>alert(1)</script>',
        legal_basis='<link rel="stylesheet" href="file:///etc/passwd">Artikel 1',
    )
    html = pdf.letter_html(content)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<img src="http' not in html and "<link" not in html
    text = text_of(pdf.letter_pdf(content))
    assert "<script>alert(1)</script>" in text  # shown as text, not run


def test_free_texts_are_bounded():
    long = "Woord " * 5_000
    content = dataclasses.replace(sample_content(Kind.AWARD), application_title=long, legal_basis=long)
    assert len(content.application_title) == 200 and content.application_title.endswith("…")
    assert len(content.legal_basis) == 6_000


@pytest.mark.parametrize(
    ("requested_cents", "fixed"),
    [
        (226_611_022, True),  # the sample: years of about € 450.000
        (299_999_997, True),  # every year's total € 999.999,99: the widest that fits the fixed columns
        (300_000_000, False),  # a year's total of a million no longer fits: widths measured from the text
        (999_999_999, False),
    ],
)
def test_the_amounts_table_uses_fixed_columns_only_when_its_amounts_fit(requested_cents, fixed):
    content = sample_content(Kind.AWARD, requested_cents=requested_cents)
    assert content.amounts_fit_fixed_columns is fixed
    html = pdf.letter_html(content)
    assert ('class="amounts measured"' in html) is not fixed
    table = section(text_of(pdf.letter_pdf(content)), "Toegekend bedrag per", "Grondslag")
    year_totals = content.year_totals
    assert euros(table)[-len(year_totals) - 1 :] == [*year_totals, content.awarded_cents]


def test_a_fourth_year_gives_measured_columns():
    content = sample_content(Kind.AWARD)
    extra = dataclasses.replace(content.amounts[0], year=max(content.years) + 1, cents=0)
    assert not dataclasses.replace(content, amounts=[*content.amounts, extra]).amounts_fit_fixed_columns


def test_table_and_payments_must_add_up_to_the_award():
    content = sample_content(Kind.AWARD)
    with pytest.raises(ValueError, match="add up"):
        dataclasses.replace(content, awarded_cents=content.awarded_cents + 1)


def test_the_fetcher_serves_only_static_files_and_data_urls(settings, tmp_path):
    fetcher = pdf.StaticOnlyFetcher(pdf.static_roots())
    base = pdf.static_base_url()
    assert fetcher.allows(base + "letters/emblem.svg")
    assert fetcher.allows("data:image/png;base64,iVBORw0KGgo=")
    secret = tmp_path / "secret.txt"
    secret.write_text("geheim")
    for url in (
        secret.as_uri(),
        "file:///etc/passwd",
        base + "../manage.py",
        base + "letters/does-not-exist.svg",
        "http://127.0.0.1:9/emblem.svg",
        "https://example.org/font.ttf",
        "ftp://127.0.0.1/x",
    ):
        assert not fetcher.allows(url), url
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_the_emblem_is_configurable(settings):
    settings.LETTER_EMBLEM = "letters/other.svg"
    assert 'src="letters/other.svg"' in pdf.letter_html(sample_content(Kind.AWARD))


def test_points_add_up_to_the_total():
    motivation = sample_content(Kind.AWARD).motivation
    assert motivation.total_points == Decimal("35.5")


@hypothesis_settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=1, max_value=99_999_999_999))
def test_the_pdf_states_any_amount_in_words_that_read_back_to_it(requested_cents):
    content = sample_content(Kind.AWARD, requested_cents=requested_cents)
    text = text_of(pdf.letter_pdf(content))
    match = re.search(r"U ontvangt een bijdrage van € ([\d.]+,\d\d) \((.+?)\)\.", text)
    assert match, text[:600]
    figures = int(match[1].replace(".", "").replace(",", ""))
    assert figures == requested_cents == parse_amount(match[2])
    assert match[2] == amount_in_words(requested_cents)


def test_the_rank_sentence_counts_in_dutch():
    content = sample_content(Kind.AWARD)
    many = text_of(pdf.letter_pdf(content))
    assert f"plaats {content.motivation.rank} van de {content.motivation.ranked_count} aanvragen" in many
    alone = dataclasses.replace(content.motivation, rank=1, ranked_count=1)
    text = text_of(pdf.letter_pdf(dataclasses.replace(content, motivation=alone)))
    assert "Uw aanvraag is de enige aanvraag in de rangschikking." in text
    assert "van de 1 aanvragen" not in text
