"""Priority points, explained: reviewer score + need score + bonus points (DESIGN.md §5).

Pure Python on plain dataclasses (no Django), so every point can be traced, tested with hypothesis
and recomputed from a snapshot. All arithmetic is Decimal; nothing is ever a float.

- Reviewer score: per criterion the mean of the submitted scores, times the criterion's weight.
- Need score: per indicator, the points of the highest band whose threshold the value reaches
  (bands are "at least" thresholds, so more need can never give fewer points); no value means 0
  points, shown as "geen gegevens".
- Bonus: per rule, its points when the application qualifies (network membership, or not funded in an
  earlier call of the scheme), optionally only when the reviewer score reaches a minimum.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

POINTS = Decimal("0.01")
NO_DATA = "no_data"


def _q(value: Decimal) -> Decimal:
    return value.quantize(POINTS, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CriterionScores:
    """The submitted scores of one criterion for one application."""

    key: str
    name: str
    weight: Decimal
    scores: tuple[Decimal, ...]
    scale_min: Decimal = Decimal(1)
    scale_max: Decimal = Decimal(10)


@dataclass(frozen=True)
class Band:
    threshold: Decimal  # inclusive lower bound of the indicator value
    points: Decimal


@dataclass(frozen=True)
class NeedIndicator:
    key: str
    name: str
    bands: tuple[Band, ...]
    value: Decimal | None  # None: no value for this municipality in the reference year
    year: int | None = None  # the reference year of the value

    @property
    def label(self) -> str:
        return f"{self.name} ({self.year})" if self.year else self.name


@dataclass(frozen=True)
class BonusRule:
    key: str
    label: str
    points: Decimal
    qualifies: bool  # the fact the rule tests, established by the caller (membership, earlier funding)
    min_reviewer_score: Decimal | None = None


@dataclass(frozen=True)
class Component:
    kind: str  # "criterion", "indicator" or "bonus"
    key: str
    label: str
    points: Decimal
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Breakdown:
    reviewer_score: Decimal
    need_score: Decimal
    bonus_score: Decimal
    components: tuple[Component, ...]
    flagged_criteria: tuple[str, ...]

    @property
    def total(self) -> Decimal:
        return self.reviewer_score + self.need_score + self.bonus_score


def band_points(bands: Iterable[Band], value: Decimal | None) -> Decimal:
    """Points of the highest band the value reaches; 0 below every band or without a value."""
    if value is None:
        return Decimal(0)
    reached = [band.points for band in bands if value >= band.threshold]
    return max(reached, default=Decimal(0))


def criterion_mean(scores: Sequence[Decimal]) -> Decimal | None:
    if not scores:
        return None
    return sum(scores, Decimal(0)) / len(scores)


def reviewer_components(criteria: Iterable[CriterionScores]) -> list[Component]:
    components = []
    for criterion in criteria:
        mean = criterion_mean(criterion.scores)
        points = _q(mean * criterion.weight) if mean is not None else Decimal("0.00")
        components.append(
            Component(
                kind="criterion",
                key=criterion.key,
                label=criterion.name,
                points=points,
                detail={
                    "mean": str(_q(mean)) if mean is not None else None,
                    "weight": str(criterion.weight),
                    "scores": [str(s) for s in criterion.scores],
                    "spread": str(max(criterion.scores) - min(criterion.scores)) if criterion.scores else None,
                },
            )
        )
    return components


def spread_flags(criteria: Iterable[CriterionScores], threshold: Decimal | None) -> tuple[str, ...]:
    """Criteria whose reviewers differ by more than the threshold: a second look is due."""
    if threshold is None:
        return ()
    return tuple(c.key for c in criteria if c.scores and max(c.scores) - min(c.scores) > threshold)


def need_components(indicators: Iterable[NeedIndicator]) -> list[Component]:
    return [
        Component(
            kind="indicator",
            key=indicator.key,
            label=indicator.label,
            points=_q(band_points(indicator.bands, indicator.value)),
            detail={
                "value": str(indicator.value) if indicator.value is not None else None,
                "status": NO_DATA if indicator.value is None else "ok",
                **({"year": indicator.year} if indicator.year else {}),
            },
        )
        for indicator in indicators
    ]


def bonus_components(rules: Iterable[BonusRule], reviewer_score: Decimal) -> list[Component]:
    components = []
    for rule in rules:
        threshold_met = rule.min_reviewer_score is None or reviewer_score >= rule.min_reviewer_score
        applies = rule.qualifies and threshold_met
        components.append(
            Component(
                kind="bonus",
                key=rule.key,
                label=rule.label,
                points=_q(rule.points) if applies else Decimal("0.00"),
                detail={
                    "qualifies": rule.qualifies,
                    "threshold_met": threshold_met,
                    "min_reviewer_score": str(rule.min_reviewer_score) if rule.min_reviewer_score is not None else None,
                },
            )
        )
    return components


def compute(
    *,
    criteria: Sequence[CriterionScores],
    indicators: Sequence[NeedIndicator],
    bonus_rules: Sequence[BonusRule],
    spread_threshold: Decimal | None = None,
) -> Breakdown:
    """The full breakdown; ``total`` is by construction the sum of the three parts, and each part the
    sum of its components."""
    reviewer = reviewer_components(criteria)
    reviewer_score = sum((c.points for c in reviewer), Decimal("0.00"))
    need = need_components(indicators)
    need_score = sum((c.points for c in need), Decimal("0.00"))
    bonus = bonus_components(bonus_rules, reviewer_score)
    bonus_score = sum((c.points for c in bonus), Decimal("0.00"))
    return Breakdown(
        reviewer_score=reviewer_score,
        need_score=need_score,
        bonus_score=bonus_score,
        components=tuple(reviewer + need + bonus),
        flagged_criteria=spread_flags(criteria, spread_threshold),
    )
