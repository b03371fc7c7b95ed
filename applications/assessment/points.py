"""From the database to the pure points computation (scoring.py) and back: gather the
submitted scores, indicator values and bonus facts of an application, and store the breakdown."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.models import IndicatorValue, Membership, Network
from applications.assessment import scoring
from applications.assessment.selectors import breakdown_of
from applications.models import (
    Application,
    AssessmentSettings,
    NeedBand,
    PointsBreakdown,
    PointsComponent,
    Review,
    ReviewScore,
    Status,
)
from applications.models import BonusRule as BonusRuleModel

# Decided with money. A sent letter (``LETTER_SENT``) is a refusal as often as an award: there the decision's
# amount tells which.
FUNDED_STATES = (Status.AWARDED, Status.PARTIALLY_AWARDED)


def assessment_settings(call) -> AssessmentSettings:
    """The call's settings, or unsaved defaults: reading never writes."""
    return AssessmentSettings.objects.filter(call=call).first() or AssessmentSettings(call=call)


def criteria_scores(application: Application) -> list[scoring.CriterionScores]:
    """Scores of submitted reviews by reviewers still assigned (a conflict removes a reviewer's scores)."""
    scores: dict[int, list[Decimal]] = defaultdict(list)
    for row in ReviewScore.objects.filter(
        review__in=Review.objects.counting().filter(assignment__application=application),
        score__isnull=False,
    ).values("criterion_id", "score"):
        scores[row["criterion_id"]].append(Decimal(cast(int, row["score"])))  # never null: filtered above
    return criteria_from(application.call, scores)


def criteria_from(call, scores: dict[int, list[Decimal]]) -> list[scoring.CriterionScores]:
    """The call's criteria with the given scores per criterion id: the one shape the points rules read, whether
    the scores come from the reviews or from a reopened scoring (an objection)."""
    return [
        scoring.CriterionScores(
            key=f"criterion-{criterion.pk}",
            name=criterion.name,
            weight=criterion.weight,
            scores=tuple(scores.get(criterion.pk, ())),
            scale_min=Decimal(criterion.scale_min),
            scale_max=Decimal(criterion.scale_max),
        )
        for criterion in call.criteria.all()
    ]


def reference_years(indicator_ids, settings: AssessmentSettings) -> dict[int, int | None]:
    """The year of each indicator's values: the configured one, or else the most recent year with values for
    that indicator. One query at most, whatever the number of indicators."""
    if settings.need_reference_year:
        return {indicator_id: settings.need_reference_year for indicator_id in indicator_ids}
    latest = dict(
        IndicatorValue.objects.filter(indicator_id__in=indicator_ids)
        .values("indicator_id")
        .annotate(y=Max("year"))
        .values_list("indicator_id", "y")
    )
    return {indicator_id: latest.get(indicator_id) for indicator_id in indicator_ids}


def need_indicators_for(call, municipality_id: int, settings: AssessmentSettings) -> list[scoring.NeedIndicator]:
    """The call's need bands with a municipality's values, in a fixed number of queries. The one reading of
    need data: an application's points and the preview of a municipality's points both come from here."""
    bands: dict[int, list[NeedBand]] = defaultdict(list)
    for band in NeedBand.objects.filter(call=call).select_related("indicator"):
        bands[band.indicator_id].append(band)
    if not bands:
        return []
    years = reference_years(list(bands), settings)
    values = {
        (indicator_id, year): value
        for indicator_id, year, value in IndicatorValue.objects.filter(
            indicator_id__in=list(bands),
            municipality_id=municipality_id,
            year__in={year for year in years.values() if year},
        ).values_list("indicator_id", "year", "value")
    }
    indicators = []
    for indicator_id, indicator_bands in bands.items():
        indicator = indicator_bands[0].indicator
        year = years[indicator_id]
        indicators.append(
            scoring.NeedIndicator(
                key=indicator.code,
                name=indicator.name,
                year=year,
                bands=tuple(scoring.Band(threshold=b.threshold, points=b.points) for b in indicator_bands),
                value=values.get((indicator_id, year)) if year else None,
            )
        )
    return indicators


