"""Accountability in a real browser, checked with axe-core: the officer reports a year with an error first (the
summary takes the focus), then the final account; an administrator's import refused with its errors per line,
then the board of what is due."""

import datetime

import pytest
from playwright.sync_api import expect

from allocations.accountability.models import Statement
from allocations.runs.models import Decision
from tests.allocations.final_runs import letter_run
from tests.browser.conftest import check_accessibility, log_in
from tests.factories import PASSWORD, AdministratorFactory, MunicipalityFactory, OfficerFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def award():
    officer = OfficerFactory(municipality=MunicipalityFactory(name="Verantwoordstad", cbs_code="GM0999"))
    run = letter_run(by=AdministratorFactory(), prefix="B", municipalities=[officer.municipality])
    Decision.objects.filter(run=run).update(sent_at=datetime.datetime(2027, 3, 15, 9, tzinfo=datetime.UTC))
    return officer, Decision.objects.get(run=run)


def test_the_officer_reports_a_year_after_an_error_in_sight(page, award):
    officer, decision = award
    log_in(page, officer.email, PASSWORD)
    page.get_by_role("link", name="Verantwoording", exact=True).first.click()
    check_accessibility(page, context="the officer's awards")
    page.get_by_role("link", name=decision.number).click()
    page.get_by_label("Jaar", exact=True).select_option("2027")
    page.get_by_label("Besteding in dit jaar").fill("200.000,00")
    page.get_by_role("button", name="Verantwoording opslaan").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("hoger dan het toegekende bedrag (€ 120.001,00)")
    assert page.title().startswith("Fout: ")
    check_accessibility(page, context="a statement refused")
    page.get_by_label("Besteding in dit jaar").fill("60.000,50")
    page.get_by_role("button", name="Verantwoording opslaan").click()
    expect(page.get_by_role("status").or_(page.locator(".utrecht-alert--ok, .messages")).first).to_contain_text(
        "De verantwoording over 2027"
    )
    page.get_by_label("Jaar", exact=True).select_option("2028")
    page.get_by_label("Besteding in dit jaar").fill("60.000,50")
    page.get_by_label("Dit is de eindverantwoording").check()
    page.get_by_role("button", name="Verantwoording opslaan").click()
    expect(page.get_by_role("cell", name="€ 120.001,00")).to_be_visible()
    check_accessibility(page, context="the final account in")
    assert [str(s.spent_to_date) for s in Statement.objects.order_by("year")] == ["60000.50", "120001.00"]


def test_an_import_refused_shows_its_errors_per_line(page, award, tmp_path):
    _officer, decision = award
    admin = AdministratorFactory()
    log_in(page, admin.email, PASSWORD, totp_secret=admin.totp_secret)
    page.goto("/beheer/verantwoording/import/")
    check_accessibility(page, context="the import page")
    csv_file = tmp_path / "sisa.csv"
    csv_file.write_text(
        "gemeente;beschikkingsnummer;jaar;indicator;waarde\n"
        f"GM0999;{decision.number};2027;B01;100\n"
        f"GM0999;{decision.number};2027;B02;100\n"
        "GM0999;NPLV-ONBEKEND;2027;B01;100\n",
        encoding="utf-8",
    )
    page.get_by_label("SiSa-bestand (CSV)").set_input_files(str(csv_file))
    page.get_by_role("button", name="Importeren").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    table = page.get_by_role("table", name="Fouten per regel")
    expect(table).to_contain_text("Onbekend beschikkingsnummer: NPLV-ONBEKEND.")
    check_accessibility(page, context="an import refused")
    assert not Statement.objects.exists()
    page.goto("/verantwoording/")
    expect(page.get_by_role("link", name=decision.number)).to_be_visible()
    check_accessibility(page, context="the staff's board")
