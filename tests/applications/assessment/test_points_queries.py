"""The provisional points page costs a fixed number of queries whatever the number of need indicators and
bonus rules of the call, and still qualifies each rule as before."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from accounts.importers import ensure_indicators
from accounts.models import IndicatorValue, Network
from applications.assessment import points
from applications.models import BonusRule, NeedBand
from tests.factories import MembershipFactory, NetworkFactory, submitted_application

pytestmark = pytest.mark.django_db


def _indicator(application, indicator, value, year=2024):
    if value is not None:
        IndicatorValue.objects.create(
            indicator=indicator, municipality=application.municipality, year=year, value=D(value)
        )
    NeedBand.objects.create(call=application.call, indicator=indicator, threshold=D(10), points=D(3))


def _network_rule(application, network, label):
    return BonusRule.objects.create(
        call=application.call, kind=BonusRule.Kind.NETWORK, network=network, label=label, points=D(2)
    )


def test_the_points_page_costs_the_same_queries_for_1_and_many_indicators_and_rules(
    count_queries, administrator_client, officer
):
    application = submitted_application(officer, area_name="Batau")
    indicators = list(ensure_indicators().values())
    _indicator(application, indicators[0], "41.0")
    nplv = NetworkFactory(code=Network.NPLV, name="NPLV")
    MembershipFactory(municipality=application.municipality, network=nplv, area_name="Batau")
    _network_rule(application, nplv, "NPLV-focusgebied")
    BonusRule.objects.create(
        call=application.call, kind=BonusRule.Kind.NOT_FUNDED_BEFORE, label="Niet eerder gefinancierd", points=D(1)
    )
    url = reverse("application_points", args=[application.pk])
    few = count_queries(administrator_client, url, warm=True)

    _indicator(application, indicators[1], "12.5", year=2023)
    _indicator(application, indicators[2], None)
    m50 = NetworkFactory(code=Network.M50, name="M50")
    MembershipFactory(municipality=application.municipality, network=m50)
    _network_rule(application, m50, "Lid van M50")
    _network_rule(application, NetworkFactory(code="ANDER", name="Ander"), "Ander netwerk")
    for label in ("Niet eerder gefinancierd", "Nog eens niet eerder gefinancierd"):
        BonusRule.objects.create(call=application.call, kind=BonusRule.Kind.NOT_FUNDED_BEFORE, label=label, points=D(1))
    assert count_queries(administrator_client, url, warm=True) == few

    # And each rule and indicator is still judged on its own.
    qualifies = {rule.label: rule.qualifies for rule in points.bonus_rules(application)}
    assert qualifies == {
        "NPLV-focusgebied": True,
        "Lid van M50": True,
        "Ander netwerk": False,
        "Niet eerder gefinancierd": True,
        "Nog eens niet eerder gefinancierd": True,
    }
    settings = points.assessment_settings(application.call)
    shown = {i.key: (i.year, i.value) for i in points.need_indicators(application, settings)}
    assert shown[indicators[0].code] == (2024, D("41.0"))
    assert shown[indicators[1].code] == (2023, D("12.5"))  # the most recent year of that indicator
    assert shown[indicators[2].code][1] is None


def test_an_nplv_rule_is_for_the_focus_area_only(officer):
    application = submitted_application(officer, area_name="Oosterpark")
    nplv = NetworkFactory(code=Network.NPLV, name="NPLV")
    MembershipFactory(municipality=application.municipality, network=nplv, area_name="batau")
    _network_rule(application, nplv, "NPLV-focusgebied")
    assert [rule.qualifies for rule in points.bonus_rules(application)] == [False]
    application.area_name = " Batau "
    assert [rule.qualifies for rule in points.bonus_rules(application)] == [True]  # as iexact, trimmed


def test_the_review_page_costs_the_same_queries_for_1_and_4_other_submitted_reviews(
    count_queries, client, administrator, officer
):
    """A reviewer who has submitted sees the others' scores: one query for them all, not one per review."""
    from applications.assessment import services as assessment
    from tests.applications.assessment.test_review_pages import submit_by_service
    from tests.factories import CriterionFactory, ReviewerFactory

    application = submitted_application(officer)
    criteria = [CriterionFactory(call=application.call), CriterionFactory(call=application.call)]
    settings = points.assessment_settings(application.call)
    settings.reviewers_per_application = 10  # stays in review while the reviews come in
    settings.save()
    mine_reviewer = ReviewerFactory()
    mine = assessment.assign_reviewer(application=application, reviewer=mine_reviewer, by=administrator)
    submit_by_service(mine, mine_reviewer, criteria, [6, 8])

    def another():
        reviewer = ReviewerFactory()
        theirs = assessment.assign_reviewer(application=application, reviewer=reviewer, by=administrator)
        submit_by_service(theirs, reviewer, criteria, [5, 7])

    another()
    client.force_login(mine_reviewer)
    url = reverse("review_detail", args=[mine.pk])
    few = count_queries(client, url, warm=True)
    for _ in range(3):
        another()
    assert count_queries(client, url, warm=True) == few
