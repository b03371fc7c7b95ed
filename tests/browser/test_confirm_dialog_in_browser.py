"""An irreversible step asks first, with JavaScript in a dialog: the approve button opens the same summary as the
confirmation page in a native <dialog>, focus goes into it, Escape closes it and focus returns to the button,
and its confirm button posts the confirmation. The portal's Content-Security-Policy stays in force (no script
error, nothing blocked), axe-core finds no WCAG 2.1 A/AA violation with the dialog open, and without
JavaScript the same button opens the confirmation page."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from allocations.runs import services
from allocations.runs.execution import execute_run
from allocations.runs.models import AllocationRun, RunStatus
from tests.allocations.runs.builders import allocation_call, reviewed
from tests.browser.conftest import WCAG_TAGS, log_in
from tests.browser.visitor import Visitor
from tests.factories import PASSWORD, AdministratorFactory

pytestmark = pytest.mark.django_db(transaction=True)

AXE_ALL = "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"


def assert_accessible(page, context: str) -> None:
    """Every WCAG 2.1 A/AA violation fails (axe comes in as an init script, so the CSP stays in force)."""
    result = page.evaluate(AXE_ALL, WCAG_TAGS)
    problems = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}" for v in result["violations"]]
    assert not problems, f"Accessibility violations on {context}:\n" + "\n".join(problems)


@pytest.fixture
def draft_run(db):
    call = allocation_call(budget=Decimal("300000.00"))
    reviewed(call, requested=Decimal("200000.00"), total=Decimal("80"))
    reviewed(call, requested=Decimal("150000.00"), total=Decimal("70"))
    run = services.start_run(call=call, by=AdministratorFactory(full_name="Anne Beheer"))
    execute_run(run.pk)
    return run


def test_approving_asks_in_a_dialog_that_escape_closes_and_its_button_confirms(browser, live_server, draft_run):
    ben = AdministratorFactory(full_name="Ben Tweede")
    visitor = Visitor(browser, live_server.url, "Ben")
    try:
        visitor.log_in(ben.email, PASSWORD, totp_secret=ben.totp_secret)
        page = visitor.page
        run_url = f"/verdelingen/{draft_run.pk}/"
        page.goto(run_url)
        approve = page.get_by_role("button", name="Verdeling goedkeuren")

        # 1. The button opens the summary in a dialog; the page stays where it is, focus is in the dialog.
        approve.click()
        dialog = page.get_by_role("dialog", name="Verdeling 1 goedkeuren")
        expect(dialog).to_be_visible()
        assert page.url.endswith(run_url)
        heading = dialog.get_by_role("heading", name="Verdeling 1 goedkeuren")
        expect(heading).to_be_focused()
        expect(dialog.get_by_text("Alle 2 aanvragen krijgen hun besluit")).to_be_visible()
        expect(dialog.locator("dd").filter(has_text="€ 300.000,00")).to_have_count(2)  # to divide, and awarded
        expect(dialog.locator("input[name='bevestigd']")).to_have_value("ja")
        assert page.evaluate("document.querySelector('dialog').open")
        assert_accessible(page, "the approval dialog")

        # 2. Escape closes it, focus returns to the button, nothing changed.
        page.keyboard.press("Escape")
        expect(page.get_by_role("dialog")).to_have_count(0)
        expect(approve).to_be_focused()
        assert AllocationRun.objects.get(pk=draft_run.pk).status == RunStatus.DRAFT

        # 3. By keyboard again: Enter opens it; the cancel button closes it the same way.
        page.keyboard.press("Enter")
        expect(heading).to_be_focused()
        dialog.get_by_role("button", name="Annuleren, terug zonder iets te wijzigen").click()
        expect(page.get_by_role("dialog")).to_have_count(0)
        expect(approve).to_be_focused()

        # 4. Confirming in the dialog posts the confirmation: the run is approved.
        page.keyboard.press("Enter")
        expect(heading).to_be_focused()
        page.keyboard.press("Tab")  # focus stays inside the modal dialog
        assert page.evaluate("document.querySelector('dialog').contains(document.activeElement)")
        dialog.get_by_role("button", name="Ja, verdeling goedkeuren").click()
        expect(page.get_by_text("is goedgekeurd en definitief")).to_be_visible()
        assert AllocationRun.objects.get(pk=draft_run.pk).status == RunStatus.FINAL
        assert not visitor.errors, visitor.errors  # no script error, nothing the CSP blocked
    finally:
        visitor.close()


def test_without_javascript_the_button_opens_the_confirmation_page(browser, live_server, draft_run):
    ben = AdministratorFactory(full_name="Ben Tweede")
    context = browser.new_context(base_url=live_server.url, locale="nl-NL", java_script_enabled=False)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        log_in(page, ben.email, PASSWORD, totp_secret=ben.totp_secret)
        page.goto(f"/verdelingen/{draft_run.pk}/")
        page.get_by_role("button", name="Verdeling goedkeuren").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Verdeling 1 goedkeuren")
        assert f"/verdelingen/{draft_run.pk}/goedkeuren/" in page.url  # the confirmation page itself
        expect(page.get_by_role("button", name="Ja, verdeling goedkeuren")).to_be_visible()
        page.get_by_role("link", name="Annuleren, terug zonder iets te wijzigen").click()
        assert AllocationRun.objects.get(pk=draft_run.pk).status == RunStatus.DRAFT
    finally:
        context.close()


def test_sending_the_letters_asks_in_the_same_dialog(browser, live_server, django_capture_on_commit_callbacks):
    from allocations.letters.models import LetterBatch
    from tests.allocations.final_runs import letter_run
    from tests.allocations.letters.batch import on_send_day, prepare

    run = letter_run(count=1, prefix="DLG")
    with on_send_day():
        with django_capture_on_commit_callbacks(execute=True):  # the letter is made in-process
            prepare(run)
        admin = AdministratorFactory(full_name="Cas Verzender")
        visitor = Visitor(browser, live_server.url, "Cas")
        try:
            visitor.log_in(admin.email, PASSWORD, totp_secret=admin.totp_secret)
            page = visitor.page
            page.goto(f"/verdelingen/{run.pk}/brieven/")
            send = page.get_by_role("button", name="Batch als verzonden markeren")
            send.click()
            dialog = page.get_by_role("dialog")
            expect(dialog).to_be_visible()
            expect(dialog.locator("input[name='bevestigd']")).to_have_value("ja")
            assert_accessible(page, "the send dialog")
            page.keyboard.press("Escape")
            expect(send).to_be_focused()
            assert LetterBatch.objects.get(run=run).status == LetterBatch.Status.PREPARED  # Escape changed nothing
            send.click()
            dialog.locator("button[type='submit']").click()
            expect(page.get_by_text("Alle beschikkingen van deze verdeling zijn verzonden")).to_be_visible()
            assert LetterBatch.objects.get(run=run).status == LetterBatch.Status.SENT
            assert not visitor.errors, visitor.errors
        finally:
            visitor.close()
