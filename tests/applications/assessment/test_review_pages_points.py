"""The points page: every part of the breakdown shown, hand-computed, adding up to the total; "geen
gegevens" for a missing indicator; bonus rules that did not apply, with why; the provisional preview
before reviewing is complete; recomputing."""

import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from accounts.importers import ensure_indicators
from accounts.models import IndicatorValue, Network
from applications.assessment import points
from applications.assessment import services as assessment
from applications.models import BonusRule, NeedBand, PointsBreakdown, Status
from tests.applications.assessment.test_review_pages import submit_by_service
from tests.factories import (
    CriterionFactory,
    MembershipFactory,
    NetworkFactory,
    ReviewerFactory,
    submitted_application,
)

pytestmark = pytest.mark.django_db


def priority_rules(application) -> None:
    """Need bands and bonus rules as in DESIGN.md §5, and the municipality's facts:

    - Leefbaarometer 'zwak' or lower 41.0% in 2024: bands 10 → 3, 25 → 6, 40 → 10, so 10 points;
    - social assistance has bands but no value: 0 points, "geen gegevens";
    - NPLV focus area +5 (a member), M50 +3 (not a member), not funded before +5 from 40 points,
      and a second NPLV rule +2 only from 60 reviewer points (not reached)."""
    indicators = ensure_indicators()
    weak = indicators["leefbaarometer_weak_or_lower"]
    IndicatorValue.objects.create(indicator=weak, municipality=application.municipality, year=2024, value=D("41.0"))
    for threshold, pts in ((D(10), D(3)), (D(25), D(6)), (D(40), D(10))):
        NeedBand.objects.create(call=application.call, indicator=weak, threshold=threshold, points=pts)
    NeedBand.objects.create(
        call=application.call, indicator=indicators["social_assistance"], threshold=D(5), points=D(4)
    )
    nplv = NetworkFactory(code=Network.NPLV, name="NPLV")
    MembershipFactory(municipality=application.municipality, network=nplv, area_name="Batau")
    BonusRule.objects.create(
        call=application.call, kind=BonusRule.Kind.NETWORK, network=nplv, label="NPLV-focusgebied", points=D(5)
    )
    m50 = NetworkFactory(code=Network.M50, name="M50")
    BonusRule.objects.create(
        call=application.call, kind=BonusRule.Kind.NETWORK, network=m50, label="Lid van M50", points=D(3)
    )
    BonusRule.objects.create(
        call=application.call,
        kind=BonusRule.Kind.NOT_FUNDED_BEFORE,
        label="Niet eerder gefinancierd",
        points=D(5),
        min_reviewer_score=D(40),
    )
    BonusRule.objects.create(
        call=application.call,
        kind=BonusRule.Kind.NETWORK,
        network=nplv,
        label="Extra voor sterke NPLV-plannen",
        points=D(2),
        min_reviewer_score=D(60),
    )


@pytest.fixture
def application(officer):
    return submitted_application(officer, title="Samen sterk in Batau")


@pytest.fixture
def criteria(application):
    return [
        CriterionFactory(call=application.call, name="Effectiviteit", weight=D("3")),
        CriterionFactory(call=application.call, name="Bereik", weight=D("2")),
        CriterionFactory(call=application.call, name="Extra", weight=D("1"), required=False),
    ]


@pytest.fixture
def reviewed(application, administrator, criteria):
    """Two reviewers, both submitted: the points are stored."""
    priority_rules(application)
    first, second = ReviewerFactory(full_name="Anna Eerst"), ReviewerFactory(full_name="Bert Tweede")
    a1 = assessment.assign_reviewer(application=application, reviewer=first, by=administrator)
    a2 = assessment.assign_reviewer(application=application, reviewer=second, by=administrator)
    submit_by_service(a1, first, criteria, [8, 6, 9])
    submit_by_service(a2, second, criteria, [7, 9, None])
    application.refresh_from_db()
    assert application.status == Status.REVIEWED
    return application


def shown(page: str, element_id: str) -> D:
    """A number the page shows (Dutch notation) as a Decimal."""
    match = re.search(rf'id="{element_id}">([^<]+)<', page)
    return D(match.group(1).strip().replace(".", "").replace(",", "."))


def row_of(page: str, label: str) -> str:
    start = page.index(f">{label}<")
    return page[start : page.index("</tr>", start)]


