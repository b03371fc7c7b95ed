"""The order of a comparison's lines (allocations/runs/compare.py ``Sorting``), without the database."""

from decimal import Decimal

import pytest

from allocations.runs.compare import SORT_KEYS, LineRow, Side, Sorting


def line(label: str, *, a: tuple | None, b: tuple | None) -> LineRow:
    def side(values):
        return None if values is None else Side(rank=values[0], points=values[1], awarded=values[2], reason=values[3])

    return LineRow(reference=f"R-{label}", label=label, requested=Decimal("100"), a=side(a), b=side(b))


LINES = [
    line("Utrecht", a=(2, Decimal("70"), Decimal("50"), "volledig"), b=(1, Decimal("80"), Decimal("90"), "naar rato")),
    line("Almere", a=(1, Decimal("90"), Decimal("100"), "volledig"), b=None),
    line("Zwolle", a=(None, None, Decimal("0"), "niet ontvankelijk"), b=(2, Decimal("60"), Decimal("10"), "naar rato")),
]


@pytest.mark.parametrize("name", list(SORT_KEYS))
@pytest.mark.parametrize("descending", [False, True])
def test_lines_without_a_value_go_last_whichever_way(name, descending):
    key = SORT_KEYS[name]
    ordered = Sorting(key, descending).apply(LINES)
    assert sorted(ordered, key=lambda r: r.label) == sorted(LINES, key=lambda r: r.label)  # nothing lost
    values = [key.value(r) for r in ordered]
    present = [v for v in values if v is not None]
    assert values[: len(present)] == present  # the missing ones at the end
    assert present == sorted(present, reverse=descending)


def test_the_sorted_header_link_turns_the_order_round_and_the_others_start_their_own_way():
    sorting = Sorting.parse("-punten-b")
    links = {link.label: link for link in sorting.links("b")}
    assert links["punten"].param == "punten-b" and links["punten"].direction == "descending"
    assert links["bedrag"].param == "-bedrag-b" and links["bedrag"].direction is None
    assert links["rang"].param == "rang-b"
    assert sorting.aria_sort("b") == "descending" and sorting.aria_sort("a") is None


@pytest.mark.parametrize("value", [None, "", "-", "verschil-", "PUNTEN-A", "--rang-a", "rang-a-"])
def test_a_value_that_names_no_sort_is_the_default(value):
    assert Sorting.parse(value) == Sorting()
    assert Sorting.parse(value).apply(LINES) == LINES
