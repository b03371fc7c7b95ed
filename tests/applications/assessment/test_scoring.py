"""Hand-computed points: weights and means, band edges, missing indicators, bonus thresholds, spread."""

from decimal import Decimal as D

from applications.assessment import scoring

BANDS = (scoring.Band(D("10"), D("3")), scoring.Band(D("25"), D("6")), scoring.Band(D("40"), D("10")))


def test_weights_and_means():
    criteria = [
        scoring.CriterionScores(key="effect", name="Effectiviteit", weight=D("3"), scores=(D(8), D(7))),
        scoring.CriterionScores(key="reach", name="Bereik", weight=D("2"), scores=(D(6), D(7), D(9))),
        scoring.CriterionScores(key="team", name="Organisatie", weight=D("1.5"), scores=(D(5),)),
    ]
    breakdown = scoring.compute(criteria=criteria, indicators=[], bonus_rules=[])
    # 7.5 × 3 = 22.50; 7.333… × 2 = 14.67 (half up); 5 × 1.5 = 7.50
    assert [c.points for c in breakdown.components] == [D("22.50"), D("14.67"), D("7.50")]
    assert breakdown.reviewer_score == D("44.67")
    assert breakdown.components[1].detail["mean"] == "7.33"


def test_a_criterion_without_scores_counts_zero():
    criteria = [scoring.CriterionScores(key="x", name="Optioneel", weight=D("2"), scores=())]
    breakdown = scoring.compute(criteria=criteria, indicators=[], bonus_rules=[])
    assert breakdown.reviewer_score == D("0.00")
    assert breakdown.components[0].detail["mean"] is None


def test_band_edges():
    assert scoring.band_points(BANDS, D("9.999")) == 0
    assert scoring.band_points(BANDS, D("10")) == D("3")
    assert scoring.band_points(BANDS, D("24.99")) == D("3")
    assert scoring.band_points(BANDS, D("25")) == D("6")
    assert scoring.band_points(BANDS, D("39.999")) == D("6")
    assert scoring.band_points(BANDS, D("40")) == D("10")
    assert scoring.band_points(BANDS, D("100")) == D("10")


def test_missing_indicator_gives_zero_marked_no_data():
    indicators = [
        scoring.NeedIndicator(key="lbm", name="Leefbaarometer", bands=BANDS, value=D("41.2")),
        scoring.NeedIndicator(key="arm", name="Armoede", bands=BANDS, value=None),
    ]
    breakdown = scoring.compute(criteria=[], indicators=indicators, bonus_rules=[])
    assert breakdown.need_score == D("10.00")
    assert breakdown.components[1].points == D("0.00")
    assert breakdown.components[1].detail == {"value": None, "status": scoring.NO_DATA}


def test_bonus_rules_and_their_thresholds():
    criteria = [scoring.CriterionScores(key="e", name="E", weight=D("5"), scores=(D(6),))]  # 30 points
    rules = [
        scoring.BonusRule(key="nplv", label="NPLV-focusgebied", points=D("5"), qualifies=True),
        scoring.BonusRule(key="m50", label="M50", points=D("3"), qualifies=False),
        scoring.BonusRule(
            key="new",
            label="Niet eerder gefinancierd",
            points=D("5"),
            qualifies=True,
            min_reviewer_score=D("30"),
        ),
        scoring.BonusRule(
            key="high",
            label="Alleen bij goede score",
            points=D("2"),
            qualifies=True,
            min_reviewer_score=D("30.01"),
        ),
    ]
    breakdown = scoring.compute(criteria=criteria, indicators=[], bonus_rules=rules)
    assert [c.points for c in breakdown.components if c.kind == "bonus"] == [
        D("5.00"),
        D("0.00"),
        D("5.00"),
        D("0.00"),
    ]
    assert breakdown.bonus_score == D("10.00")
    assert breakdown.total == D("40.00")
    assert breakdown.components[-1].detail["threshold_met"] is False


def test_spread_above_the_threshold_is_flagged():
    criteria = [
        scoring.CriterionScores(key="a", name="A", weight=D(1), scores=(D(2), D(6))),
        scoring.CriterionScores(key="b", name="B", weight=D(1), scores=(D(5), D(8))),
    ]
    assert scoring.compute(
        criteria=criteria, indicators=[], bonus_rules=[], spread_threshold=D(3)
    ).flagged_criteria == ("a",)
    assert (
        scoring.compute(criteria=criteria, indicators=[], bonus_rules=[], spread_threshold=None).flagged_criteria == ()
    )
