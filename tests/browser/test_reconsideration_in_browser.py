"""Reconsidering a decision in a real browser, with axe-core on every state: a wrong correction opens on the error
summary, the re-run shows the objector's old and new position, the others unchanged and the money's source,
and it verifies."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from allocations.runs import services
from allocations.runs.execution import execute_run
from allocations.runs.reconsideration_models import Reconsideration
from tests.allocations.runs.reconsideration_builders import tie_call
from tests.browser.conftest import check_accessibility, log_in
from tests.factories import PASSWORD, AdministratorFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_lost_tie_is_reconsidered_in_the_browser(page):
    call, _a, b, c = tie_call()
    starter = AdministratorFactory(full_name="Anne Beheer")
    run = services.start_run(call=call, by=starter)
    execute_run(run.pk)
    approver = AdministratorFactory(full_name="Ben Tweede")
    run = services.approve_run(run=run, by=approver)
    log_in(page, approver.email, PASSWORD, totp_secret=approver.totp_secret)

    page.goto(f"/verdelingen/{run.pk}/")
    page.get_by_role("link", name="Heroverwegen (bezwaar)").click()
    page.get_by_label("Aanvraag (bezwaarmaker)").select_option(str(c.pk))
    page.get_by_label("Aangevraagd bedrag, gecorrigeerd").fill("-5")
    page.get_by_label("Beoordelingsscore, gecorrigeerd").fill("64,5")
    page.get_by_label("Reden van de heroverweging").fill("Een criterium was verkeerd opgeteld.")
    page.get_by_role("button", name="Herberekenen").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Het aangevraagde bedrag moet groter zijn dan € 0,00.")
    check_accessibility(page, context="reconsideration form with an error summary")
    assert not Reconsideration.objects.exists()

    page.get_by_label("Aangevraagd bedrag, gecorrigeerd").fill("")
    page.get_by_role("button", name="Herberekenen").click()
    expect(page.locator("#nu-toegekend")).to_have_text("€ 18.000,00")
    expect(page.locator("#andere-regels")).to_contain_text(b.reference)
    check_accessibility(page, context="reconsideration result")
    page.get_by_role("button", name="Controleren").click()
    expect(page.locator("#controle")).to_contain_text("Gecontroleerd: de heroverweging is gelijk")
    check_accessibility(page, context="reconsideration verified")
    assert Reconsideration.objects.get().extra == Decimal("18000.00")
