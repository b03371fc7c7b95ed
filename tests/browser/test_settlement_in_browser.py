"""Settlement in a real browser, checked with axe-core on every page, each person in a browser context of their
own: after the spending period the municipality's officer enters the final account of a SPUK award (spent less
than awarded, every instalment paid); an assessor proposes the settlement, an internal auditor checks it and
records the reclaim number, a coordinator approves and sends the letter with the reclaim (made at the approval,
dated the day it is sent), which downloads as a PDF, and the officer finds it with the decision. The
assessor who tries the check, and the auditor who tries the approval, are refused with the reason on the page.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from playwright.sync_api import expect

from allocations.accountability.models import Source, Statement
from allocations.payments.models import Instalment, InstalmentStatus
from allocations.runs.models import Decision
from allocations.settlements.models import Settlement, SettlementStatus
from tests.allocations.payments.sent import sent_run
from tests.allocations.settlements.conftest import SETTLE_DAY
from tests.browser.conftest import check_accessibility, log_in
from tests.factories import PASSWORD, AdministratorFactory, MunicipalityFactory, OfficerFactory

pytestmark = pytest.mark.django_db(transaction=True)

# The award: € 120.001,00 in two instalments of € 60.000,50, both paid; the municipality spent € 30.000,00 in
# 2027 and € 20.000,00 in 2028. A SPUK is settled on what was spent: € 50.000,00, and € 70.001,00 comes back.
AWARDED = "€ 120.001,00"
SETTLED = "€ 50.000,00"
RECLAIM = "€ 70.001,00"
RECLAIM_NUMBER = "VORD-2029-0042"


@pytest.fixture
def award():
    """A sent SPUK award of the officer's municipality, both instalments paid and 2027 accounted for."""
    assessor = AdministratorFactory(email="beoordelaar@minvro.nl")
    officer = OfficerFactory(municipality=MunicipalityFactory(name="Vaststelstad", cbs_code="GM0997"))
    run = sent_run(by=assessor, prefix="V", municipalities=[officer.municipality])
    decision = Decision.objects.get(run=run)
    for sequence, paid_on in ((1, datetime.date(2027, 4, 1)), (2, datetime.date(2028, 4, 3))):
        Instalment.objects.filter(decision=decision, sequence=sequence).update(
            status=InstalmentStatus.PAID, paid_on=paid_on
        )
    assert Instalment.objects.filter(decision=decision, status=InstalmentStatus.PAID).count() == 2
    Statement.objects.create(
        decision=decision,
        year=2027,
        spent=Decimal("30000.00"),
        spent_to_date=Decimal("30000.00"),
        source=Source.PORTAL,
        entered_by=officer,
    )
    return officer, assessor, decision


@pytest.fixture
def after_the_period():
    """The clock after the spending period (2027–2028); it moves on, so the browser's sessions stay valid."""
    with time_machine.travel(SETTLE_DAY, tick=True):
        yield


def new_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    return context, context.new_page()


def post_anyway(page, action: str, fields: dict[str, str]) -> None:
    """Submit a step the page does not offer, as a stale tab or a crafted request would: a form with the page's
    own CSRF token, posted by the browser, which then shows the answer."""
    with page.expect_navigation():
        page.evaluate(
            """([action, fields]) => {
                const form = document.createElement('form');
                form.method = 'post';
                form.action = action;
                const values = {...fields,
                    csrfmiddlewaretoken: document.querySelector('input[name=csrfmiddlewaretoken]').value};
                for (const [name, value] of Object.entries(values)) {
                    const input = document.createElement('input');
                    input.type = 'hidden';
                    input.name = name;
                    input.value = value;
                    form.appendChild(input);
                }
                document.body.appendChild(form);
                form.submit();
            }""",
            [action, fields],
        )


def figure(page, name: str):
    return page.locator(f"[data-field='{name}']")


