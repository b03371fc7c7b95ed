"""Objections in a real browser, checked with axe-core: the officer objects from the decision page, first without
grounds (the summary takes the focus), then with them; an administrator waives the hearing on a ground of 7:3,
records the outcome and reads the deadline board and the registration form."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from allocations.objections.models import CaseOutcome, ObjectionCase
from allocations.runs.models import Decision
from tests.allocations.final_runs import letter_run
from tests.browser.conftest import check_accessibility, log_in
from tests.factories import PASSWORD, AdministratorFactory, MunicipalityFactory, OfficerFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sent():
    officer = OfficerFactory(municipality=MunicipalityFactory(name="Bezwaarstad", cbs_code="GM0998"))
    run = letter_run(by=AdministratorFactory(), prefix="Z", municipalities=[officer.municipality])
    Decision.objects.filter(run=run).update(sent_at=timezone.now() - datetime.timedelta(days=10))
    return officer, Decision.objects.get(run=run)


def test_the_officer_objects_after_an_error_in_sight(page, sent):
    officer, decision = sent
    log_in(page, officer.email, PASSWORD)
    page.goto(f"/aanvragen/{decision.application_id}/beschikking/")
    page.get_by_role("link", name="Bezwaar maken").click()
    check_accessibility(page, context="Bezwaar maken")
    page.get_by_role("button", name="Bezwaar indienen").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("pro forma")
    assert page.title().startswith("Fout: ")
    check_accessibility(page, context="an objection refused")
    page.get_by_label("Gronden van het bezwaar").fill(
        "De behoeftescore is berekend met cijfers van het verkeerde jaar."
    )
    page.get_by_role("button", name="Bezwaar indienen").click()
    case = ObjectionCase.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.number)
    check_accessibility(page, context="the officer's case page")
    page.get_by_role("link", name="Mijn bezwaren").first.click()
    expect(page.get_by_role("link", name=case.number)).to_be_visible()
    check_accessibility(page, context="the officer's objections")


def test_the_administrator_waives_the_hearing_and_decides(page, sent):
    from allocations.objections import services

    officer, decision = sent
    case = services.lodge_objection(decision=decision, by=officer, grounds="Onjuiste cijfers.")
    admin = AdministratorFactory()
    log_in(page, admin.email, PASSWORD, totp_secret=admin.totp_secret)
    page.goto("/bezwaren/")
    check_accessibility(page, context="the deadline board")
    page.get_by_role("link", name=case.number).click()
    check_accessibility(page, context="the staff's case page")
    page.get_by_label("c. de belanghebbenden hebben verklaard niet gehoord te willen worden").check()
    page.get_by_label("Toelichting").fill("Zie de e-mail van de gemeente.")
    page.get_by_role("button", name="Afzien van horen (Awb 7:3)").click()
    page.get_by_label("Ongegrond", exact=True).check()
    page.get_by_label("Motivering").fill("De cijfers waren juist.")
    page.get_by_role("button", name="Uitkomst vastleggen").click()
    expect(page.locator("main")).to_contain_text("De uitkomst is vastgelegd.")
    check_accessibility(page, context="a closed case")
    assert ObjectionCase.objects.get().outcome == CaseOutcome.UNFOUNDED
    page.goto("/bezwaren/registreren/")
    check_accessibility(page, context="the registration form")
