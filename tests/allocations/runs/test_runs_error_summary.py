"""Errors in sight: a failed save of the policy form and of the letter texts opens on one error summary at the
top (a link per error to its field), with "Fout: " before the title and the invalid fields marked for
assistive technology. The summary is one include for every form page (``error_forms`` in the context)."""

import re
from decimal import Decimal

import pytest

from allocations.letters.models import LetterText
from allocations.runs.models import AllocationPolicy
from tests.allocations.runs.builders import network
from tests.factories import UpcomingCallFactory

pytestmark = pytest.mark.django_db


def policy_data(**changes) -> dict:
    data = {
        "method": "ranked",
        "reserve": "0",
        "cap_amount": "",
        "cap_pct": "",
        "min_points": "",
        "partial_last": "on",
        "unit": "1",
        "tiebreak": "need_score",
        "seed": "3",
        "formula_weight": "",
        "pot-TOTAL_FORMS": "1",
        "pot-INITIAL_FORMS": "0",
        "pot-MIN_NUM_FORMS": "0",
        "pot-MAX_NUM_FORMS": "1000",
        "pot-0-name": "",
        "pot-0-budget": "",
        "pot-0-network": "",
        "pot-0-spill_to": "",
        "reservering-TOTAL_FORMS": "0",
        "reservering-INITIAL_FORMS": "0",
        "reservering-MIN_NUM_FORMS": "0",
        "reservering-MAX_NUM_FORMS": "1000",
    }
    return data | changes


def summary_of(body: str) -> str:
    match = re.search(r'<div class="[^"]*nplv-error-summary"[^>]*>(.*?)</div>\s*</div>', body, re.S)
    assert match, "no error summary"
    return match.group(0)


def title_of(body: str) -> str:
    return re.search(r"<title>(.*?)</title>", body, re.S).group(1)


def test_a_failed_policy_save_opens_on_a_summary_that_links_every_field(administrator_client):
    call = UpcomingCallFactory(budget=Decimal("400000.00"))
    network("M50")
    url = f"/aanvraagrondes/{call.pk}/verdeling/beleid/"
    response = administrator_client.post(
        url, policy_data(seed="", reserve="veel", **{"pot-0-name": "M50", "pot-0-budget": "abc"})
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert not AllocationPolicy.objects.exists()  # nothing saved
    summary = summary_of(body)
    # Focus goes to the summary: without script by autofocus on a focusable box, with script as well.
    assert 'tabindex="-1"' in summary and "autofocus" in summary and 'role="alert"' in summary
    assert "error_summary.js" in body
    assert "Er zijn 3 fouten; er is niets opgeslagen." in summary
    # One link per error, to the field's own id, named by its label (and for a row, the row).
    assert 'href="#id_reserve"' in summary and "Reserve (voor bezwaren):" in summary
    assert 'href="#id_seed"' in summary and "Startgetal van de loting:" in summary
    assert 'href="#id_pot-0-budget"' in summary and "Pot 1 – Budget:" in summary
    assert body.index("nplv-error-summary") < body.index("<h1")  # at the top
    assert title_of(body).startswith("Fout: Verdeelbeleid")
    # The invalid fields say so, and point at their message (which has that id).
    for field_id in ("id_reserve", "id_seed", "id_pot-0-budget"):
        tag = re.search(rf'<input[^>]*id="{field_id}"[^>]*>', body).group(0)
        assert 'aria-invalid="true"' in tag, field_id
        assert f"{field_id}_error" in tag, field_id
        assert f'id="{field_id}_error"' in body, field_id
    valid = re.search(r'<input[^>]*id="id_cap_amount"[^>]*>', body).group(0)
    assert "aria-invalid" not in valid
    # The old top alert is not repeated under the summary.
    assert "Het formulier is niet opgeslagen" not in body


def test_the_policy_services_errors_are_in_the_summary_too(administrator_client):
    """A pot spilling to an earlier pot is the service's refusal (a formset error), linked to its box."""
    call = UpcomingCallFactory(budget=Decimal("400000.00"))
    url = f"/aanvraagrondes/{call.pk}/verdeling/beleid/"
    data = policy_data(
        **{
            "pot-TOTAL_FORMS": "2",
            "pot-0-name": "algemeen",
            "pot-0-budget": "300.000,00",
            "pot-1-name": "M50",
            "pot-1-budget": "100.000,00",
            "pot-1-spill_to": "algemeen",
        }
    )
    body = administrator_client.post(url, data).content.decode()
    summary = summary_of(body)
    assert "kan alleen naar een latere pot gaan" in summary and 'href="#pot-fouten"' in summary
    assert 'id="pot-fouten"' in body
    assert title_of(body).startswith("Fout: ")


def test_a_page_without_errors_has_no_summary_and_a_plain_title(administrator_client):
    call = UpcomingCallFactory(budget=Decimal("400000.00"))
    body = administrator_client.get(f"/aanvraagrondes/{call.pk}/verdeling/beleid/").content.decode()
    assert "nplv-error-summary" not in body and "error_summary.js" not in body
    assert title_of(body).startswith("Verdeelbeleid")
    assert "aria-invalid" not in body


def test_a_failed_save_of_the_letter_texts_opens_on_the_summary(administrator_client):
    call = UpcomingCallFactory()
    url = f"/aanvraagrondes/{call.pk}/brieftekst/"
    administrator_client.get(url)
    data = {
        "introduction": "Inleiding",
        "obligations": "",
        "unspent_money": "Terug.",
        "closing": "",
        "minister": "de minister",
        "signatory_name": "A. Naam",
        "signatory_function": "directeur",
        "directorate": "Directie",
        "contact_name": "Team",
        "contact_email": "geen adres",
        "contact_phone": "070",
        "save": "1",
    }
    response = administrator_client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 400
    assert LetterText.objects.filter(call=call).count() == 1  # no new version
    summary = summary_of(body)
    assert 'href="#id_contact_email"' in summary and "Er is 1 fout" in summary
    assert title_of(body).startswith("Fout: ")
    tag = re.search(r'<input[^>]*id="id_contact_email"[^>]*>', body).group(0)
    assert 'aria-invalid="true"' in tag and "id_contact_email_error" in tag
    # Saving asks for no decision to preview: that field is not in error.
    assert "id_decision_error" not in body


def test_a_preview_without_a_decision_says_so_in_the_summary(administrator_client):
    call = UpcomingCallFactory()
    url = f"/aanvraagrondes/{call.pk}/brieftekst/"
    administrator_client.get(url)
    texts = LetterText.objects.get(call=call)
    data = {name: getattr(texts, name) for name in ("unspent_money", "minister", "signatory_name")}
    data |= {
        "signatory_function": texts.signatory_function,
        "directorate": texts.directorate,
        "contact_name": texts.contact_name,
        "contact_email": texts.contact_email,
        "contact_phone": texts.contact_phone,
        "preview": "1",
    }
    body = administrator_client.post(url, data).content.decode()
    summary = summary_of(body)
    assert 'href="#id_decision"' in summary
