"""The points computation is a pure function: the total is always the sum of its parts, and more need
never gives fewer points."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from applications.assessment import scoring

decimals = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
points = st.decimals(min_value=0, max_value=25, places=2, allow_nan=False, allow_infinity=False)
bands = st.lists(st.builds(scoring.Band, threshold=decimals, points=points), max_size=5).map(tuple)
criterion = st.builds(
    scoring.CriterionScores,
    key=st.text(min_size=1, max_size=5),
    name=st.just("criterium"),
    weight=st.decimals(min_value=Decimal("0.01"), max_value=5, places=2),
    scores=st.lists(st.integers(min_value=1, max_value=10).map(Decimal), max_size=4).map(tuple),
)
indicator = st.builds(
    scoring.NeedIndicator,
    key=st.text(min_size=1, max_size=5),
    name=st.just("indicator"),
    bands=bands,
    value=st.none() | decimals,
)
bonus = st.builds(
    scoring.BonusRule,
    key=st.text(min_size=1, max_size=5),
    label=st.just("regel"),
    points=points,
    qualifies=st.booleans(),
    min_reviewer_score=st.none() | st.decimals(min_value=0, max_value=100, places=2),
)


@given(
    criteria=st.lists(criterion, max_size=5),
    indicators=st.lists(indicator, max_size=4),
    rules=st.lists(bonus, max_size=4),
)
def test_total_is_the_sum_of_its_parts_and_each_part_the_sum_of_its_components(criteria, indicators, rules):
    breakdown = scoring.compute(criteria=criteria, indicators=indicators, bonus_rules=rules)
    by_kind = {
        kind: sum((c.points for c in breakdown.components if c.kind == kind), Decimal(0))
        for kind in ("criterion", "indicator", "bonus")
    }
    assert breakdown.reviewer_score == by_kind["criterion"]
    assert breakdown.need_score == by_kind["indicator"]
    assert breakdown.bonus_score == by_kind["bonus"]
    assert breakdown.total == breakdown.reviewer_score + breakdown.need_score + breakdown.bonus_score
    assert len(breakdown.components) == len(criteria) + len(indicators) + len(rules)
    assert all(c.points >= 0 for c in breakdown.components)


@given(bands=bands, low=decimals, extra=decimals)
def test_more_need_never_gives_fewer_points(bands, low, extra):
    assert scoring.band_points(bands, low + extra) >= scoring.band_points(bands, low)


@given(bands=bands, value=decimals)
def test_a_missing_value_gives_no_points_and_never_more_than_a_value(bands, value):
    assert scoring.band_points(bands, None) == 0
    assert scoring.band_points(bands, value) >= scoring.band_points(bands, None)


@given(
    indicators=st.lists(indicator, min_size=1, max_size=4),
    rules=st.lists(bonus, max_size=3),
    raise_by=decimals,
)
def test_raising_every_indicator_value_never_lowers_the_need_score(indicators, rules, raise_by):
    higher = [
        scoring.NeedIndicator(
            key=i.key, name=i.name, bands=i.bands, value=None if i.value is None else i.value + raise_by
        )
        for i in indicators
    ]
    before = scoring.compute(criteria=[], indicators=indicators, bonus_rules=rules)
    after = scoring.compute(criteria=[], indicators=higher, bonus_rules=rules)
    assert after.need_score >= before.need_score


@given(rule=bonus, low=st.decimals(min_value=0, max_value=50, places=2), extra=decimals)
def test_a_higher_reviewer_score_never_loses_a_bonus(rule, low, extra):
    def bonus_for(score):
        return scoring.bonus_components([rule], score)[0].points

    assert bonus_for(low + extra) >= bonus_for(low)
