"""An administrator reads the call overview and the portfolio in a real browser: charts drawn, no console
errors, no axe-core violations (WCAG 2.1 AA)."""

import pytest
from playwright.sync_api import expect

from tests.allocations.final_runs import export_run
from tests.browser.conftest import check_accessibility, log_in
from tests.factories import PASSWORD, AdministratorFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_administrator_reads_overview_and_portfolio(page):
    run = export_run(lines=6)
    admin = AdministratorFactory(email="beheer@minvro.nl")
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, admin.email, PASSWORD, totp_secret=admin.totp_secret)

    page.get_by_role("link", name="Overzichten").click()
    check_accessibility(page, context="overview index")
    page.get_by_role("link", name=run.call.title).click()
    expect(page.locator("svg.nplv-chart__svg")).to_have_count(4)
    expect(page.locator("svg#punten-bedrag circle.nplv-chart__point")).to_have_count(6)
    assert smallest_chart_text(page) >= 12
    check_accessibility(page, context="call overview")

    page.get_by_role("link", name="Alle overzichten").click()
    page.get_by_role("link", name="de portefeuille per gemeente").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Portefeuille per gemeente")
    expect(page.locator("svg#per-netwerk-per-jaar")).to_be_visible()
    assert smallest_chart_text(page) >= 12
    check_accessibility(page, context="portfolio")

    page.goto(f"/beheer/verdelingen/{run.pk}/exports/")
    check_accessibility(page, context="run exports")
    assert [e for e in errors if "404" not in e] == []


def smallest_chart_text(page) -> float:
    """The smallest chart text as drawn on screen, in CSS pixels: its font size times the SVG's scale (the
    length of the transformed unit vector, so that the rotated axis title counts too)."""
    return page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('svg.nplv-chart__svg text')].map((t) => {
            const m = t.getScreenCTM();
            return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
        }))"""
    )
