"""Two administrators divide a call's budget in a real browser: the policy (frozen with the published rules),
a run with live progress, a second run to compare, and the four-eyes approval. Every page type is checked by
axe-core (WCAG 2.1 AA)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from allocations.runs.models import AllocationRun, Decision, RunStatus
from tests.allocations.runs.builders import allocation_call, reviewed
from tests.browser.conftest import check_accessibility, log_in
from tests.factories import PASSWORD, AdministratorFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_administrators_allocate_compare_and_approve(page, browser, live_server):
    call = allocation_call(budget=Decimal("400000.00"), policy={"method": "ranked", "seed": 3})
    for requested, total in (("150000", "80"), ("200000", "70"), ("120000", "60")):
        reviewed(call, requested=Decimal(requested), total=Decimal(total), networks=("M50",))
    anne = AdministratorFactory(full_name="Anne Beheer")
    ben = AdministratorFactory(full_name="Ben Tweede")

    log_in(page, anne.email, PASSWORD, totp_secret=anne.totp_secret)
    page.goto(f"/aanvraagrondes/{call.pk}/verdeling/")
    expect(page.get_by_text("valt in de eerste pot (op volgorde) die hem neemt")).to_be_visible()
    check_accessibility(page, context="allocation page")

    # The policy was published with the call's rules before it opened; since then it can only be read.
    page.get_by_role("link", name="Verdeelbeleid bekijken").click()
    expect(page.get_by_text("het kan alleen nog worden bekeken")).to_be_visible()
    expect(page.get_by_role("button", name="Verdeelbeleid opslaan")).to_have_count(0)
    check_accessibility(page, context="policy form, frozen")
    page.get_by_role("link", name="Gepubliceerde regels").click()
    expect(page.get_by_text("Deze regels liggen vast sinds de aanvraagtermijn opende")).to_be_visible()
    page.goto(f"/aanvraagrondes/{call.pk}/verdeling/")

    page.get_by_role("button", name="Verdeling berekenen").click()
    expect(page.get_by_text("hier raakte het geld op")).to_be_visible()
    check_accessibility(page, context="run page")
    expect(page.get_by_role("link", name="gepubliceerde regels, versie 2")).to_be_visible()
    page.get_by_role("button", name="Controleren").click()
    expect(page.get_by_text("elke regel is gelijk")).to_be_visible()
    expect(page.get_by_text("De verdeling paste de gepubliceerde regels toe (versie 2).")).to_be_visible()

    page.goto(f"/aanvraagrondes/{call.pk}/verdeling/")
    page.get_by_role("button", name="Verdeling berekenen").click()
    page.goto(f"/aanvraagrondes/{call.pk}/verdeling/")
    page.get_by_role("button", name="Vergelijken").click()
    # The same policy twice: the comparison says so in one sentence, not with a table of zeros.
    expect(page.get_by_text("De verdelingen zijn gelijk")).to_be_visible()
    check_accessibility(page, context="compare page")

    first = AllocationRun.objects.get(call=call, number=1)
    page.goto(f"/verdelingen/{first.pk}/")
    expect(page.get_by_role("button", name="Verdeling goedkeuren")).to_have_count(0)

    context = browser.new_context(base_url=live_server.url, locale="nl-NL", bypass_csp=True)
    other = context.new_page()
    log_in(other, ben.email, PASSWORD, totp_secret=ben.totp_secret)
    other.goto(f"/verdelingen/{first.pk}/")
    other.get_by_role("button", name="Verdeling goedkeuren").click()
    other.get_by_role("button", name="Ja, verdeling goedkeuren").click()  # after its summary
    expect(other.get_by_text("is goedgekeurd en definitief")).to_be_visible()
    context.close()
    assert AllocationRun.objects.get(pk=first.pk).status == RunStatus.FINAL
    assert Decision.objects.filter(run=first).count() == 3
