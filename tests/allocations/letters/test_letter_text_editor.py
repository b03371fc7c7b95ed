"""The letter-text editor: each text says where it appears in the letter, placeholders are refused (they would
be printed literally), the preview is chosen by municipality and kind, opens in its own tab and is marked
CONCEPT, and the version list names who saved each version (or says it holds the portal's defaults)."""

import html
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from allocations.letters import services
from allocations.letters.models import LetterText
from allocations.runs.models import Decision
from tests.allocations.final_runs import letter_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(administrator):
    return letter_run(count=3, by=administrator, prefix="E").call


def texts_data(call) -> dict:
    return {name: getattr(services.texts_for(call), name) for name in services.TEXT_FIELDS}


def test_every_text_says_where_it_appears_and_the_preview_is_chosen_by_municipality_and_kind(
    call, administrator_client
):
    body = html.unescape(administrator_client.get(reverse("call_letter_texts", args=[call.pk])).content.decode())
    assert "Onder ‘Aanleiding’, na de zin over de aanvraag; in elke brief." in body
    assert "Onder ‘Verplichtingen’, als laatste punt; alleen in toekenningen" in body
    assert 'class="utrecht-textarea"' in body and 'aria-describedby="id_introduction_helptext"' in body
    for decision in Decision.objects.filter(application__call=call).select_related("application__municipality"):
        label = f"{decision.application.municipality.name} – {decision.get_outcome_display()} ({decision.number})"
        assert label in body
    assert 'formtarget="_blank"' in body and "CONCEPT" in body
    assert "Versie 1" in body and "de standaardteksten van het portaal" in body and "door –" not in body


def test_placeholders_are_refused_and_nothing_is_saved(call, administrator_client):
    url = reverse("call_letter_texts", args=[call.pk])
    data = texts_data(call) | {"introduction": "Beste {gemeente}, u krijgt {bedrag}.", "save": "1"}
    response = administrator_client.post(url, data)
    body = html.unescape(response.content.decode())
    assert response.status_code == 400 and LetterText.objects.filter(call=call).count() == 1
    assert "invulvelden zoals {gemeente}, {bedrag} worden niet ingevuld" in body
    assert 'href="#id_introduction"' in body  # in the error summary


def test_the_preview_is_marked_concept_and_stores_nothing(call, administrator, administrator_client):
    url = reverse("call_letter_texts", args=[call.pk])
    decision = Decision.objects.filter(application__call=call).order_by("number").first()
    data = texts_data(call) | {"closing": "Een nieuwe slottekst.", "preview": "1", "decision": decision.pk}
    response = administrator_client.post(url, data)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages)
    assert "CONCEPT" in text and "geen besluit" in text and "Een nieuwe slottekst." in text
    assert LetterText.objects.filter(call=call).count() == 1
    saved = administrator_client.post(url, texts_data(call) | {"save": "1"})
    assert saved.status_code == 302
    page = html.unescape(administrator_client.get(url).content.decode())
    assert "Versie 2" in page and f"door {administrator.display_name}" in page
