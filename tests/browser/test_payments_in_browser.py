"""Payments in a real browser, checked with axe-core: an administrator finds a pay date under Betalingen, gives
its payment order after the summary, records a paid date with an error first (the summary takes the focus),
then the right one; an import refused with its errors per line; the municipality's own instalments on its
decision's page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from allocations.letters import batches
from allocations.payments.models import Instalment, InstalmentStatus
from allocations.runs.models import Decision, Outcome
from tests.allocations.final_runs import letter_run
from tests.allocations.payments.sent import made_letters
from tests.browser.conftest import check_accessibility, log_in
from tests.factories import PASSWORD, AdministratorFactory, MunicipalityFactory, OfficerFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Sent in the past, so that a paid date of today is a valid one.
SENT_ON = datetime.date(2026, 11, 16)  # a Monday
FIRST_PAY_DATE = datetime.date(2027, 2, 15)


@pytest.fixture
def sent():
    admin = AdministratorFactory()
    officer = OfficerFactory(municipality=MunicipalityFactory(name="Betaalstad", cbs_code="GM0998"))
    run = letter_run(by=admin, prefix="P", municipalities=[officer.municipality, MunicipalityFactory()])
    made_letters(run, by=admin, send_on=SENT_ON)
    batches.mark_batch_sent(run=run, by=admin, now=datetime.datetime(2026, 11, 16, 9, tzinfo=datetime.UTC))
    return admin, officer, run


def test_the_administrator_orders_and_records_a_payment(page, sent):
    admin, _officer, _run = sent
    log_in(page, admin.email, PASSWORD, totp_secret=admin.totp_secret)
    page.get_by_role("link", name="Betalingen", exact=True).first.click()
    check_accessibility(page, context="the payments overview")
    page.get_by_role("link", name="15 februari 2027").click()
    check_accessibility(page, context="a pay date")
    page.get_by_role("button", name="Betaalopdracht geven").click()
    check_accessibility(page, context="the payment order's summary")
    page.get_by_role("button", name="Betaalopdracht geven").click()
    expect(page.get_by_role("link", name="Excel (XLSX)")).to_be_visible()
    instalment = Instalment.objects.filter(due_on=FIRST_PAY_DATE).order_by("decision__number").first()
    assert instalment.status == InstalmentStatus.ORDERED
    field = page.locator(f"#id_betaald-{instalment.pk}-paid_on")
    field.fill("31-02-2027")
    page.locator(f"form[action$='/termijnen/{instalment.pk}/betaald/'] button").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Vul een datum in als dd-mm-jjjj")
    assert page.title().startswith("Fout: ")
    check_accessibility(page, context="a paid date refused")
    page.locator(f"#id_betaald-{instalment.pk}-paid_on").fill(timezone.localdate().strftime("%d-%m-%Y"))
    page.locator(f"form[action$='/termijnen/{instalment.pk}/betaald/'] button").click()
    expect(page.locator(f"#termijn-{instalment.pk}")).to_contain_text("Betaald")
    instalment.refresh_from_db()
    assert instalment.status == InstalmentStatus.PAID and instalment.paid_on == timezone.localdate()


def test_an_import_refused_shows_its_errors_per_line(page, sent, tmp_path):
    admin, _officer, _run = sent
    log_in(page, admin.email, PASSWORD, totp_secret=admin.totp_secret)
    page.goto("/beheer/betalingen/inlezen/")
    check_accessibility(page, context="the import page")
    csv_file = tmp_path / "bank.csv"
    csv_file.write_text("reference,amount,paid_on\nONBEKEND-T1,1.00,2026-12-01\n", encoding="utf-8")
    page.get_by_label("Betaalbestand van het financiële systeem (CSV)").set_input_files(str(csv_file))
    page.get_by_role("button", name="Inlezen").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("[data-import-errors]")).to_contain_text("Regel 2: onbekend betalingskenmerk ONBEKEND-T1.")
    check_accessibility(page, context="an import refused")


def test_the_municipality_sees_its_instalments(page, sent):
    _admin, officer, run = sent
    decision = Decision.objects.get(run=run, application__municipality=officer.municipality)
    assert decision.outcome != Outcome.REJECTED
    log_in(page, officer.email, PASSWORD)
    page.goto(f"/aanvragen/{decision.application_id}/beschikking/")
    table = page.get_by_role("table", name="Betaling in termijnen")
    expect(table).to_contain_text(f"{decision.number}-T1")
    expect(table).to_contain_text("15 februari 2027")
    check_accessibility(page, context="the municipality's instalments")
