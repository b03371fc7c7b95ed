"""The rules of a statement, in cents: cumulative spending never above the award, only within the period, with
the scheme's carry-over rule, the years in order, and one final account."""

from hypothesis import given
from hypothesis import strategies as st

from allocations.accountability.rules import Award, Figures, next_year, problems

SPUK = Award("S-1", 100_000, {2027: 50_000, 2028: 50_000}, 2027, 2028, carry_over=True)
AWB = Award("A-1", 100_000, {2027: 50_000, 2028: 50_000}, 2027, 2028, carry_over=False)


def test_the_years_come_in_order_and_end_with_the_final_account():
    assert next_year(SPUK, {}) == 2027
    first = Figures(2027, 30_000, 30_000)
    assert problems(SPUK, first, {}) == []
    assert next_year(SPUK, {2027: first}) == 2028
    assert problems(SPUK, Figures(2028, 70_000, 100_000, final=True), {2027: first}) == []
    assert next_year(SPUK, {2027: first, 2028: Figures(2028, 70_000, 100_000, final=True)}) is None
    (message,) = problems(SPUK, Figures(2028, 10_000, 40_000), {2027: first})
    assert "laatste jaar van de bestedingsperiode" in message


def test_spending_outside_the_period_is_refused_with_the_period():
    (message,) = problems(SPUK, Figures(2029, 1, 1, final=True), {})
    assert "2029 valt buiten de bestedingsperiode 2027–2028 van beschikking S-1" in message
    (message,) = problems(SPUK, Figures(2026, 1, 1), {})
    assert "2026 valt buiten" in message


def test_cumulative_spending_above_the_award_is_refused_with_both_amounts():
    found = problems(SPUK, Figures(2027, 100_001, 100_001), {})
    assert found == ["De cumulatieve besteding (€ 1.000,01) is hoger dan het toegekende bedrag (€ 1.000,00)."]


def test_carry_over_lets_a_spuk_spend_a_years_money_later_but_not_an_awb_subsidy():
    first = Figures(2027, 20_000, 20_000)
    late = Figures(2028, 80_000, 100_000, final=True)
    assert problems(SPUK, late, {2027: first}) == []
    (message,) = problems(AWB, late, {2027: first})
    assert "hoger dan wat de beschikking voor 2028 toekent (€ 500,00)" in message


def test_a_final_account_comes_once_and_nothing_changes_after_it():
    final = Figures(2027, 100_000, 100_000, final=True, finished=True)
    assert problems(SPUK, final, {}) == []
    assert problems(SPUK, Figures(2028, 0, 100_000, final=True), {2027: final}) == [
        "Voor beschikking S-1 is de eindverantwoording al ontvangen."
    ]
    assert problems(SPUK, Figures(2027, 1, 1), {2027: final}) == [
        "Voor beschikking S-1 is de eindverantwoording al ontvangen."
    ]


def test_the_cumulative_figure_must_follow_from_the_years_before():
    (message,) = problems(SPUK, Figures(2028, 10_000, 15_000, final=True), {2027: Figures(2027, 1_000, 1_000)})
    assert "(€ 150,00) moet gelijk zijn aan de besteding tot en met vorig jaar (€ 10,00) plus" in message
    (message,) = problems(SPUK, Figures(2028, 1, 1, final=True), {})
    assert message == "Verantwoord eerst over 2027: de jaren worden in volgorde verantwoord."


@st.composite
def awards_and_statements(draw):
    year_from = draw(st.integers(2025, 2030))
    years = list(range(year_from, year_from + draw(st.integers(1, 4))))
    per_year = {year: draw(st.integers(0, 10**9)) for year in years}
    award = Award("P-1", sum(per_year.values()), per_year, years[0], years[-1], carry_over=draw(st.booleans()))
    spending = [draw(st.integers(0, 10**9)) for _ in years]
    finals = [draw(st.booleans()) for _ in years]
    return award, spending, finals


@given(awards_and_statements())
def test_whatever_is_reported_what_is_accepted_stays_within_the_award_and_the_period(case):
    """Report every year as a municipality might; whatever the portal accepts keeps the award's promises:
    cumulative spending within the award (and per year within the year's amount without carry-over), the
    cumulative figure the sum of the years, at most one final account and nothing after it."""
    award, spending, finals = case
    accepted: dict[int, Figures] = {}
    for offset, (spent, final) in enumerate(zip(spending, finals, strict=True)):
        year = award.year_from + offset
        to_date = (accepted[year - 1].to_date_cents if year - 1 in accepted else 0) + spent
        figures = Figures(year, spent, to_date, final=final)
        if not problems(award, figures, accepted):
            accepted[year] = figures
    total = 0
    for year in sorted(accepted):
        figures = accepted[year]
        total += figures.spent_cents
        assert figures.to_date_cents == total <= award.awarded_cents
        assert award.year_from <= year <= award.year_to
        if not award.carry_over:
            assert figures.spent_cents <= award.per_year_cents[year]
    assert sum(1 for f in accepted.values() if f.final) <= 1
    finals_at = [y for y, f in accepted.items() if f.final]
    assert not finals_at or max(accepted) == finals_at[0]
    assert sorted(accepted) == list(range(award.year_from, award.year_from + len(accepted)))
