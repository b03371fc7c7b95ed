"""The comparison of two runs answers "who gets what, and why": columns named by run number, method and status;
"Verschil" defined as later minus earlier whatever the link; per application the rank, points, amount, share
of the request and stored reason in each run, winners and losers first; pots with what was asked of them; a
visible legend; identical runs said in one sentence."""

import html
import re
from decimal import Decimal

import pytest
from django.test import Client

from allocations.runs.models import AllocationPolicy
from tests.allocations.runs.builders import allocation_call, reviewed

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(administrator) -> Client:
    client = Client()
    client.force_login(administrator)
    return client


@pytest.fixture
def call():
    call = allocation_call(budget=Decimal("300000.00"))
    reviewed(call, requested=Decimal("200000.00"), total=Decimal("80"))
    reviewed(call, requested=Decimal("150000.00"), total=Decimal("70"))
    reviewed(call, requested=Decimal("50000.00"), total=Decimal("60"))
    return call


def page(client, call, a, b) -> str:
    response = client.get(f"/aanvraagrondes/{call.pk}/verdeling/vergelijken/", {"a": a.pk, "b": b.pk})
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def cells(body: str) -> list[list[str]]:
    table = body[body.index('id="vergelijking-gemeenten"') :]
    table = table[: table.index("</tbody>")]

    def clean(cell: str) -> str:
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()

    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]
    return [[clean(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)] for row in rows]


def test_two_runs_compare_later_minus_earlier_whatever_the_link(call, administrator, client, start):
    ranked = start(call, administrator)
    AllocationPolicy.objects.create(call=call, method="pro_rata")
    pro_rata = start(call, administrator)
    forward, backward = page(client, call, ranked, pro_rata), page(client, call, pro_rata, ranked)
    assert cells(forward) == cells(backward)  # the same table from either link
    body = forward
    # Headers: run number, method and status; the difference defined in words.
    assert "A: Verdeling 1, Rangschikking op punten" in body and "B: Verdeling 2, Naar rato" in body
    assert "Concept (wacht op goedkeuring)" in body
    assert "Verschil (B − A)" in body
    assert "Het bedrag in verdeling 2 (B, de latere) min het bedrag in verdeling 1 (A, de eerdere)." in body
    rows = cells(body)
    # Ranked: 200.000 and 100.000 of 150.000, nothing for the third. Pro rata (300/400): 75% of each request.
    # Winners and losers first: the third gains 37.500, the first loses 50.000, the second gains 12.500.
    assert [row[-1] for row in rows] == ["-€ 50.000,00", "+€ 37.500,00", "+€ 12.500,00"]
    first = rows[0]
    assert first[1] == "€ 200.000,00"
    assert first[2].startswith("€ 200.000,00 (100%) rang 1, 80,00 punten")
    assert "volledig toegekend" in first[2]
    assert first[3].startswith("€ 150.000,00 (75%)")
    assert "Aanvragen die in B meer krijgen: 2; die in B minder krijgen: 1." in body
    # The pot: what its applications asked, not € 0,00.
    pots = body[body.index("Per pot: wat de aanvragen") :]
    pots = pots[pots.index("<tbody") : pots.index("</tbody>")]
    amounts = re.findall(r'nplv-num">(.*?)</td>', pots)
    assert amounts == ["€ 400.000,00", "€ 300.000,00", "€ 300.000,00", "€ 0,00"]  # asked, A, B, B − A
    # A legend: on the chart itself and beside it.
    chart = body[body.index("<svg") : body.index("</svg>")]
    assert "Verdeling 1, Rangschikking op punten</text>" in chart and "Verdeling 2, Naar rato</text>" in chart
    assert 'class="nplv-legend"' in body and "B: Verdeling 2, Naar rato</li>" in body
    assert 'font-size="9"' not in chart  # readable text on the chart


def test_identical_runs_say_so_in_one_sentence(call, administrator, client, start):
    first, second = start(call, administrator), start(call, administrator)
    body = page(client, call, second, first)
    assert "De verdelingen zijn gelijk: elke aanvraag krijgt in verdeling 1 en verdeling 2 hetzelfde bedrag" in body
    assert 'id="vergelijking-gemeenten"' not in body and "<svg" not in body


