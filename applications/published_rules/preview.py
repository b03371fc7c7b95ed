"""The points preview: what a municipality's need and bonus points will be under a call's rules, before it
applies. Indicatief, geen besluit.

Nothing here is a copy of the assessment: the need indicators and the bonus facts are read by the very
functions that gather an application's points (``points.need_indicators_for`` and ``points.bonus_rules_for``),
and every point is computed by the pure ``scoring`` functions that compute the stored breakdown. What the
preview cannot know yet it shows as a range: the reviewer score (from every criterion at its lowest to
every criterion at its highest), and whether the municipality was funded before in the scheme when the
visitor does not say (the preview reads only public data: indicators and network memberships, never
applications or decisions).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from accounts.models import Indicator, IndicatorValue, Membership, Municipality
from applications.assessment import points, scoring
from applications.models import BonusRule, Call, RulesVersion
from applications.published_rules import document
from applications.published_rules.selectors import latest_version

NOTICE = "indicatief, geen besluit"


@dataclass(frozen=True)
class IndicatorLine:
    """One need indicator: the municipality's value in the reference year, the band it reaches, its points."""

    code: str
    name: str
    unit: str
    year: int | None
    value: Decimal | None
    source: str
    is_demo: bool
    band_from: Decimal | None  # the threshold of the band that gives the points; None: below every band
    points: Decimal
    bands: tuple[scoring.Band, ...]


@dataclass(frozen=True)
class BonusLine:
    """One bonus rule: whether the municipality meets its condition (None: depends on a fact the preview does
    not know) and the points it adds at the lowest and highest reviewer score (and at the expected one)."""

    key: str
    label: str
    kind: str
    network: str
    points: Decimal
    min_reviewer_score: Decimal | None
    qualifies: bool | None
    low: Decimal
    high: Decimal
    expected: tuple[Decimal, Decimal] | None


@dataclass(frozen=True)
class CriterionLine:
    """How a criterion weighs: the points of its lowest and highest score (mean score × weight)."""

    name: str
    weight: Decimal
    scale_min: int
    scale_max: int
    low: Decimal
    high: Decimal


@dataclass(frozen=True)
class Preview:
    call: Call
    municipality: Municipality
    area: str
    on: datetime.date
    funded_before: bool | None
    reviewer_score: Decimal | None
    indicators: tuple[IndicatorLine, ...]
    need_score: Decimal
    bonus: tuple[BonusLine, ...]
    criteria: tuple[CriterionLine, ...]
    reviewer_low: Decimal
    reviewer_high: Decimal
    bonus_low: Decimal
    bonus_high: Decimal
    total_low: Decimal
    total_high: Decimal
    expected_bonus: tuple[Decimal, Decimal] | None  # lowest and highest bonus at the expected reviewer score
    min_reviewer_score: Decimal | None
    min_total_points: Decimal | None
    min_points: Decimal | None  # the allocation's own minimum, when the policy sets one
    rules_version: RulesVersion | None
    rules_hash: str

    notice = NOTICE

    @property
    def expected_total(self) -> tuple[Decimal, Decimal] | None:
        if self.reviewer_score is None or self.expected_bonus is None:
            return None
        base = self.reviewer_score + self.need_score
        return base + self.expected_bonus[0], base + self.expected_bonus[1]


def areas_of(municipality: Municipality, on: datetime.date | None = None) -> list[str]:
    """The named areas (focus areas) the municipality has in any network on that day, for the area choice."""
    on = on or timezone.localdate()
    names = Membership.objects.active_on(on).filter(municipality=municipality).exclude(area_name="")
    return sorted(set(names.values_list("area_name", flat=True)), key=str.lower)