def need_indicators(application: Application, settings: AssessmentSettings) -> list[scoring.NeedIndicator]:
    """The call's need bands with the municipality's values, in a fixed number of queries."""
    return need_indicators_for(application.call, application.municipality_id, settings)


def funded_before(call, municipality_id: int) -> bool:
    """Whether the municipality was funded in an earlier call of the same scheme: an award, or a sent letter
    whose decision gave money (a sent refusal is not funding)."""
    return (
        Application.objects.filter(municipality_id=municipality_id, call__scheme_id=call.scheme_id)
        .filter(call__opens_at__lt=call.opens_at)
        .filter(Q(status__in=FUNDED_STATES) | Q(status=Status.LETTER_SENT, decision__amount__gt=0))
        .exists()
    )


def bonus_rules_for(
    call, municipality_id: int, *, area_name: str, on: datetime.date, funded: Callable[[], bool]
) -> list[scoring.BonusRule]:
    """The call's bonus rules and whether a municipality (for an area, or none) qualifies on a day: one query
    for the rules, one for the municipality's memberships of their networks, and ``funded`` (whether it was
    funded before) asked at most once; whatever the number of rules. The one reading of the bonus facts: an
    application's points and the preview of a municipality's points both come from here."""
    rules = list(BonusRuleModel.objects.filter(call=call).select_related("network"))
    networks = {rule.network_id for rule in rules if rule.kind == BonusRuleModel.Kind.NETWORK}
    areas: dict[int, list[str]] = defaultdict(list)  # network -> the area names of the active memberships
    if networks:
        for network_id, membership_area in (
            Membership.objects.active_on(on)
            .filter(municipality_id=municipality_id, network_id__in=networks)
            .values_list("network_id", "area_name")
        ):
            areas[network_id].append(membership_area)
    was_funded = None
    area = area_name.strip().upper()

    def qualifies(rule: BonusRuleModel) -> bool:
        nonlocal was_funded
        if rule.kind == BonusRuleModel.Kind.NETWORK:
            if rule.network is not None and rule.network.code == Network.NPLV and area:
                # An NPLV bonus is for the focus area: an application for another area does not qualify.
                return any(name.upper() == area for name in areas.get(rule.network.pk, ()))
            return rule.network_id in areas
        if rule.kind == BonusRuleModel.Kind.NOT_FUNDED_BEFORE:
            if was_funded is None:
                was_funded = funded()
            return not was_funded
        return False

    return [
        scoring.BonusRule(
            key=f"bonus-{rule.pk}",
            label=rule.label,
            points=rule.points,
            qualifies=qualifies(rule),
            min_reviewer_score=rule.min_reviewer_score,
        )
        for rule in rules
    ]


def bonus_rules(application: Application) -> list[scoring.BonusRule]:
    """The call's bonus rules and whether the application qualifies, on the day it was submitted."""
    on = timezone.localdate(application.submitted_at) if application.submitted_at else timezone.localdate()
    return bonus_rules_for(
        application.call,
        application.municipality_id,
        area_name=application.area_name,
        on=on,
        funded=lambda: funded_before(application.call, application.municipality_id),
    )


def compute(application: Application, *, criteria: list[scoring.CriterionScores] | None = None) -> scoring.Breakdown:
    """The application's breakdown under its call's points rules: from its reviews, or from ``criteria`` (the
    scores of a reopened scoring, ``criteria_from``) with the same need and bonus rules."""
    settings = assessment_settings(application.call)
    return scoring.compute(
        criteria=criteria_scores(application) if criteria is None else criteria,
        indicators=need_indicators(application, settings),
        bonus_rules=bonus_rules(application),
        spread_threshold=settings.spread_threshold,
    )


def format_points(value) -> str:
    """Points with two decimals the way the language writes them (``46,50`` in Dutch), for messages."""
    return number_format(Decimal(value), decimal_pos=2, use_l10n=True)