def test_the_same_run_twice_is_no_comparison(call, administrator, client, start):
    run = start(call, administrator)
    start(call, administrator)
    body = page(client, call, run, run)
    assert "U koos twee keer dezelfde verdeling." in body and "Verschil (B − A)" not in body


def sorted_page(client, call, a, b, sort) -> str:
    response = client.get(f"/aanvraagrondes/{call.pk}/verdeling/vergelijken/", {"a": a.pk, "b": b.pk, "sorteer": sort})
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def names(body: str) -> list[str]:
    return [row[0].rsplit(" ", 1)[0] for row in cells(body)]  # without the reference


def header(body: str, column: int) -> str:
    """The opening tag and contents of a header cell of the lines' table (0: application … 4: difference)."""
    table = body[body.index('id="vergelijking-gemeenten"') :]
    head = table[: table.index("</thead>")]
    return re.findall(r"(<th scope=\"col\".*?</th>)", head, re.S)[column]


def test_the_reader_sorts_the_lines_by_each_header_without_script(call, administrator, client, start):
    ranked = start(call, administrator)
    AllocationPolicy.objects.create(call=call, method="pro_rata")
    pro_rata = start(call, administrator)
    # Ranked: 200.000 / 100.000 / 0; pro rata: 150.000 / 112.500 / 37.500 (Gemeente 0, 1, 2; 80, 70, 60 points).
    assert names(sorted_page(client, call, ranked, pro_rata, "gemeente")) == ["Gemeente 0", "Gemeente 1", "Gemeente 2"]
    assert names(sorted_page(client, call, ranked, pro_rata, "-gemeente")) == ["Gemeente 2", "Gemeente 1", "Gemeente 0"]
    assert names(sorted_page(client, call, ranked, pro_rata, "bedrag-a")) == ["Gemeente 2", "Gemeente 1", "Gemeente 0"]
    assert names(sorted_page(client, call, ranked, pro_rata, "-bedrag-b")) == ["Gemeente 0", "Gemeente 1", "Gemeente 2"]
    assert names(sorted_page(client, call, ranked, pro_rata, "rang-b")) == ["Gemeente 0", "Gemeente 1", "Gemeente 2"]
    assert names(sorted_page(client, call, ranked, pro_rata, "punten-a")) == ["Gemeente 2", "Gemeente 1", "Gemeente 0"]
    winners = sorted_page(client, call, ranked, pro_rata, "-verschil")
    assert [row[-1] for row in cells(winners)] == ["+€ 37.500,00", "+€ 12.500,00", "-€ 50.000,00"]
    losers = sorted_page(client, call, ranked, pro_rata, "verschil")
    assert [row[-1] for row in cells(losers)] == ["-€ 50.000,00", "+€ 12.500,00", "+€ 37.500,00"]

    body = sorted_page(client, call, ranked, pro_rata, "-punten-a")
    assert names(body) == ["Gemeente 0", "Gemeente 1", "Gemeente 2"]
    # The sorted column says so to a screen reader, and only that one; its link turns the order round.
    assert 'aria-sort="descending"' in header(body, 2)
    assert [header(body, i) for i in (0, 1, 3, 4) if "aria-sort" in header(body, i)] == []
    assert f"?a={ranked.pk}&b={pro_rata.pk}&sorteer=punten-a#vergelijking-gemeenten" in header(body, 2)
    assert "sorteer=-bedrag-a" in header(body, 2) and "sorteer=rang-a" in header(body, 2)
    assert "sorteer=-punten-b" in header(body, 3)
    assert "Gesorteerd op punten in A, aflopend" in body
    assert "Terug naar de standaardvolgorde" in body


def test_an_unknown_sort_shows_the_default_order(call, administrator, client, start):
    ranked = start(call, administrator)
    AllocationPolicy.objects.create(call=call, method="pro_rata")
    pro_rata = start(call, administrator)
    default = page(client, call, ranked, pro_rata)
    assert 'aria-sort="other"' in header(default, 4)  # by the size of the change, either way
    assert "Terug naar de standaardvolgorde" not in default
    for nonsense in ("onzin", "-", "--verschil", "punten-c", "rang-a; drop", "x" * 500):
        body = sorted_page(client, call, ranked, pro_rata, nonsense)
        assert cells(body) == cells(default)
        assert 'aria-sort="other"' in header(body, 4)