def _sum(components: list[scoring.Component]) -> Decimal:
    return sum((c.points for c in components), Decimal("0.00"))


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _indicator_lines(municipality: Municipality, indicators: list[scoring.NeedIndicator]) -> tuple[IndicatorLine, ...]:
    need = scoring.need_components(indicators)
    codes = [indicator.key for indicator in indicators]
    meta = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    origin = {
        (code, year): (source, is_demo)
        for code, year, source, is_demo in IndicatorValue.objects.filter(
            municipality=municipality, indicator__code__in=codes
        ).values_list("indicator__code", "year", "source", "is_demo")
    }
    lines = []
    for indicator, component in zip(indicators, need, strict=True):
        reached = [b for b in indicator.bands if indicator.value is not None and indicator.value >= b.threshold]
        best = max(reached, key=lambda b: (b.points, b.threshold), default=None)
        source, is_demo = origin.get((indicator.key, indicator.year or 0), ("", False))
        lines.append(
            IndicatorLine(
                code=indicator.key,
                name=indicator.name,
                unit=meta[indicator.key].unit if indicator.key in meta else "",
                year=indicator.year,
                value=indicator.value,
                source=source,
                is_demo=is_demo,
                band_from=best.threshold if best else None,
                points=component.points,
                bands=tuple(sorted(indicator.bands, key=lambda b: b.threshold)),
            )
        )
    return tuple(lines)


def preview(
    *,
    call: Call,
    municipality: Municipality,
    area: str = "",
    funded_before: bool | None = None,
    reviewer_score: Decimal | None = None,
    on: datetime.date | None = None,
) -> Preview:
    """The preview of ``municipality``'s points in ``call`` (for ``area``, when the call is per area).

    ``funded_before`` None means unknown: the bonus for not being funded before then counts in the highest
    total and not in the lowest. ``reviewer_score`` (optional) is the reviewer score the visitor expects."""
    on = on or timezone.localdate()
    settings = points.assessment_settings(call)
    indicators = points.need_indicators_for(call, municipality.pk, settings)

    def bonus_rules(funded: bool) -> list[scoring.BonusRule]:
        return points.bonus_rules_for(call, municipality.pk, area_name=area, on=on, funded=lambda: funded)

    # Unknown whether funded before: the lowest total assumes it was (no bonus), the highest that it was not.
    low_rules = bonus_rules(True if funded_before is None else funded_before)
    high_rules = low_rules if funded_before is not None else bonus_rules(False)
    criteria = list(call.criteria.all())

    def scored(at_max: bool) -> list[scoring.CriterionScores]:
        return [
            scoring.CriterionScores(
                key=f"criterion-{c.pk}",
                name=c.name,
                weight=c.weight,
                scores=(Decimal(c.scale_max if at_max else c.scale_min),),
                scale_min=Decimal(c.scale_min),
                scale_max=Decimal(c.scale_max),
            )
            for c in criteria
        ]

    low = scoring.compute(criteria=scored(False), indicators=indicators, bonus_rules=low_rules)
    high = scoring.compute(criteria=scored(True), indicators=indicators, bonus_rules=high_rules)
    expected = None
    if reviewer_score is not None:
        expected = (
            scoring.bonus_components(low_rules, reviewer_score),
            scoring.bonus_components(high_rules, reviewer_score),
        )
    low_bonus = {c.key: c.points for c in low.components if c.kind == "bonus"}
    high_bonus = {c.key: c.points for c in high.components if c.kind == "bonus"}
    kinds = {f"bonus-{rule.pk}": rule for rule in BonusRule.objects.filter(call=call).select_related("network")}
    bonus_lines = []
    for index, (rule_low, rule_high) in enumerate(zip(low_rules, high_rules, strict=True)):
        model = kinds[rule_low.key]
        bonus_lines.append(
            BonusLine(
                key=rule_low.key,
                label=rule_low.label,
                kind=model.kind,
                network=model.network.code if model.network is not None else "",
                points=rule_low.points,
                min_reviewer_score=rule_low.min_reviewer_score,
                qualifies=rule_low.qualifies if rule_low.qualifies == rule_high.qualifies else None,
                low=low_bonus[rule_low.key],
                high=high_bonus[rule_low.key],
                expected=(expected[0][index].points, expected[1][index].points) if expected else None,
            )
        )
    low_criteria = {c.key: c.points for c in low.components if c.kind == "criterion"}
    high_criteria = {c.key: c.points for c in high.components if c.kind == "criterion"}
    version = latest_version(call)
    rules = json.loads(version.document) if version else document.build(call)
    division = rules.get("division") or {}
    return Preview(
        call=call,
        municipality=municipality,
        area=area,
        on=on,
        funded_before=funded_before,
        reviewer_score=reviewer_score,
        indicators=_indicator_lines(municipality, indicators),
        need_score=low.need_score,
        bonus=tuple(bonus_lines),
        criteria=tuple(
            CriterionLine(
                name=c.name,
                weight=c.weight,
                scale_min=c.scale_min,
                scale_max=c.scale_max,
                low=low_criteria[f"criterion-{c.pk}"],
                high=high_criteria[f"criterion-{c.pk}"],
            )
            for c in criteria
        ),
        reviewer_low=low.reviewer_score,
        reviewer_high=high.reviewer_score,
        bonus_low=low.bonus_score,
        bonus_high=high.bonus_score,
        total_low=low.total,
        total_high=high.total,
        expected_bonus=(_sum(expected[0]), _sum(expected[1])) if expected else None,
        min_reviewer_score=_decimal(rules["minimums"]["reviewer_score"]),
        min_total_points=_decimal(rules["minimums"]["total_points"]),
        min_points=_decimal(division.get("min_points")),
        rules_version=version,
        rules_hash=version.sha256 if version else document.sha256_of(document.canonical(rules)),
    )


