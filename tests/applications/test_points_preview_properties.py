"""The preview computes what the assessment and the run decide (issue 22): for random calls, indicator values,
memberships and reviewer scores, the preview's need points and bonus points equal, to the decimal, the points
the real assessment stores for the application and the line the allocation run writes for it.

Each example builds a call whose rules are published before it opened, an application with submitted reviews,
stores its points with the assessment's own ``points.store``, runs the allocation on the closed call, and asks
the preview for the same municipality, area, day, earlier funding and reviewer score. Example counts are
small: every example is a few dozen rows and a run (HYPOTHESIS_PROFILE=ci keeps them derandomized)."""

import datetime
import itertools
import os
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.importers import ensure_indicators
from accounts.models import IndicatorValue, Membership, Municipality
from allocations.runs import services
from allocations.runs.models import AllocationLine
from applications.assessment import points
from applications.models import (
    Application,
    AssessmentSettings,
    BonusRule,
    Criterion,
    NeedBand,
    Review,
    ReviewAssignment,
    ReviewScore,
    Status,
)
from applications.published_rules.preview import preview
from tests.allocations.runs.builders import before_opening
from tests.factories import ApplicationFactory, CallFactory, NetworkFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

EXAMPLES = 12 if os.environ.get("HYPOTHESIS_PROFILE") == "ci" else 6
AREA = "Wijk Noord"
counter = itertools.count()

weights = st.decimals(min_value=Decimal("0.25"), max_value=Decimal("5"), places=2)
band_points = st.decimals(min_value=Decimal("0"), max_value=Decimal("10"), places=2)
thresholds = st.decimals(min_value=Decimal("0"), max_value=Decimal("50"), places=1)
values = st.none() | st.decimals(min_value=Decimal("0"), max_value=Decimal("60"), places=3)
bonus_rule = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["M50", "NPLV", "not_funded_before"]),
        "points": st.decimals(min_value=Decimal("0.5"), max_value=Decimal("8"), places=1),
        "min_reviewer_score": st.none() | st.decimals(min_value=Decimal("0"), max_value=Decimal("60"), places=0),
    }
)


@pytest.fixture
def reviewers(db):
    return [ReviewerFactory() for _ in range(3)]


def _call(data, networks):
    """A closed call with random criteria, need bands and bonus rules, published before it opened."""
    now = timezone.now()
    call = CallFactory(opens_at=now - datetime.timedelta(days=60), closes_at=now - datetime.timedelta(days=30))
    indicators = ensure_indicators()
    criteria = data.draw(st.lists(st.tuples(weights, st.integers(min_value=2, max_value=10)), min_size=1, max_size=3))
    chosen = data.draw(st.lists(st.sampled_from(sorted(indicators)), unique=True, max_size=3))
    bands = {
        code: data.draw(st.lists(st.tuples(thresholds, band_points), max_size=3, unique_by=lambda b: b[0]))
        for code in chosen
    }
    rules = data.draw(st.lists(bonus_rule, max_size=3))
    year = data.draw(st.sampled_from([None, 2024]))

    def configure(c):
        AssessmentSettings.objects.create(call=c, need_reference_year=year, reviewers_per_application=1)
        for order, (weight, scale_max) in enumerate(criteria):
            Criterion.objects.create(call=c, name=f"Criterium {order}", weight=weight, scale_max=scale_max, order=order)
        for code, steps in bands.items():
            for threshold, band in steps:
                NeedBand.objects.create(call=c, indicator=indicators[code], threshold=threshold, points=band)
        for index, rule in enumerate(rules):
            network = networks.get(rule["kind"])
            BonusRule.objects.create(
                call=c,
                kind=BonusRule.Kind.NETWORK if network else BonusRule.Kind.NOT_FUNDED_BEFORE,
                network=network,
                label=f"Regel {index}",
                points=rule["points"],
                min_reviewer_score=rule["min_reviewer_score"],
            )

    before_opening(call, configure)
    return call, indicators, chosen


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_preview_need_and_bonus_points_equal_the_assessment_and_the_run(
    data, administrator, reviewers, django_capture_on_commit_callbacks
):
    n = next(counter)
    networks = {"M50": NetworkFactory(code="M50"), "NPLV": NetworkFactory(code="NPLV")}
    call, indicators, chosen = _call(data, networks)
    municipality = Municipality.objects.create(
        cbs_code=f"GM{7000 + n:04d}",
        name=f"Gemeente {n}",
        province="Utrecht",
        inhabitants=40_000,
        inhabitants_year=2024,
    )
    for code in chosen:
        for year in (2023, 2024):
            value = data.draw(values)
            if value is not None:
                IndicatorValue.objects.create(
                    indicator=indicators[code], municipality=municipality, year=year, value=value
                )
    if data.draw(st.booleans()):
        Membership.objects.create(
            municipality=municipality, network=networks["M50"], valid_from=datetime.date(2020, 1, 1)
        )
    if data.draw(st.booleans()):
        Membership.objects.create(
            municipality=municipality, network=networks["NPLV"], area_name=AREA, valid_from=datetime.date(2020, 1, 1)
        )
    funded = data.draw(st.booleans())
    if funded:
        earlier = CallFactory(
            scheme=call.scheme,
            opens_at=call.opens_at - datetime.timedelta(days=400),
            closes_at=call.opens_at - datetime.timedelta(days=300),
        )
        ApplicationFactory(call=earlier, municipality=municipality, status=Status.AWARDED, created_by=administrator)
    area = data.draw(st.sampled_from(["", AREA, "Elders"]))

    # The real assessment: submitted reviews, then the points the assessment stores.
    submitted = call.opens_at + datetime.timedelta(days=3)
    application = Application.objects.create(
        call=call,
        municipality=municipality,
        area_name=area,
        reference=f"PV-{n:05d}",
        title="Plan",
        status=Status.REVIEWED,
        requested_amount=Decimal("100000.00"),
        cofinancing_amount=Decimal("0"),
        created_by=administrator,
        updated_by=administrator,
        submitted_at=submitted,
    )
    count = data.draw(st.integers(min_value=1, max_value=3))
    for reviewer in reviewers[:count]:
        assignment = ReviewAssignment.objects.create(
            application=application, reviewer=reviewer, assigned_by=administrator
        )
        review = Review.objects.create(assignment=assignment, status=Review.Status.SUBMITTED, submitted_at=submitted)
        for criterion in call.criteria.all():
            score = data.draw(st.integers(min_value=criterion.scale_min, max_value=criterion.scale_max))
            ReviewScore.objects.create(review=review, criterion=criterion, score=score)
    stored = points.store(application, review_count=count)

    # The run on the closed call, from the stored points.
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_run(call=call, by=administrator)
    line = AllocationLine.objects.get(run=run, application=application)

    shown = preview(
        call=call,
        municipality=municipality,
        area=area,  # "Elders" is no area of the municipality: then no focus-area bonus, in both
        funded_before=funded,
        reviewer_score=stored.reviewer_score,
        on=timezone.localdate(submitted),
    )
    assert shown.need_score == stored.need_score == line.need_score
    assert shown.expected_bonus == (stored.bonus_score, stored.bonus_score)
    assert stored.bonus_score == line.bonus_score
    per_indicator = {c.key: c.points for c in stored.components.all() if c.kind == "indicator"}
    assert {i.code: i.points for i in shown.indicators} == per_indicator
    per_rule = {c.key: c.points for c in stored.components.all() if c.kind == "bonus"}
    assert {b.key: b.expected[0] for b in shown.bonus} == per_rule
    assert shown.total_low <= stored.total <= shown.total_high
