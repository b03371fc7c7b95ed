"""Money in a text box shows its thousands in the page's language (``5.000.000,00``, ``5,000,000.00``) and reads
back to the same amount: stored → shown → posted again changes nothing, in Dutch and in English, also after a
failed save. A box checked against a limit names that limit in its help text."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from accounts.amounts import MoneyField, amount_for_input, read_amount
from accounts.money import cents, euros
from allocations.runs.models import AllocationPolicy
from tests.factories import ApplicationFactory, CallFactory, ThemeFactory, UpcomingCallFactory

LANGUAGES = ("nl", "en")
# A money column holds 14 digits, 2 of them decimals.
AMOUNTS_IN_CENTS = st.integers(min_value=-(10**14) + 1, max_value=10**14 - 1)


@given(amount=AMOUNTS_IN_CENTS, language=st.sampled_from(LANGUAGES))
def test_what_a_money_box_shows_reads_back_to_the_same_cents(amount, language):
    shown = amount_for_input(euros(amount), language=language)
    assert read_amount(shown, language=language) == euros(amount)
    assert cents(read_amount(shown, language=language)) == amount
    with translation.override(language):
        field = MoneyField(required=False)
        assert field.prepare_value(euros(amount)) == shown
        assert field.clean(shown) == euros(amount)


@given(amount=st.integers(min_value=100_000, max_value=10**14 - 1), language=st.sampled_from(LANGUAGES))
def test_thousands_are_grouped_in_the_pages_notation(amount, language):
    shown = amount_for_input(euros(amount), language=language)
    decimal_sign, group_sign = (",", ".") if language == "nl" else (".", ",")
    whole, fraction = shown.split(decimal_sign)
    assert len(fraction) == 2
    assert re.fullmatch(rf"\d{{1,3}}(\{group_sign}\d{{3}})+", whole), shown


def test_the_examples_of_the_issue():
    assert amount_for_input(Decimal("5000000.00"), language="nl") == "5.000.000,00"
    assert amount_for_input(Decimal("5000000.00"), language="en") == "5,000,000.00"
    assert amount_for_input(Decimal("999.5"), language="nl") == "999,50"
    assert amount_for_input(Decimal("7"), language="en") == "7.00"
    assert amount_for_input(Decimal("-1234.56"), language="nl") == "-1.234,56"
    assert amount_for_input(None) == ""


def test_the_message_about_an_ambiguous_amount_still_suggests_it_without_grouping():
    with translation.override("nl"), pytest.raises(Exception) as excinfo:
        read_amount("1,000")
    assert "Typ 1,00 of 1000" in excinfo.value.messages[0]


# --- through the pages -----------------------------------------------------------------------------------------


def value_of(body: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', body)
    assert tag, name
    return re.search(r'value="([^"]*)"', tag.group(0)).group(1)


def help_of(body: str, field_id: str) -> str:
    match = re.search(rf'id="{re.escape(field_id)}_helptext">(.*?)</div>', body, re.S)
    assert match, f"no help text for {field_id}"
    return match.group(1)


@pytest.fixture
def budget_draft(db, officer):
    call = CallFactory(max_per_application=Decimal("6000000.00"), min_cofinancing_pct=Decimal("25"))
    theme = ThemeFactory(scheme=call.scheme, name="Veiligheid", order=1)
    draft = ApplicationFactory(call=call, municipality=officer.municipality, created_by=officer)
    return draft, f"regel_{theme.pk}_{call.years[0]}"


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "shown"), [("nl", "5.000.000,00"), ("en", "5,000,000.00")])
def test_the_budget_step_shows_grouped_amounts_that_post_back_unchanged(officer_client, budget_draft, language, shown):
    draft, box = budget_draft
    draft.requested_amount = Decimal("5000000.00")
    draft.save()
    draft.budget_lines.create(theme_id=int(box.split("_")[1]), year=int(box.split("_")[2]), amount=Decimal("5000000"))
    officer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse("application_step", args=[draft.pk, "begroting"])
    body = officer_client.get(url).content.decode()
    assert value_of(body, "requested_amount") == shown
    assert value_of(body, box) == shown
    # The limit it is checked against is in the box's help text (read with it by a screen reader).
    limit = {"nl": "€ 6.000.000,00", "en": "€ 6,000,000.00"}[language]
    assert limit in help_of(body, "id_requested_amount")
    assert 'aria-describedby="id_requested_amount_helptext"' in body
    # Posting back what the page shows changes nothing.
    draft.refresh_from_db()
    response = officer_client.post(
        url, {"revision": draft.revision, "requested_amount": shown, box: value_of(body, box), "opslaan": "1"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.requested_amount == Decimal("5000000.00")
    assert [line.amount for line in draft.budget_lines.all()] == [Decimal("5000000.00")]


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "typed"), [("nl", "1.250.000,50"), ("en", "1,250,000.50")])
def test_after_a_failed_save_the_amount_shown_is_the_one_saved_next(officer_client, budget_draft, language, typed):
    draft, box = budget_draft
    officer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse("application_step", args=[draft.pk, "begroting"])
    failed = officer_client.post(url, {"revision": draft.revision, "requested_amount": typed, box: "abc"})
    assert failed.status_code == 200
    body = failed.content.decode()
    shown = value_of(body, "requested_amount")
    assert shown == typed
    draft.refresh_from_db()
    assert draft.requested_amount is None
    saved = officer_client.post(
        url, {"revision": draft.revision, "requested_amount": shown, box: shown, "opslaan": "1"}
    )
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert draft.requested_amount == Decimal("1250000.50")
    again = officer_client.get(url).content.decode()
    assert value_of(again, "requested_amount") == typed  # stored, shown the same way


@pytest.mark.django_db
def test_the_cofinancing_box_names_the_minimum(officer_client, budget_draft):
    draft, _box = budget_draft
    draft.requested_amount = Decimal("1000000.00")
    draft.cofinancing_amount = Decimal("300000.00")
    draft.save()
    body = officer_client.get(reverse("application_step", args=[draft.pk, "cofinanciering"])).content.decode()
    assert value_of(body, "cofinancing_amount") == "300.000,00"
    assert "25% van het aangevraagde bedrag, hier € 250.000,00" in help_of(body, "id_cofinancing_amount")


def policy_data(**changes) -> dict:
    data = {
        "method": "ranked",
        "reserve": "1.000.000,00",
        "cap_amount": "250.000,00",
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
        "pot-0-name": "algemeen",
        "pot-0-budget": "12.500.000,00",
        "pot-0-network": "",
        "pot-0-spill_to": "",
        "reservering-TOTAL_FORMS": "0",
        "reservering-INITIAL_FORMS": "0",
        "reservering-MIN_NUM_FORMS": "0",
        "reservering-MAX_NUM_FORMS": "1000",
    }
    return data | changes


@pytest.mark.django_db
def test_the_policy_page_shows_grouped_amounts_with_their_ceiling_in_both_languages(administrator_client):
    call = UpcomingCallFactory(budget=Decimal("20000000.00"))
    url = f"/aanvraagrondes/{call.pk}/verdeling/beleid/"
    assert administrator_client.post(url, policy_data()).status_code == 302
    stored = AllocationPolicy.objects.get(call=call)
    saved = (stored.reserve, stored.cap_amount, [p.budget for p in stored.pots.all()])
    assert saved == (Decimal("1000000.00"), Decimal("250000.00"), [Decimal("12500000.00")])

    administrator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = administrator_client.get(url).content.decode()
    shown = {name: value_of(body, name) for name in ("reserve", "cap_amount", "pot-0-budget")}
    assert shown == {"reserve": "1,000,000.00", "cap_amount": "250,000.00", "pot-0-budget": "12,500,000.00"}
    for field_id in ("id_reserve", "id_cap_amount", "id_pot-0-budget"):
        assert "€ 20,000,000.00" in help_of(body, field_id), field_id
    # Posting back what the English page shows keeps every amount.
    data = policy_data(**{"reserve": shown["reserve"], "cap_amount": shown["cap_amount"]})
    data["pot-0-budget"] = shown["pot-0-budget"]
    assert administrator_client.post(url, data).status_code == 302
    stored = AllocationPolicy.objects.get(call=call)
    assert (stored.reserve, stored.cap_amount, [p.budget for p in stored.pots.all()]) == saved

    administrator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    body = administrator_client.get(url).content.decode()
    assert value_of(body, "reserve") == "1.000.000,00" and value_of(body, "pot-0-budget") == "12.500.000,00"
    assert "€ 20.000.000,00" in help_of(body, "id_pot-0-budget")
