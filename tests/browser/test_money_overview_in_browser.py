"""The money overview in a real browser, checked with axe-core: the administrator reads every call and
municipality, follows a municipality, and downloads its file; an officer lands on their own municipality's page."""

import datetime

import pytest
from playwright.sync_api import expect

from allocations.letters import batches
from tests.allocations.final_runs import letter_run
from tests.allocations.payments.sent import made_letters
from tests.browser.conftest import check_accessibility, log_in
from tests.factories import PASSWORD, AdministratorFactory, MunicipalityFactory, OfficerFactory

pytestmark = pytest.mark.django_db(transaction=True)

SENT_ON = datetime.date(2026, 11, 16)  # a Monday


@pytest.fixture
def sent():
    admin = AdministratorFactory()
    officer = OfficerFactory(municipality=MunicipalityFactory(name="Geldstad", cbs_code="GM0997"))
    other = MunicipalityFactory(name="Andersstad")
    run = letter_run(by=admin, prefix="M", municipalities=[officer.municipality, other])
    made_letters(run, by=admin, send_on=SENT_ON)
    batches.mark_batch_sent(run=run, by=admin, now=datetime.datetime(2026, 11, 16, 9, tzinfo=datetime.UTC))
    return admin, officer, other


def test_the_administrator_reads_the_money_overview(page, sent):
    admin, _officer, _other = sent
    log_in(page, admin.email, PASSWORD, totp_secret=admin.totp_secret)
    page.get_by_role("link", name="Geldoverzicht", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Geldoverzicht")
    check_accessibility(page, context="the money overview")
    page.get_by_role("link", name="Geldstad").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Geldoverzicht Geldstad")
    check_accessibility(page, context="a municipality's money")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (XLSX)").click()
    assert download.value.suggested_filename == "geldoverzicht-GM0997.xlsx"


def test_an_officer_lands_on_their_own_municipality(page, sent):
    _admin, officer, other = sent
    log_in(page, officer.email, PASSWORD)
    page.get_by_role("link", name="Geldoverzicht", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Geldoverzicht Geldstad")
    expect(page.locator("main")).not_to_contain_text("Andersstad")
    check_accessibility(page, context="the officer's money")
    response = page.goto(f"/geldoverzicht/gemeenten/{other.cbs_code}/")
    assert response is not None and response.status == 404
