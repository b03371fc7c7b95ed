"""SPUK's twenty reservations: one table row per area with a municipality picked from one shared searchable list
(not a select of every municipality per row), the reservations added up against the amount to divide, and a
warning for money that can never be spent. The summary page shows them as a table."""

from decimal import Decimal

import pytest

from accounts.models import Municipality
from allocations.runs.models import AllocationPolicy
from allocations.runs.policies import ReservationInput
from tests.allocations.runs.builders import allocation_call
from tests.allocations.runs.test_runs_error_summary import policy_data, summary_of
from tests.factories import UpcomingCallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipalities():
    """As many as the Netherlands has, so the page weighs what it will weigh."""
    Municipality.objects.bulk_create(
        Municipality(
            cbs_code=f"GM{9000 + n:04d}",
            name=f"Gemeente nummer {n}",
            province="Utrecht",
            inhabitants=40_000,
            inhabitants_year=2024,
        )
        for n in range(343)
    )
    return list(Municipality.objects.order_by("cbs_code"))


def reservations_for(municipalities, count=20, amount="800000.00"):
    return [ReservationInput(municipalities[n], Decimal(amount), f"Wijk {n}") for n in range(count)]


def test_twenty_reservations_are_one_light_table_with_their_sum_and_a_warning(administrator_client, municipalities):
    # € 20 million to divide, € 16 million reserved: € 4 million can never be spent.
    call = allocation_call(
        budget=Decimal("20000000.00"), policy={"method": "ranked", "reservations": reservations_for(municipalities)}
    )
    response = administrator_client.get(f"/aanvraagrondes/{call.pk}/verdeling/beleid/")
    body = response.content.decode()
    assert len(response.content) < 100_000, len(response.content)
    assert body.count("<datalist") == 1 and body.count("<option") < 400  # one list, not one per row
    assert body.count('list="gemeenten"') == 21  # twenty rows and an empty one
    assert 'value="Gemeente nummer 0 (GM9000)"' in body
    assert "20 reserveringen, samen € 16.000.000,00, tegen een te verdelen bedrag van € 20.000.000,00" in body
    assert "€ 4.000.000,00 kan nooit worden besteed:" in body

    overview = administrator_client.get(f"/aanvraagrondes/{call.pk}/verdeling/").content.decode()
    table = overview[overview.index('<caption id="reserveringen-titel">') :]
    table = table[: table.index("</table>")]
    assert table.count("<tr") == 22  # header, twenty areas, total
    assert "Gemeente nummer 19 (GM9019)" in table and "Wijk 19" in table and "€ 16.000.000,00" in table
    assert "€ 4.000.000,00 kan nooit worden besteed:" in overview


def test_a_municipality_is_found_by_its_list_entry_code_or_name(administrator_client, municipalities):
    call = UpcomingCallFactory(budget=Decimal("3000000.00"))
    rows = {
        "reservering-TOTAL_FORMS": "3",
        "reservering-0-municipality": "Gemeente nummer 1 (GM9001)",
        "reservering-0-area_name": "Noord",
        "reservering-0-amount": "1.000.000",
        "reservering-1-municipality": "gm9002",
        "reservering-1-area_name": "",
        "reservering-1-amount": "1000000",
        "reservering-2-municipality": "gemeente nummer 3",
        "reservering-2-area_name": "",
        "reservering-2-amount": "1000000,00",
    }
    url = f"/aanvraagrondes/{call.pk}/verdeling/beleid/"
    response = administrator_client.post(url, policy_data(**rows))
    assert response.status_code == 302
    saved = AllocationPolicy.objects.get(call=call).reservations.order_by("municipality__cbs_code")
    assert [(r.municipality.cbs_code, r.amount) for r in saved] == [
        ("GM9001", Decimal("1000000.00")),
        ("GM9002", Decimal("1000000.00")),
        ("GM9003", Decimal("1000000.00")),
    ]
    body = administrator_client.get(url).content.decode()
    assert "3 reserveringen, samen € 3.000.000,00" in body and "kan nooit worden besteed:" not in body


def test_an_unknown_municipality_is_refused_in_the_summary(administrator_client, municipalities):
    call = UpcomingCallFactory(budget=Decimal("3000000.00"))
    rows = {
        "reservering-TOTAL_FORMS": "1",
        "reservering-0-municipality": "Atlantis",
        "reservering-0-area_name": "",
        "reservering-0-amount": "1000",
    }
    response = administrator_client.post(f"/aanvraagrondes/{call.pk}/verdeling/beleid/", policy_data(**rows))
    summary = summary_of(response.content.decode())
    assert "Reservering 1 – Gemeente: Kies een gemeente uit de lijst" in summary and "Atlantis" in summary
    assert 'href="#id_reservering-0-municipality"' in summary
    assert not AllocationPolicy.objects.filter(call=call).exists()