def test_the_final_account_and_the_three_steps_of_the_settlement(browser, live_server, award, after_the_period):
    officer, assessor, decision = award
    auditor = AdministratorFactory(email="controleur@minvro.nl")
    coordinator = AdministratorFactory(email="coordinator@minvro.nl")
    contexts = []
    try:
        # The officer enters the final account of 2028 and sees the award's accountability adding up.
        context, page = new_page(browser, live_server)
        contexts.append(context)
        log_in(page, officer.email, PASSWORD)
        officer_page = page
        page.get_by_role("link", name="Verantwoording", exact=True).first.click()
        check_accessibility(page, context="the officer's awards")
        # Listed twice: among the awards and, its final account not in on time, among what is overdue.
        page.get_by_role("link", name=decision.number).first.click()
        expect(page.locator("main")).to_contain_text(AWARDED)
        check_accessibility(page, context="the award's accountability")
        page.get_by_label("Jaar", exact=True).select_option("2028")
        page.get_by_label("Besteding in dit jaar").fill("20.000,00")
        page.get_by_label("Dit is de eindverantwoording").check()
        page.get_by_role("button", name="Verantwoording opslaan").click()
        expect(page.locator(".nplv-messages")).to_contain_text("De verantwoording over 2028")
        statements = page.get_by_role("table", name="Per jaar")
        expect(statements.get_by_role("cell", name=SETTLED)).to_be_visible()  # cumulative: the final account
        check_accessibility(page, context="the final account in")
        final = Statement.objects.get(decision=decision, final=True)
        assert (final.year, final.spent_to_date) == (2028, Decimal("50000.00"))

        # The assessor finds the decision under Vaststelling and proposes.
        context, page = new_page(browser, live_server)
        contexts.append(context)
        log_in(page, assessor.email, PASSWORD, totp_secret=assessor.totp_secret)
        page.get_by_role("link", name="Vaststelling", exact=True).first.click()
        check_accessibility(page, context="the settlements overview")
        page.get_by_role("link", name=decision.run.call.title).first.click()
        check_accessibility(page, context="the call's settlements")
        page.locator("[data-ready]").get_by_role("link", name=decision.number, exact=False).click()
        main = page.locator("main")
        expect(main).to_contain_text(AWARDED)
        expect(main).to_contain_text(f"tot ten hoogste het toegekende bedrag: {SETTLED}")
        check_accessibility(page, context="the proposal")
        page.get_by_role("button", name="Vaststelling voorstellen").click()
        expect(page.locator(".nplv-messages")).to_contain_text("is voorgesteld")
        expect(figure(page, "status")).to_have_text("Voorgesteld")
        expect(figure(page, "settled")).to_have_text(SETTLED)
        expect(figure(page, "reclaim")).to_contain_text(RECLAIM)
        check_accessibility(page, context="the settlement proposed")
        settlement = Settlement.objects.get(decision=decision)
        # The page offers the assessor no second step; tried all the same, it is refused with the reason.
        expect(page.get_by_role("button", name="Controle vastleggen")).to_have_count(0)
        post_anyway(page, f"/beheer/vaststellingen/{settlement.pk}/controleren/", {"controle-reclaim_number": "X"})
        expect(page.locator(".nplv-messages")).to_contain_text(
            "U heeft deze vaststelling voorgesteld. Een ander moet de volgende stap zetten (vier-ogenprincipe)."
        )
        check_accessibility(page, context="the assessor's check refused")
        settlement.refresh_from_db()
        assert settlement.status == SettlementStatus.PROPOSED and settlement.checked_by_id is None

        # The internal auditor checks and records the reclaim number.
        context, page = new_page(browser, live_server)
        contexts.append(context)
        log_in(page, auditor.email, PASSWORD, totp_secret=auditor.totp_secret)
        page.goto(f"/beheer/vaststellingen/rondes/{decision.run.call_id}/")
        page.get_by_role("link", name=settlement.reference).click()
        expect(figure(page, "settled")).to_have_text(SETTLED)
        expect(figure(page, "reclaim")).to_contain_text(RECLAIM)
        check_accessibility(page, context="the settlement to check")
        page.get_by_label("Vorderingsnummer").fill(RECLAIM_NUMBER)
        page.get_by_role("button", name="Controle vastleggen").click()
        expect(page.locator(".nplv-messages")).to_contain_text("De controle is vastgelegd.")
        expect(figure(page, "reclaim")).to_contain_text(f"{RECLAIM} (vorderingsnummer {RECLAIM_NUMBER})")
        check_accessibility(page, context="the settlement checked")
        # Nor may the auditor approve what they checked.
        expect(page.get_by_role("button", name="Vaststelling goedkeuren")).to_have_count(0)
        post_anyway(page, f"/beheer/vaststellingen/{settlement.pk}/goedkeuren/", {"goedkeuring-agreed": "on"})
        expect(page.locator(".nplv-messages")).to_contain_text(
            "U heeft deze vaststelling gecontroleerd. Een ander moet haar goedkeuren (vier-ogenprincipe)."
        )
        check_accessibility(page, context="the auditor's approval refused")
        settlement.refresh_from_db()
        assert settlement.status == SettlementStatus.CHECKED and settlement.reclaim_number == RECLAIM_NUMBER

        # The coordinator approves; the letter with the reclaim is a PDF.
        context, page = new_page(browser, live_server)
        contexts.append(context)
        log_in(page, coordinator.email, PASSWORD, totp_secret=coordinator.totp_secret)
        page.goto(f"/beheer/vaststellingen/{settlement.pk}/")
        expect(figure(page, "settled")).to_have_text(SETTLED)
        check_accessibility(page, context="the settlement to approve")
        page.get_by_label("Ik heb de cijfers en de controle bekeken").check()
        page.get_by_role("button", name="Vaststelling goedkeuren").click()
        expect(page.locator(".nplv-messages")).to_contain_text("De subsidie is vastgesteld.")
        expect(figure(page, "status")).to_have_text("Vastgesteld")
        expect(figure(page, "settled")).to_have_text(SETTLED)
        expect(figure(page, "reclaim")).to_contain_text(f"{RECLAIM} (vorderingsnummer {RECLAIM_NUMBER})")
        check_accessibility(page, context="the settlement approved")
        settlement.refresh_from_db()
        assert settlement.status == SettlementStatus.APPROVED
        assert (settlement.settled, settlement.reclaim) == (Decimal("50000.00"), Decimal("70001.00"))
        assert len({settlement.proposed_by_id, settlement.checked_by_id, settlement.approved_by_id}) == 3

        # The approval made the letter; the coordinator confirms and sends it, dated today, and it is frozen.
        expect(page.locator("[data-letter-state='made']")).to_be_visible()
        page.get_by_role("link", name="Brief verzenden").click()
        expect(page.locator("main")).to_contain_text("3 september 2029")
        check_accessibility(page, context="sending the settlement letter")
        page.get_by_role("button", name="Ja, brief verzenden").click()
        expect(page.locator(".nplv-messages")).to_contain_text("De brief is verzonden met de datum 3 september 2029.")
        expect(page.locator("[data-letter-state='sent']")).to_be_visible()
        expect(page.get_by_role("link", name="Brief verzenden")).to_have_count(0)
        check_accessibility(page, context="the settlement letter sent")
        link = page.get_by_role("link", name=f"{settlement.reference} versie 1, gedateerd 3 september 2029 (PDF)")
        response = page.request.get(link.get_attribute("href"))
        assert response.status == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.body().startswith(b"%PDF")
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename == f"vaststelling-{settlement.reference}-v1.pdf"

        # The municipality's officer finds the sent letter with the decision.
        officer_page.goto(f"/aanvragen/{decision.application_id}/beschikking/")
        letter = officer_page.get_by_role(
            "link", name=f"Vaststelling {settlement.reference} van 3 september 2029 (PDF)"
        )
        expect(letter).to_be_visible()
        check_accessibility(officer_page, context="the officer's letters with the settlement")
        response = officer_page.request.get(letter.get_attribute("href"))
        assert response.status == 200 and response.body().startswith(b"%PDF")
    finally:
        for context in contexts:
            context.close()
