"""Amounts are read in the language of the page; input that reads two ways is refused with both readings."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.amounts import amount_for_input, read_amount
from allocations.runs.forms import PolicyForm
from applications.forms import BudgetStepForm, CofinancingStepForm
from tests.factories import ApplicationFactory


@pytest.mark.parametrize(
    ("language", "typed", "amount"),
    [
        ("en", "1,000", D("1000")),
        ("en", "250,000.50", D("250000.50")),
        ("en", "250000.5", D("250000.5")),
        ("en", "€ 1,234,567.89", D("1234567.89")),
        ("nl", "1.000", D("1000")),
        ("nl", "250.000,50", D("250000.50")),
        ("nl", "250000,50", D("250000.50")),
        ("nl", "1.234.567,89", D("1234567.89")),
        ("nl", "12", D("12")),
        ("en", "", None),
    ],
)
def test_amounts_are_read_in_the_language_of_the_page(language, typed, amount):
    assert read_amount(typed, language=language) == amount


@pytest.mark.parametrize(
    ("language", "typed", "message"),
    [
        ("nl", "1,000", "'1,000' kan € 1,00 betekenen of € 1.000,00. Typ 1,00 of 1000"),
        ("en", "1.000", "'1.000' can mean € 1.00 or € 1,000.00. Type 1.00 or 1000"),
        ("nl", "250,000.50", "is geschreven als € 250.000,50 in de andere taalnotatie. Typ hier 250000,50."),
        ("en", "250.000,50", "'250.000,50' is written as € 250,000.50 in the other notation. Here, type 250000.50."),
        ("nl", "1,250", "'1,250' kan € 1,25 betekenen of € 1.250,00."),
        ("nl", "100,125", "'100,125' heeft drie cijfers achter de komma. Bedoelt u € 100.125,00? Typ dan 100125."),
        ("nl", "veel", "Vul een bedrag in euro in, bijvoorbeeld 250000 of 250000,50."),
        ("en", "1,00", "'1,00' is written as € 1.00 in the other notation. Here, type 1.00."),
        ("en", "2.125", "'2.125' has three digits after the decimal point. Do you mean € 2,125.00? Then type 2125."),
    ],
)
def test_ambiguous_or_foreign_input_is_refused_with_how_it_was_read(language, typed, message):
    with translation.override(language), pytest.raises(ValidationError) as excinfo:
        read_amount(typed)
    assert message in excinfo.value.messages[0]


def test_a_stored_amount_is_offered_back_in_the_page_notation():
    assert amount_for_input(D("250000.50"), language="nl") == "250.000,50"
    assert amount_for_input(D("250000.50"), language="en") == "250,000.50"
    assert amount_for_input(D("250000.50"), language="nl", grouped=False) == "250000,50"


@pytest.mark.parametrize("form_class", ["budget", "cofinancing", "policy"])
def test_every_money_form_reads_english_amounts_on_an_english_page(db, form_class):
    with translation.override("en"):
        if form_class == "budget":
            form = BudgetStepForm({"revision": 1, "requested_amount": "250,000.50"}, themes=[], years=[])
            field = "requested_amount"
        elif form_class == "cofinancing":
            form = CofinancingStepForm({"revision": 1, "cofinancing_amount": "1,000"})
            field = "cofinancing_amount"
        else:
            form = PolicyForm(
                {"method": "ranked", "reserve": "1,000", "unit": 1, "tiebreak": "lottery", "seed": 1},
            )
            field = "reserve"
        form.is_valid()
        assert field not in form.errors, form.errors
        assert form.cleaned_data[field] in (D("250000.50"), D("1000"))
    with translation.override("nl"):
        form = CofinancingStepForm({"revision": 1, "cofinancing_amount": "1,000"})
        assert not form.is_valid()
        assert "kan € 1,00 betekenen of € 1.000,00" in form.errors["cofinancing_amount"][0]


@pytest.mark.django_db
def test_the_cofinancing_step_saves_an_english_thousand_and_refuses_the_dutch_ambiguity(officer_client, officer):
    draft = ApplicationFactory(municipality=officer.municipality, created_by=officer)
    url = reverse("application_step", args=[draft.pk, "cofinanciering"])
    officer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    saved = officer_client.post(url, {"revision": draft.revision, "cofinancing_amount": "1,000"})
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert draft.cofinancing_amount == D("1000.00")

    officer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    refused = officer_client.post(url, {"revision": draft.revision, "cofinancing_amount": "2,000"})
    assert refused.status_code == 200
    assert "kan € 2,00 betekenen of € 2.000,00" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.cofinancing_amount == D("1000.00")