def test_the_points_page_shows_a_breakdown_that_adds_up(administrator_client, reviewed):
    response = administrator_client.get(reverse("application_points", args=[reviewed.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    # Reviewer score: Effectiviteit (8+7)/2 × 3 = 22,50; Bereik (6+9)/2 × 2 = 15,00; Extra 9 × 1 = 9,00.
    effect = row_of(page, "Effectiviteit")
    assert "8, 7" in effect and "7,50" in effect and ">3<" in effect and "22,50" in effect
    assert "15,00" in row_of(page, "Bereik") and "9,00" in row_of(page, "Extra")
    # Need: 41,0 ≥ 40 → 10; social assistance without a value → 0, "geen gegevens".
    weak = row_of(page, "Woningen in gebied met Leefbaarometer &#x27;zwak&#x27; of lager")
    assert "2024" in weak and "41" in weak and "10,00" in weak
    missing = row_of(page, "Huishoudens met bijstand")
    assert "geen gegevens" in missing and "0,00" in missing
    # Bonus: NPLV +5, not funded before +5 (46,50 ≥ 40); M50 not a member; the +2 needs 60 points.
    assert "5,00" in row_of(page, "NPLV-focusgebied") and "Toegepast" in row_of(page, "NPLV-focusgebied")
    assert "voldoet niet aan de voorwaarde" in row_of(page, "Lid van M50")
    assert "0,00" in row_of(page, "Lid van M50")
    assert "haalt de drempel van 60,00 punten niet" in row_of(page, "Extra voor sterke NPLV-plannen")
    # The parts and the total, and the sentence that they add up.
    reviewer, need, bonus, total = (
        shown(page, f"punten-{part}") for part in ("beoordeling", "behoefte", "voorrang", "totaal")
    )
    assert (reviewer, need, bonus, total) == (D("46.50"), D("10.00"), D("10.00"), D("66.50"))
    assert reviewer + need + bonus == total
    assert "Beoordelingsscore + behoeftescore + voorrangspunten = totaal" in page
    assert "46,50 + 10,00 + 10,00 = <strong>66,50</strong>" in page
    stored = PointsBreakdown.objects.get(application=reviewed)
    assert stored.total == total
    assert "Berekend op" in page and "uit 2 ingediende beoordelingen" in page
    assert "Voorlopige berekening" not in page
    assert "Deze ronde heeft geen minimale score." in page
    assert "Punten herberekenen" in page
    # The reviews themselves, with their motivations, for a second look.
    assert "Anna Eerst" in page and "Goed onderbouwd. (8)" in page


def test_a_large_spread_and_a_missed_minimum_are_shown(administrator_client, application, administrator, criteria):
    settings = points.assessment_settings(application.call)
    settings.min_total_points = D("80")
    settings.save()
    first, second = ReviewerFactory(), ReviewerFactory()
    a1 = assessment.assign_reviewer(application=application, reviewer=first, by=administrator)
    a2 = assessment.assign_reviewer(application=application, reviewer=second, by=administrator)
    submit_by_service(a1, first, criteria, [2, 6, None])
    submit_by_service(a2, second, criteria, [9, 7, None])
    page = administrator_client.get(reverse("application_points", args=[application.pk])).content.decode()
    assert "grote spreiding" in row_of(page, "Effectiviteit")
    assert "grote spreiding" not in row_of(page, "Bereik")
    assert "Grote spreiding: op een of meer criteria" in page
    assert "Minimum niet gehaald: deze aanvraag wordt afgewezen." in page
    overview_url = reverse("call_assessment", args=[application.call_id])
    overview = administrator_client.get(overview_url).content.decode()
    assert "grote spreiding" in overview and "onder het minimum" in overview


def test_before_reviewing_is_complete_a_provisional_preview_is_shown(
    administrator_client, application, administrator, criteria
):
    priority_rules(application)
    first, second = ReviewerFactory(), ReviewerFactory()
    a1 = assessment.assign_reviewer(application=application, reviewer=first, by=administrator)
    assessment.assign_reviewer(application=application, reviewer=second, by=administrator)
    submit_by_service(a1, first, criteria, [8, 6, 9])
    page = administrator_client.get(reverse("application_points", args=[application.pk])).content.decode()
    assert "Voorlopige berekening." in page and "Voorlopig totaal" in page
    assert "(1 ingediend, 2 nodig)" in page
    # 8 × 3 + 6 × 2 + 9 × 1 = 45; need 10; bonus 5 + 5 (45 ≥ 40) = 10.
    parts = [shown(page, f"punten-{part}") for part in ("beoordeling", "behoefte", "voorrang", "totaal")]
    assert parts == [D("45.00"), D("10.00"), D("10.00"), D("65.00")]
    assert "Punten herberekenen" not in page
    assert not PointsBreakdown.objects.exists()


def test_recomputing_takes_a_changed_rule_into_account(administrator_client, reviewed):
    BonusRule.objects.filter(label="Lid van M50").update(
        kind=BonusRule.Kind.NOT_FUNDED_BEFORE, network=None, label="Nieuwe regel"
    )
    response = administrator_client.post(reverse("points_recompute", args=[reviewed.pk]), follow=True)
    page = response.content.decode()
    assert "De punten zijn opnieuw berekend. Het totaal is nu 69,50 punten." in page
    assert shown(page, "punten-totaal") == D("69.50")
    assert PointsBreakdown.objects.get(application=reviewed).total == D("69.50")


def test_recomputing_before_reviewing_is_complete_explains_why_not(administrator_client, application, criteria):
    response = administrator_client.post(reverse("points_recompute", args=[application.pk]), follow=True)
    assert "Punten herberekenen kan alleen bij een beoordeelde aanvraag." in response.content.decode()