def minimum_check(breakdown: scoring.Breakdown, settings: AssessmentSettings) -> tuple[bool, str]:
    """Whether the points reach the call's minimum; the reason is stored, so it is written in Dutch, the
    language of the record, whoever triggered the computation."""
    with translation.override("nl"):
        if settings.min_reviewer_score is not None and breakdown.reviewer_score < settings.min_reviewer_score:
            return False, _("Beoordelingsscore %(score)s is lager dan het minimum van %(min)s.") % {
                "score": format_points(breakdown.reviewer_score),
                "min": format_points(settings.min_reviewer_score),
            }
        if settings.min_total_points is not None and breakdown.total < settings.min_total_points:
            return False, _("Totaal %(total)s punten is lager dan het minimum van %(min)s.") % {
                "total": format_points(breakdown.total),
                "min": format_points(settings.min_total_points),
            }
    return True, ""


def store(application: Application, *, review_count: int) -> PointsBreakdown:
    """Compute and (re)place the stored breakdown of the application."""
    breakdown = compute(application)
    settings = assessment_settings(application.call)
    meets, reason = minimum_check(breakdown, settings)
    with transaction.atomic():
        PointsBreakdown.objects.filter(application=application).delete()
        stored = PointsBreakdown.objects.create(
            application=application,
            reviewer_score=breakdown.reviewer_score,
            need_score=breakdown.need_score,
            bonus_score=breakdown.bonus_score,
            total=breakdown.total,
            review_count=review_count,
            spread_flagged=bool(breakdown.flagged_criteria),
            meets_minimum=meets,
            minimum_reason=reason,
        )
        PointsComponent.objects.bulk_create(
            [
                PointsComponent(
                    breakdown=stored,
                    kind=c.kind,
                    key=c.key,
                    label=c.label[:200],
                    points=c.points,
                    detail=c.detail,
                    flagged=c.key in breakdown.flagged_criteria,
                    order=index,
                )
                for index, c in enumerate(breakdown.components)
            ]
        )
    return stored


def reviewing_complete(*, submitted: int, active: int, wanted: int) -> bool:
    """The call's rule for when the reviews are in: at least one, every active reviewer's, and at least the
    number of reviewers per application the call wants."""
    return submitted > 0 and submitted >= active and submitted >= wanted


def submitted_review_count(application: Application) -> int:
    """Submitted reviews that count: those of reviewers still assigned."""
    return Review.objects.counting().filter(assignment__application=application).count()