def as_data(result: Preview) -> dict:
    """The preview as JSON: money-free, points as strings with two decimals, marked "indicatief, geen besluit"."""
    text = document.points_text
    return {
        "notice": NOTICE,
        "call": {"id": result.call.pk, "code": result.call.code, "title": result.call.title},
        "rules": {
            "version": result.rules_version.number if result.rules_version else None,
            "sha256": result.rules_hash,
        },
        "municipality": {"cbs_code": result.municipality.cbs_code, "name": result.municipality.name},
        "area": result.area,
        "on": result.on.isoformat(),
        "funded_before": result.funded_before,
        "need": {
            "score": text(result.need_score),
            "indicators": [
                {
                    "indicator": line.code,
                    "name": line.name,
                    "unit": line.unit,
                    "year": line.year,
                    "value": None if line.value is None else f"{line.value:.3f}",
                    "source": line.source,
                    "demo": line.is_demo,
                    "band_from": None if line.band_from is None else f"{line.band_from:.3f}",
                    "points": text(line.points),
                    "bands": [{"from": f"{b.threshold:.3f}", "points": text(b.points)} for b in line.bands],
                }
                for line in result.indicators
            ],
        },
        "bonus": {
            "low": text(result.bonus_low),
            "high": text(result.bonus_high),
            "rules": [
                {
                    "label": line.label,
                    "kind": line.kind,
                    "network": line.network or None,
                    "points": text(line.points),
                    "min_reviewer_score": text(line.min_reviewer_score),
                    "qualifies": line.qualifies,
                    "low": text(line.low),
                    "high": text(line.high),
                    "at_expected_score": [text(p) for p in line.expected] if line.expected else None,
                }
                for line in result.bonus
            ],
        },
        "reviewer": {
            "low": text(result.reviewer_low),
            "high": text(result.reviewer_high),
            "expected": text(result.reviewer_score),
            "criteria": [
                {
                    "name": line.name,
                    "weight": f"{line.weight:.2f}",
                    "scale": [line.scale_min, line.scale_max],
                    "low": text(line.low),
                    "high": text(line.high),
                }
                for line in result.criteria
            ],
        },
        "minimums": {
            "reviewer_score": text(result.min_reviewer_score),
            "total_points": text(result.min_total_points),
            "allocation_points": text(result.min_points),
        },
        "total": {
            "low": text(result.total_low),
            "high": text(result.total_high),
            "at_expected_score": [text(p) for p in result.expected_total] if result.expected_total else None,
        },
    }
