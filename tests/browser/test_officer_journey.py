"""A grant officer applies in a real browser: opens the calls, starts an application, fills in every step,
leaves, resumes from "Mijn aanvragen", checks, submits and sees the receipt, with every page type checked
by axe-core (WCAG 2.1 AA)."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from applications.models import Application, Attachment, Status
from tests.browser.conftest import check_accessibility, log_in
from tests.factories import (
    PASSWORD,
    AdministratorFactory,
    CallFactory,
    RequiredAttachmentFactory,
    ThemeFactory,
    complete_application,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def call(db):
    call = CallFactory(
        title="Leefbaarheidsfonds 2027",
        max_per_application=Decimal("500000.00"),
        min_cofinancing_pct=Decimal("25"),
        max_attachment_mb=5,
    )
    ThemeFactory(scheme=call.scheme, name="School en omgeving", order=1)
    ThemeFactory(scheme=call.scheme, name="Ontwikkeling jonge kind", order=2)
    RequiredAttachmentFactory(call=call, name="Plan van aanpak")
    return call


@pytest.fixture
def files(tmp_path):
    from weasyprint import HTML

    real = tmp_path / "plan-van-aanpak.pdf"
    real.write_bytes(HTML(string="<p>Plan van aanpak</p>").write_pdf())
    fake = tmp_path / "nep.pdf"
    fake.write_bytes(b"not a pdf")
    return {"real": real, "fake": fake}


def save_and_continue(page):
    page.get_by_role("button", name="Opslaan en verder").click()


def test_officer_applies_leaves_resumes_and_submits(page, officer, call, files):
    log_in(page, officer.email, PASSWORD)
    page.wait_for_url("**/")

    # The calls overview and the call's page.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Aanvraagrondes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanvraagrondes")
    expect(page.get_by_role("cell", name="Komt in aanmerking")).to_be_visible()
    check_accessibility(page, context="calls overview")
    page.get_by_role("link", name="Leefbaarheidsfonds 2027").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leefbaarheidsfonds 2027")
    check_accessibility(page, context="call detail")

    # Start: the title, then step 1.
    page.get_by_label("Titel van uw aanvraag").fill("Samen sterk in Batau")
    page.get_by_role("button", name="Aanvraag starten").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gemeente en gebied")
    expect(
        page.get_by_role("navigation", name="Stappen van de aanvraag").locator('[aria-current="step"]')
    ).to_contain_text("Gemeente en gebied")
    expect(page.get_by_label("Titel van uw aanvraag")).to_have_value("Samen sterk in Batau")
    check_accessibility(page, context="step 1 (area)")
    save_and_continue(page)

    # Step 2: the plan.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Plan")
    page.get_by_label("Doelen").fill("Minder schooluitval en meer ontmoeting in de wijk.")
    page.get_by_label("Aanpak").fill("Wijkteams, een brede school en een buurthuis.")
    page.get_by_label("Partners in de lokale alliantie").fill("Woningcorporatie, basisscholen, GGD en politie.")
    page.get_by_label("Betrokkenheid van bewoners").fill("Een bewonersraad kiest mee.")
    check_accessibility(page, context="step 2 (plan)")
    save_and_continue(page)

    # Step 3: the budget, first with a mistake that is shown in its own cell.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Begroting")
    page.get_by_label("Aangevraagd bedrag").fill("300.000,00")
    page.get_by_label("School en omgeving, 2027").fill("200000")
    page.get_by_label("Ontwikkeling jonge kind, 2028").fill("-5")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_label("Ontwikkeling jonge kind, 2028")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Het bedrag moet groter zijn dan nul.", exact=True)).to_be_visible()  # beside it
    summary = page.locator("[data-error-summary]")  # and in the page's one error summary, which has focus
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Ontwikkeling jonge kind, 2028: Het bedrag moet groter")).to_be_visible()
    assert page.title().startswith("Fout: ")
    check_accessibility(page, context="step 3 (budget) with an error")
    page.get_by_label("Ontwikkeling jonge kind, 2028").fill("100.000")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_text("Dat is gelijk aan het aangevraagde bedrag van € 300.000,00.")).to_be_visible()
    check_accessibility(page, context="step 3 (budget)")
    save_and_continue(page)

    # Step 4: co-financing.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cofinanciering")
    page.get_by_label("Cofinanciering", exact=True).fill("100000")
    page.get_by_label("Bronnen van de cofinanciering").fill("Gemeentebegroting 2027 en woningcorporatie.")
    check_accessibility(page, context="step 4 (co-financing)")
    save_and_continue(page)

    # Step 5: attachments; a fake PDF is refused with the reason beside the field.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bijlagen")
    upload_field = page.get_by_label("Bestand voor 'Plan van aanpak'")
    upload_field.set_input_files(str(files["fake"]))
    page.get_by_role("button", name="Bijlage toevoegen: Plan van aanpak").click()
    refusal = "Dit bestand is geen geldig PDF-bestand"
    expect(page.locator(".nplv-attachment .errorlist").get_by_text(refusal)).to_be_visible()  # beside the field
    summary = page.locator("[data-error-summary]")
    expect(summary.get_by_role("link", name=f"Plan van aanpak: {refusal}")).to_be_visible()
    check_accessibility(page, context="step 5 (attachments) with a refused upload")
    page.get_by_label("Bestand voor 'Plan van aanpak'").set_input_files(str(files["real"]))
    page.get_by_role("button", name="Bijlage toevoegen: Plan van aanpak").click()
    expect(page.get_by_role("link", name="plan-van-aanpak.pdf")).to_be_visible()
    check_accessibility(page, context="step 5 (attachments)")
    assert Attachment.objects.get().file_format == "pdf"

    # Leave for the home page, and come back through "Mijn aanvragen".
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Overzicht", exact=True).click()
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Mijn aanvragen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn aanvragen")
    check_accessibility(page, context="my applications")
    application = Application.objects.get()
    page.get_by_role("link", name="Samen sterk in Batau").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Samen sterk in Batau")
    expect(page.get_by_test_id("last-edited")).to_contain_text(f"Laatst bewerkt door {officer.full_name} op")
    check_accessibility(page, context="application detail (draft)")
    page.get_by_role("link", name="Mijn aanvragen").first.click()
    page.get_by_role("link", name=f"Aanvullen en indienen: {application.reference}").click()

    # Check and submit.
    expect(page.get_by_role("heading", level=1)).to_have_text("Controleren en indienen")
    expect(page.get_by_text("De aanvraag is compleet.")).to_be_visible()
    check_accessibility(page, context="check page")
    page.get_by_role("button", name="Aanvraag indienen").click()

    # The receipt and the status.
    expect(page.get_by_role("status").filter(has_text="Uw aanvraag is ingediend op")).to_contain_text(
        f"kenmerk {application.reference}. U ontvangt een ontvangstbevestiging per e-mail."
    )
    expect(page.locator(".nplv-app-meta .nplv-badge")).to_have_text("Ingediend")
    expect(page.get_by_text(re.compile(r"heeft de aanvraag ingediend\."))).to_be_visible()
    check_accessibility(page, context="application detail after submission")
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.requested_amount == Decimal("300000.00")
    assert application.budget_total == Decimal("300000.00")


def test_administrator_asks_for_information_and_takes_into_review(page, officer):
    from applications import services

    administrator = AdministratorFactory(full_name="Anne Beheer")
    application = complete_application(municipality=officer.municipality, created_by=officer, title="Wijk in bloei")
    services.submit_application(application=application, by=officer)
    log_in(page, administrator.email, PASSWORD, totp_secret=administrator.totp_secret)
    page.wait_for_url("**/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Aanvragen").click()
    page.get_by_label("Status").select_option("submitted")
    page.get_by_role("button", name="Filteren").click()
    expect(page.get_by_role("cell", name="Nieuwegein")).to_be_visible()
    check_accessibility(page, context="administrator's application list")
    page.get_by_role("link", name="Wijk in bloei").click()
    check_accessibility(page, context="application detail (administrator)")
    page.get_by_label("Welke informatie moet de gemeente aanvullen?").fill("Stuur de brief van de corporatie mee.")
    page.get_by_role("button", name="Aanvulling vragen").click()
    expect(page.get_by_role("status").filter(has_text="Het verzoek om aanvulling")).to_be_visible()
    expect(page.locator(".nplv-app-meta .nplv-badge")).to_have_text("Aanvulling gevraagd")
    check_accessibility(page, context="application detail with an open request")
    application.refresh_from_db()
    assert application.status == Status.INFO_REQUESTED
