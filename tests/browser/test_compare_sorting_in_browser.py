"""The comparison of two runs, sorted by its headers in a real browser: plain links (no script needed), the
sorted column marked with aria-sort, and axe-core clean in the default and in a sorted order."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from allocations.runs import services
from allocations.runs.execution import execute_run
from allocations.runs.models import AllocationPolicy
from tests.allocations.runs.builders import allocation_call, reviewed
from tests.browser.conftest import check_accessibility, log_in
from tests.factories import PASSWORD, AdministratorFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_comparison_sorts_by_its_headers(page):
    call = allocation_call(budget=Decimal("300000.00"))
    reviewed(call, requested=Decimal("200000.00"), total=Decimal("80"))
    reviewed(call, requested=Decimal("150000.00"), total=Decimal("70"))
    reviewed(call, requested=Decimal("50000.00"), total=Decimal("60"))
    admin = AdministratorFactory()
    ranked = services.start_run(call=call, by=admin)
    execute_run(ranked.pk)
    AllocationPolicy.objects.create(call=call, method="pro_rata")
    pro_rata = services.start_run(call=call, by=admin)
    execute_run(pro_rata.pk)
    log_in(page, admin.email, PASSWORD, totp_secret=admin.totp_secret)

    page.goto(f"/aanvraagrondes/{call.pk}/verdeling/vergelijken/?a={ranked.pk}&b={pro_rata.pk}")
    table = page.locator("#vergelijking-gemeenten")
    expect(table.locator("th[aria-sort='other']")).to_have_text("Verschil (B − A)")
    check_accessibility(page, context="comparison, default order")

    table.get_by_role("link", name="Aanvraag").click()
    expect(table.locator("th[aria-sort='ascending']")).to_have_count(1)
    first_cells = table.locator("tbody tr th")
    expect(first_cells.nth(0)).to_contain_text("Gemeente 0")
    expect(first_cells.nth(2)).to_contain_text("Gemeente 2")
    table.get_by_role("link", name="Aanvraag").click()  # again: the other way round
    expect(table.locator("th[aria-sort='descending']")).to_have_count(1)
    expect(first_cells.nth(0)).to_contain_text("Gemeente 2")

    table.locator("thead th").nth(3).get_by_role("link", name="bedrag").click()  # B's amount, largest first
    expect(table.locator("thead th").nth(3)).to_have_attribute("aria-sort", "descending")
    expect(page.locator("caption", has_text="Gesorteerd op bedrag in B, aflopend")).to_have_count(1)
    expect(first_cells.nth(0)).to_contain_text("Gemeente 0")
    check_accessibility(page, context="comparison, sorted")
