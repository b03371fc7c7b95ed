"""The application PDFs: a draft's copy is marked CONCEPT and never claims to be "as submitted"; both
show the budget as the theme-by-year grid and the submitted copy says who submitted it and when."""

import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from applications import documents, services
from tests.factories import ThemeFactory, complete_application

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


@pytest.fixture
def draft(officer):
    application = complete_application(municipality=officer.municipality, created_by=officer)
    ThemeFactory(scheme=application.call.scheme, name="Ontwikkeling jonge kind")
    return application


def test_the_concept_pdf_says_it_is_a_concept(draft):
    text = _text(documents.render_application_pdf(draft))
    assert "CONCEPT" in text
    assert "nog niet ingediend" in text
    assert "zoals die is ingediend" not in text
    assert "Ingediend door" not in text


def test_the_submitted_pdf_shows_the_grid_and_who_submitted(draft, officer):
    services.submit_application(application=draft, by=officer)
    draft.refresh_from_db()
    text = _text(documents.render_application_pdf(draft, submitted_at=draft.submitted_at))
    assert "CONCEPT" not in text
    assert "zoals die is ingediend" in text
    assert f"Ingediend door {officer.display_name}" in text
    first, second = draft.call.year_from, draft.call.year_from + 1
    # One row per theme with a cell per year of the call, and the totals per year.
    assert re.search(rf"Bestedingsdoel {first} {second} .*Totaal", text)
    assert "€ 200.000,00 € 100.000,00" in text
    assert "Ontwikkeling jonge kind –" in text  # a theme without lines still has its row
    assert draft.budget_total == Decimal("300000.00")


def test_long_unbroken_words_wrap_inside_the_page(draft):
    """A 200-character title without spaces (the API accepts it) and long words in the free texts wrap instead
    of running off the right edge; nothing of them is lost."""
    from tests.pdfbox import outside

    word = "Bewonersparticipatietrajectbegeleidingsovereenkomst" * 6
    draft.title = "Wijkaanpak" + "Leefbaarheid" * 15 + "Noord"
    draft.goals, draft.partners, draft.area_name = f"Doel {word}.", word, "Oost" * 30
    draft.save()
    data = documents.render_application_pdf(draft)
    assert outside(data, right_mm=15) == []  # the right margin (20 mm) stays clear
    joined = re.sub(r"\s+", "", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))
    assert draft.title in joined and word in joined