def _decimal(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


@dataclass(frozen=True)
class ShownComponent:
    """One line of the breakdown as the points page and the API show it, stored or provisional. The
    detail is the stored record; the properties read it once for both."""

    kind: str
    key: str
    label: str
    points: Decimal
    detail: dict
    flagged: bool

    @property
    def kind_display(self) -> str:
        return str(PointsComponent.Kind(self.kind).label)

    # A criterion: the mean of the scores that count, times the weight.
    @property
    def mean(self) -> Decimal | None:
        return _decimal(self.detail.get("mean"))

    @property
    def weight(self) -> Decimal | None:
        return _decimal(self.detail.get("weight"))

    @property
    def scores(self) -> list[Decimal | None]:
        return [_decimal(s) for s in self.detail.get("scores") or []]

    @property
    def spread(self) -> Decimal | None:
        return _decimal(self.detail.get("spread"))

    # An indicator: its value in the reference year.
    @property
    def year(self) -> int | None:
        return self.detail.get("year")

    @property
    def name(self) -> str:
        suffix = f" ({self.year})"
        return self.label.removesuffix(suffix) if self.year else self.label

    @property
    def value(self) -> Decimal | None:
        return _decimal(self.detail.get("value"))

    @property
    def no_data(self) -> bool:
        return self.detail.get("status") == scoring.NO_DATA or self.detail.get("value") is None

    # A bonus rule: applied when the application qualifies and the reviewer score reaches its threshold.
    @property
    def applied(self) -> bool:
        return bool(self.detail.get("qualifies")) and bool(self.detail.get("threshold_met", True))

    @property
    def threshold(self) -> Decimal | None:
        return _decimal(self.detail.get("min_reviewer_score"))

    @property
    def explanation(self) -> str:
        """One line a person can check the points against; a bonus has one wording, on the page and in the API."""
        detail = self.detail
        if self.kind == PointsComponent.Kind.CRITERION:
            if detail.get("mean") is None:
                return _("Nog geen ingediende scores.")
            return _("Gemiddeld %(mean)s (scores %(scores)s) × weging %(weight)s") % {
                "mean": detail["mean"],
                "scores": ", ".join(detail.get("scores") or []),
                "weight": detail["weight"],
            }
        if self.kind == PointsComponent.Kind.INDICATOR:
            if detail.get("value") is None:
                return _("Geen gegevens")
            return _("Waarde %(value)s") % {"value": detail["value"]}
        if self.applied:
            return _("Toegepast")
        if not detail.get("qualifies"):
            return _("Niet toegepast: de aanvraag voldoet niet aan de voorwaarde")
        threshold = self.threshold
        return _("Niet toegepast: de beoordelingsscore haalt de drempel van %(min)s punten niet") % {
            "min": format_points(threshold) if threshold is not None else "–"
        }


@dataclass(frozen=True)
class CurrentPoints:
    """What pages and the API show: the stored breakdown, or, before reviewing is complete, a provisional
    one computed from the reviews submitted so far (never stored)."""

    application_id: int
    reference: str
    provisional: bool
    reviewer_score: Decimal
    need_score: Decimal
    bonus_score: Decimal
    total: Decimal
    review_count: int
    spread_flagged: bool
    meets_minimum: bool
    minimum_reason: str
    computed_at: datetime.datetime | None
    components: tuple[ShownComponent, ...]

    @property
    def status(self) -> str:
        return "provisional" if self.provisional else "stored"

    @property
    def verdict(self) -> bool | None:
        """Whether the minimum is met; a provisional breakdown has no verdict yet."""
        return None if self.provisional else self.meets_minimum

    @property
    def verdict_reason(self) -> str:
        return "" if self.provisional else self.minimum_reason

    def by_kind(self) -> dict[str, list[ShownComponent]]:
        rows: dict[str, list[ShownComponent]] = {"criterion": [], "indicator": [], "bonus": []}
        for component in self.components:
            rows.setdefault(component.kind, []).append(component)
        return rows


def current(application: Application) -> CurrentPoints:
    stored = breakdown_of(application)
    if stored is not None:
        return CurrentPoints(
            application_id=application.pk,
            reference=application.reference,
            provisional=False,
            reviewer_score=stored.reviewer_score,
            need_score=stored.need_score,
            bonus_score=stored.bonus_score,
            total=stored.total,
            review_count=stored.review_count,
            spread_flagged=stored.spread_flagged,
            meets_minimum=stored.meets_minimum,
            minimum_reason=stored.minimum_reason,
            computed_at=stored.computed_at,
            components=tuple(
                ShownComponent(
                    kind=c.kind, key=c.key, label=c.label, points=c.points, detail=c.detail, flagged=c.flagged
                )
                for c in stored.components.all()
            ),
        )
    breakdown = compute(application)
    meets, reason = minimum_check(breakdown, assessment_settings(application.call))
    return CurrentPoints(
        application_id=application.pk,
        reference=application.reference,
        provisional=True,
        reviewer_score=breakdown.reviewer_score,
        need_score=breakdown.need_score,
        bonus_score=breakdown.bonus_score,
        total=breakdown.total,
        review_count=submitted_review_count(application),
        spread_flagged=bool(breakdown.flagged_criteria),
        meets_minimum=meets,
        minimum_reason=reason,
        computed_at=None,
        components=tuple(
            ShownComponent(
                kind=c.kind,
                key=c.key,
                label=c.label,
                points=c.points,
                detail=c.detail,
                flagged=c.key in breakdown.flagged_criteria,
            )
            for c in breakdown.components
        ),
    )
