"""The reopened scoring of an objection in a real browser, with axe-core on every page: the administrator
reopens it and is refused the reviewer who scored the application before, a new reviewer fills in the usual
form from their queue, and the old breakdown stands beside the new one, whose points win the re-run's tie."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Indicator, IndicatorValue
from allocations.objections import rescoring, services
from allocations.runs import services as run_services
from allocations.runs.execution import execute_run
from allocations.runs.models import Decision
from applications.models import Criterion, NeedBand, Review, ReviewAssignment, ReviewScore
from tests.allocations.runs.reconsideration_builders import tie_call
from tests.browser.conftest import check_accessibility, log_in
from tests.factories import PASSWORD, AdministratorFactory, ReviewerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _case(administrator):
    """The demo's tie, final and sent; C objects by e-mail and the hearing is waived."""
    call, _a, _b, c = tie_call()
    run = run_services.start_run(call=call, by=AdministratorFactory())
    execute_run(run.pk)
    run = run_services.approve_run(run=run, by=administrator)
    sent = timezone.now() - datetime.timedelta(days=7)
    Decision.objects.filter(run=run).update(sent_at=sent)
    criterion = Criterion.objects.create(call=call, name="Kwaliteit", weight=Decimal("8.00"), scale_max=10)
    indicator = Indicator.objects.create(code="armoede-browser", name="Armoede")
    NeedBand.objects.create(call=call, indicator=indicator, threshold=Decimal("0"), points=Decimal("4.00"))
    IndicatorValue.objects.create(indicator=indicator, municipality=c.municipality, year=2024, value=Decimal("12.5"))
    first = ReviewerFactory(full_name="Eva Eerder")
    assignment = ReviewAssignment.objects.create(application=c, reviewer=first, assigned_by=administrator)
    review = Review.objects.create(assignment=assignment, status=Review.Status.SUBMITTED, submitted_at=sent)
    ReviewScore.objects.create(review=review, criterion=criterion, score=8, motivation="Goed.")
    case = services.register_objection(
        decision=Decision.objects.get(run=run, application=c),
        by=administrator,
        objector=c.municipality,
        channel="email",
        received_on=timezone.localdate(),
        grounds="De beoordelaar heeft het plan verkeerd gelezen.",
    )
    case = services.waive_hearing(case=case, by=administrator, ground="e", reason="Volledig tegemoetgekomen.")
    return case, criterion, first


def test_a_reopened_scoring_in_the_browser(page):
    administrator = AdministratorFactory(full_name="Anne Beheer")
    case, criterion, first = _case(administrator)
    rik, bea = ReviewerFactory(full_name="Rik Nieuw"), ReviewerFactory(full_name="Bea Nieuw")

    log_in(page, administrator.email, PASSWORD, totp_secret=administrator.totp_secret)
    page.goto(f"/bezwaren/{case.pk}/")
    page.get_by_role("link", name="Heropende beoordeling").click()
    check_accessibility(page, context="reopened scoring, not yet reopened")
    page.get_by_label("Reden om opnieuw te beoordelen").fill("De gronden van het bezwaar.")
    page.get_by_role("button", name="Beoordeling heropenen").click()
    expect(page.locator("main")).to_contain_text("De beoordeling is heropend.")
    check_accessibility(page, context="reopened scoring, open")
    # The reviewer who scored it before is not offered; the service refuses them anyway (see the service tests).
    options = page.get_by_label("Beoordelaar", exact=True).locator("option").all_inner_texts()
    assert first.display_name not in options and rik.display_name in options
    for reviewer in (rik, bea):
        page.get_by_label("Beoordelaar", exact=True).select_option(label=reviewer.display_name)
        page.get_by_role("button", name="Beoordelaar toewijzen").click()
        expect(page.locator("main")).to_contain_text(f"{reviewer.display_name} is toegewezen")

    scoring = case.reopened_scorings.get()
    other = scoring.rescores.get(reviewer=bea)
    rescoring.save_rescore(rescore=other, by=bea, scores={criterion.pk: {"score": 8, "motivation": "Herlezen."}})
    rescoring.submit_rescore(rescore=other, by=bea)

    page.get_by_role("button", name="Uitloggen").click()
    log_in(page, rik.email, PASSWORD, totp_secret=rik.totp_secret)
    page.goto("/")  # the home page lists the new review beside the usual assignments
    page.get_by_role("link", name=case.decision.application.reference).click()
    check_accessibility(page, context="the new review's form")
    group = page.get_by_role("group", name="Kwaliteit").first
    group.get_by_role("radio", name="9", exact=True).check()
    group.get_by_label("Motivering").fill("Sterk plan, beter gelezen.")
    page.get_by_label("Ik heb alles ingevuld; na indienen kan ik niet meer wijzigen").check()
    page.get_by_role("button", name="Beoordeling indienen").click()
    expect(page.locator("main")).to_contain_text("Uw nieuwe beoordeling is ingediend")
    check_accessibility(page, context="the new review, submitted")

    # Another administrator (one authenticator code is not accepted twice, so not the first one again so soon).
    second = AdministratorFactory(full_name="Ben Tweede")
    page.get_by_role("button", name="Uitloggen").click()
    log_in(page, second.email, PASSWORD, totp_secret=second.totp_secret)
    page.goto(f"/bezwaren/{case.pk}/herbeoordeling/")
    table = page.get_by_role("table", name="Puntenopbouw: bij het besluit en na de nieuwe beoordelingen")
    expect(table.get_by_role("row", name="Totaal")).to_contain_text("72")
    check_accessibility(page, context="old beside new breakdown")
    page.get_by_role("link", name="Herberekenen met deze punten").click()
    page.get_by_label("Punten uit de heropende beoordeling overnemen").check()
    page.get_by_label("Reden van de heroverweging").fill("De punten van de nieuwe beoordelingen.")
    page.get_by_role("button", name="Herberekenen").click()
    page.wait_for_url(f"**/bezwaren/{case.pk}/")
    case.refresh_from_db()
    assert case.reconsideration is not None
    assert case.reconsideration.sources["points"]["reopened_scoring"] == scoring.pk
    assert case.reconsideration.extra > 0
