"""The percentage misread: a percentage or a number of points is typed in a text box and read in the language
of the page, as amounts are: "7,5" on a Dutch page is 7,5 %, never 75; the form shows "7,5" and "10", not
"10.00"; input that reads two ways, or the other language's notation, is refused with its readings."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.amounts import NumberField, number_for_input, read_number
from allocations.runs.models import AllocationPolicy
from tests.allocations.runs.test_runs_error_summary import policy_data, summary_of
from tests.factories import UpcomingCallFactory


@pytest.mark.parametrize(
    ("language", "typed", "number"),
    [
        ("nl", "7,5", Decimal("7.5")),
        ("nl", "10", Decimal("10")),
        ("nl", "10,00", Decimal("10.00")),
        ("nl", "0,5 %", Decimal("0.5")),
        ("nl", "1.000", Decimal("1000")),
        ("en", "7.5", Decimal("7.5")),
        ("en", "1,000", Decimal("1000")),
        ("nl", " ", None),
    ],
)
def test_numbers_are_read_in_the_language_of_the_page(language, typed, number):
    assert read_number(typed, language=language) == number


@pytest.mark.parametrize(
    ("language", "typed", "words"),
    [
        ("nl", "7.5", ["andere taalnotatie", "Bedoelt u 7,5?"]),
        ("nl", "1,000", ["kan 1 betekenen of 1000"]),
        ("nl", "7,555", ["drie cijfers achter de komma", "Bedoelt u 7555?"]),
        ("en", "7,5", ["andere taalnotatie", "Bedoelt u 7.5?"]),
        ("nl", "zeven", ["Vul een getal in, bijvoorbeeld 7,5."]),
        ("nl", "7,125", ["drie cijfers"]),
    ],
)
def test_doubtful_numbers_are_refused_with_their_readings(language, typed, words):
    with pytest.raises(ValidationError) as refused:
        read_number(typed, language=language)
    message = " ".join(refused.value.messages)
    assert all(word in message for word in words), message


@pytest.mark.parametrize(
    ("stored", "shown"), [(Decimal("10.00"), "10"), (Decimal("7.50"), "7,5"), (Decimal("0.25"), "0,25"), (None, "")]
)
def test_a_stored_number_shows_the_dutch_way(stored, shown):
    assert number_for_input(stored, language="nl") == shown


def test_the_field_keeps_its_range():
    field = NumberField(min_value=Decimal("0.01"), max_value=Decimal("100"))
    assert field.clean("100") == Decimal("100")
    with pytest.raises(ValidationError, match="100 of minder"):
        field.clean("100,5")
    with pytest.raises(ValidationError, match="0,01 of meer"):
        field.clean("0")


@pytest.mark.django_db
def test_seven_and_a_half_percent_is_saved_as_seven_and_a_half(administrator_client):
    call = UpcomingCallFactory(budget=Decimal("400000.00"))
    url = f"/aanvraagrondes/{call.pk}/verdeling/beleid/"
    response = administrator_client.post(url, policy_data(cap_pct="7,5", min_points="55,25"))
    assert response.status_code == 302
    policy = AllocationPolicy.objects.get(call=call)
    assert policy.cap_pct == Decimal("7.50") and policy.min_points == Decimal("55.25")
    page = administrator_client.get(url).content.decode()
    # A text box with a decimal keyboard, showing the Dutch way; no type=number anywhere on the form.
    assert 'type="text" name="cap_pct" value="7,5"' in page and 'inputmode="decimal"' in page
    assert 'value="55,25"' in page
    assert 'type="number" name="cap_pct"' not in page and 'type="number" name="min_points"' not in page
    overview = administrator_client.get(f"/aanvraagrondes/{call.pk}/verdeling/").content.decode()
    assert "7,50% van het plafond" in overview and "75%" not in overview


@pytest.mark.django_db
def test_a_percentage_in_the_other_notation_is_refused_and_nothing_changes(administrator_client):
    call = UpcomingCallFactory(budget=Decimal("400000.00"))
    url = f"/aanvraagrondes/{call.pk}/verdeling/beleid/"
    response = administrator_client.post(url, policy_data(cap_pct="7.5"))
    body = response.content.decode()
    assert response.status_code == 200 and not AllocationPolicy.objects.exists()
    assert "Bedoelt u 7,5?" in summary_of(body)
    assert 'value="7.5"' in body  # what was typed stays, to correct


@pytest.mark.django_db
def test_an_english_page_reads_the_english_way(administrator_client, settings):
    call = UpcomingCallFactory(budget=Decimal("400000.00"))
    administrator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = f"/aanvraagrondes/{call.pk}/verdeling/beleid/"
    assert administrator_client.post(url, policy_data(cap_pct="7.5", reserve="1,000.00")).status_code == 302
    policy = AllocationPolicy.objects.get(call=call)
    assert policy.cap_pct == Decimal("7.50") and policy.reserve == Decimal("1000.00")
