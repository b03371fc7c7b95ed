"""The budget in a real browser: live totals on the budget step as the officer types, and budget tables
that stay readable at 390 px wide (a focusable, labelled scroll container), checked with axe-core."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, log_in
from tests.factories import PASSWORD, ApplicationFactory, CallFactory, ThemeFactory, complete_application

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_budget_step_totals_follow_the_typing(page, officer):
    call = CallFactory(year_from=2027, year_to=2029)
    school = ThemeFactory(scheme=call.scheme, name="School en omgeving", order=1)
    youth = ThemeFactory(scheme=call.scheme, name="Ontwikkeling jonge kind", order=2)
    draft = ApplicationFactory(call=call, municipality=officer.municipality, created_by=officer)
    log_in(page, officer.email, PASSWORD)
    page.goto(f"/aanvragen/{draft.pk}/stap/begroting/")
    page.get_by_label("Aangevraagd bedrag").fill("250.000,50")
    page.locator(f"#id_regel_{school.pk}_2027").fill("100.000")
    page.locator(f"#id_regel_{school.pk}_2028").fill("50000,25")
    page.locator(f"#id_regel_{youth.pk}_2027").fill("25000")
    expect(page.locator("[data-row-total='0']")).to_have_text("€ 150.000,25")
    expect(page.locator("[data-row-total='1']")).to_have_text("€ 25.000,00")
    expect(page.locator("[data-col-total='0']")).to_have_text("€ 125.000,00")
    expect(page.locator("[data-grand-total]")).to_have_text("€ 175.000,25")
    expect(page.locator("[data-remaining]")).to_have_text("€ 75.000,25")
    check_accessibility(page, context="budget step with live totals")


def test_budget_tables_scroll_instead_of_clipping_at_390_px(browser, live_server, officer):
    application = complete_application(municipality=officer.municipality, created_by=officer)
    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", bypass_csp=True, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    try:
        log_in(page, officer.email, PASSWORD)
        for url in (f"/aanvragen/{application.pk}/", f"/aanvragen/{application.pk}/stap/begroting/"):
            page.goto(url)
            region = page.get_by_role("region", name="Begroting per bestedingsdoel en jaar")
            expect(region).to_have_attribute("tabindex", "0")
            # The page itself does not overflow; the table scrolls inside its container.
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            region.focus()
            page.keyboard.press("End")
            last = region.locator("tfoot td").last
            last.scroll_into_view_if_needed()
            assert last.is_visible()
            box, frame = last.bounding_box(), region.bounding_box()
            assert box["x"] + box["width"] <= frame["x"] + frame["width"] + 1
            check_accessibility(page, context=f"{url} at 390 px")
    finally:
        context.close()
