"""The money pages for a policy officer, in a real browser with axe-core on every state: a failed policy save
opens on its error summary with focus on it, "7,5" stays 7,5 %, and approving a run goes through its summary."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from allocations.runs import services
from allocations.runs.execution import execute_run
from allocations.runs.models import AllocationPolicy, AllocationRun, RunStatus
from tests.allocations.runs.builders import allocation_call, reviewed
from tests.browser.conftest import check_accessibility, log_in
from tests.factories import PASSWORD, AdministratorFactory, UpcomingCallFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_errors_in_sight_a_percentage_read_right_and_approval_after_its_summary(page):
    upcoming = UpcomingCallFactory(budget=Decimal("400000.00"))
    call = allocation_call(budget=Decimal("300000.00"))
    reviewed(call, requested=Decimal("200000.00"), total=Decimal("80"))
    reviewed(call, requested=Decimal("150000.00"), total=Decimal("70"))
    starter = AdministratorFactory(full_name="Anne Beheer")
    run = services.start_run(call=call, by=starter)
    execute_run(run.pk)
    ben = AdministratorFactory(full_name="Ben Tweede")
    log_in(page, ben.email, PASSWORD, totp_secret=ben.totp_secret)

    # 1. A failed save: the page opens on the summary, focus on it, "Fout: " in the title, the fields marked.
    page.goto(f"/aanvraagrondes/{upcoming.pk}/verdeling/beleid/")
    page.get_by_label("Maximum per aanvraag (% van het plafond)").fill("7,5")
    page.get_by_label("Reserve (voor bezwaren)").fill("veel")
    page.get_by_role("button", name="Verdeelbeleid opslaan").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Er is 1 fout; er is niets opgeslagen.")
    assert page.title().startswith("Fout: Verdeelbeleid")
    reserve = page.get_by_label("Reserve (voor bezwaren)")
    expect(reserve).to_have_attribute("aria-invalid", "true")
    check_accessibility(page, context="policy form with an error summary")
    summary.get_by_role("link", name="Reserve (voor bezwaren)").click()
    expect(reserve).to_be_focused()
    assert not AllocationPolicy.objects.filter(call=upcoming).exists()

    # 2. Corrected, it saves; "7,5" was read as 7,5 % and shows so.
    reserve.fill("10.000")
    page.get_by_role("button", name="Verdeelbeleid opslaan").click()
    expect(page.get_by_text("Het verdeelbeleid is opgeslagen.")).to_be_visible()
    expect(page.get_by_text("7,50% van het plafond")).to_be_visible()
    assert AllocationPolicy.objects.get(call=upcoming).cap_pct == Decimal("7.50")
    page.goto(f"/aanvraagrondes/{upcoming.pk}/verdeling/beleid/")
    expect(page.get_by_label("Maximum per aanvraag (% van het plafond)")).to_have_value("7,5")
    assert not page.title().startswith("Fout")

    # 3. Approving: the button opens the summary of what becomes final; only its button approves.
    page.goto(f"/verdelingen/{run.pk}/")
    page.get_by_role("button", name="Verdeling goedkeuren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verdeling 1 goedkeuren")
    expect(page.get_by_text("Alle 2 aanvragen krijgen hun besluit")).to_be_visible()
    expect(page.locator("dd").filter(has_text="€ 300.000,00")).to_have_count(2)  # to divide, and awarded
    check_accessibility(page, context="approval summary")
    assert AllocationRun.objects.get(pk=run.pk).status == RunStatus.DRAFT
    page.get_by_role("button", name="Ja, verdeling goedkeuren").click()
    expect(page.get_by_text("is goedgekeurd en definitief")).to_be_visible()
    assert AllocationRun.objects.get(pk=run.pk).status == RunStatus.FINAL
    # Now final: no new computation is offered, and the page says why.
    page.goto(f"/aanvraagrondes/{call.pk}/verdeling/")
    expect(page.get_by_role("button", name="Verdeling berekenen")).to_have_count(0)
    expect(page.get_by_text("Verdeling berekenen kan nu niet.")).to_be_visible()
    check_accessibility(page, context="allocation page of a final call")


def test_reservations_add_up_as_typed_and_the_letter_editor_reads_well(page):
    from accounts.models import Municipality
    from tests.allocations.final_runs import letter_run

    call = UpcomingCallFactory(budget=Decimal("3000000.00"))
    for n in range(3):
        Municipality.objects.create(
            cbs_code=f"GM97{n:02d}", name=f"Wijkstad {n}", province="Utrecht", inhabitants=40_000, inhabitants_year=2024
        )
    ben = AdministratorFactory(full_name="Ben Tweede")
    run = letter_run(count=2, by=ben, prefix="B")
    log_in(page, ben.email, PASSWORD, totp_secret=ben.totp_secret)

    # The reservations table: a municipality from the one list, the sum as typed, and the warning.
    page.goto(f"/aanvraagrondes/{call.pk}/verdeling/beleid/")
    page.get_by_label("Gemeente, reservering 1").fill("Wijkstad 1 (GM9701)")
    page.get_by_label("Gereserveerd bedrag, reservering 1").fill("1.000.000")
    live = page.locator("[data-reservation-live]")
    expect(live).to_contain_text("samen € 1.000.000,00 (regels: 1), tegen een te verdelen bedrag van € 3.000.000,00")
    expect(live).to_contain_text("€ 2.000.000,00 kan nooit worden besteed.")
    check_accessibility(page, context="policy form with a reservation being typed")
    page.get_by_role("button", name="Verdeelbeleid opslaan").click()
    expect(page.get_by_text("€ 2.000.000,00 kan nooit worden besteed:")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Wijkstad 1 (GM9701)")).to_be_visible()  # the summary's table
    check_accessibility(page, context="allocation page with reservations")

    # The letter editor: where each text appears, and the preview chosen by municipality and kind.
    page.goto(f"/aanvraagrondes/{run.call_id}/brieftekst/")
    expect(page.get_by_text("Onder ‘Aanleiding’, na de zin over de aanvraag; in elke brief.")).to_be_visible()
    expect(page.get_by_label("Voorbeeld voor besluit")).to_contain_text("Toegekend")
    expect(page.get_by_text("de standaardteksten van het portaal")).to_be_visible()
    check_accessibility(page, context="letter-text editor")
