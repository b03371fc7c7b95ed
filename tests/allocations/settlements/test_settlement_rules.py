"""The settlement's arithmetic (``allocations.settlements.rules``): the law's amounts, and, whatever the figures,
no money appears or disappears between the award, the instalments, the settlement, the final payment and the
reclaim, to the cent."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from allocations.settlements import rules
from allocations.settlements.rules import SPECIFIC_GRANT, SUBSIDY, Ground, Inputs

MAX = 10_000_000_000  # € 100 million
KINDS = st.sampled_from([SPECIFIC_GRANT, SUBSIDY])


@st.composite
def figures(draw, kind=None):
    """An award with what was paid, what is still due and what lapsed before (awarded = paid + due + lapsed),
    the spending within the award, and for a subsidy perhaps a ground with a lower amount."""
    awarded = draw(st.integers(0, MAX))
    paid = draw(st.integers(0, awarded))
    open_ = draw(st.integers(0, awarded - paid))
    spent = draw(st.integers(0, awarded))
    kind = draw(KINDS if kind is None else kind)
    ground, proposed = "", None
    if kind == SUBSIDY and awarded > 0 and draw(st.booleans()):
        ground = draw(st.sampled_from(list(Ground)))
        proposed = draw(st.integers(0, awarded - 1))
    return Inputs(kind=kind, awarded=awarded, paid=paid, open=open_, spent=spent, ground=ground, proposed=proposed)


@given(figures())
def test_no_money_appears_or_disappears(inputs):
    result = rules.settle(inputs)
    # Before: awarded = paid + still due + lapsed.
    assert inputs.awarded == inputs.paid + inputs.open + inputs.lapsed_before
    assert inputs.lapsed_before >= 0
    # After: every open instalment lapsed, and settled = paid + final payment − reclaim.
    assert result.lapsed == inputs.open
    assert result.settled == inputs.paid + result.final_payment - result.reclaim
    assert 0 <= result.settled <= inputs.awarded
    assert result.final_payment >= 0 and result.reclaim >= 0
    assert not (result.final_payment > 0 and result.reclaim > 0)
    # What is paid in the end (paid + final payment − reclaim) never exceeds what was promised and not lapsed.
    assert result.final_payment <= inputs.open + inputs.lapsed_before


@given(figures(kind=st.just(SPECIFIC_GRANT)))
def test_a_specific_grant_is_settled_at_what_was_spent_within_the_award(inputs):
    result = rules.settle(inputs)
    assert result.settled == min(inputs.awarded, inputs.spent)
    assert result.unspent == inputs.awarded - inputs.spent


@given(figures(kind=st.just(SUBSIDY)))
def test_a_subsidy_is_settled_at_the_award_unless_on_a_ground_of_4_46(inputs):
    result = rules.settle(inputs)
    if inputs.ground:
        assert result.settled == inputs.proposed < inputs.awarded
    else:
        assert result.settled == inputs.awarded


@given(figures(), st.integers(0, MAX))
def test_the_same_inputs_give_the_same_hash_and_other_figures_another(inputs, other):
    assert inputs.sha256() == Inputs(**{**inputs.__dict__}).sha256()
    if other != inputs.spent:
        assert Inputs(**{**inputs.__dict__, "spent": other}).sha256() != inputs.sha256()


def test_spuk_with_unspent_money_reclaims_what_was_paid_beyond_the_spending():
    inputs = Inputs(kind=SPECIFIC_GRANT, awarded=100_000_00, paid=80_000_00, open=20_000_00, spent=70_000_00)
    result = rules.settle(inputs)
    assert result == rules.Result(
        settled=70_000_00, lapsed=20_000_00, final_payment=0, reclaim=10_000_00, unspent=30_000_00
    )


def test_subsidy_in_full_pays_the_rest_as_one_final_payment():
    inputs = Inputs(kind=SUBSIDY, awarded=100_000_00, paid=60_000_00, open=40_000_00, spent=90_000_00)
    result = rules.settle(inputs)
    assert (result.settled, result.lapsed, result.final_payment, result.reclaim) == (
        100_000_00,
        40_000_00,
        40_000_00,
        0,
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"proposed": 50_000_00}, "kies de grond"),
        ({"ground": Ground.OBLIGATIONS}, "Vul het lagere bedrag in"),
        ({"ground": "guessed", "proposed": 1}, "Onbekende grond"),
        ({"ground": Ground.NOT_PERFORMED, "proposed": 100_000_00}, "tussen € 0,00 en het toegekende bedrag"),
        ({"ground": Ground.NOT_PERFORMED, "proposed": -1}, "tussen € 0,00 en het toegekende bedrag"),
        ({"kind": SPECIFIC_GRANT, "ground": Ground.NOT_PERFORMED, "proposed": 1}, "verantwoorde besteding"),
        ({"paid": 90_000_00}, "meer dan het toegekende bedrag"),
        ({"kind": "loan"}, "Onbekende soort regeling"),
    ],
)
def test_a_settlement_the_law_does_not_allow_is_refused_with_the_reason(changes, message):
    inputs = Inputs(
        **{"kind": SUBSIDY, "awarded": 100_000_00, "paid": 60_000_00, "open": 40_000_00, "spent": 0, **changes}
    )
    with pytest.raises(rules.NotSettleable) as refused:
        rules.settle(inputs)
    assert any(message in text for text in refused.value.messages)


def test_the_five_years_end_on_the_fifth_anniversary_of_the_settlement():
    settled_on = datetime.date(2029, 3, 1)
    assert rules.guard(settled_on=settled_on, today=datetime.date(2034, 3, 1), reclaim=True) is None
    assert "4:57 lid 4" in rules.guard(settled_on=settled_on, today=datetime.date(2034, 3, 2), reclaim=True)
    assert "4:49 lid 3" in rules.guard(settled_on=settled_on, today=datetime.date(2034, 3, 2), reclaim=False)
    assert rules.guard_ends(datetime.date(2028, 2, 29)) == datetime.date(2033, 2, 28)


def test_a_reclaim_is_due_six_weeks_after_the_settlement():
    assert rules.reclaim_due(datetime.date(2029, 3, 1)) == datetime.date(2029, 4, 12)
