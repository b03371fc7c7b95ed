"""The context page in a real browser: every chart is drawn, no console errors, no axe violations."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, log_in
from tests.factories import PASSWORD, MunicipalityFactory, OfficerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_reads_the_context_charts(page):
    municipality = MunicipalityFactory(cbs_code="GM0794", name="Helmond", province="Noord-Brabant")
    officer = OfficerFactory(municipality=municipality, email="officer@helmond.nl")
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, officer.email, PASSWORD)
    page.get_by_role("link", name="Context").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Context: de NPLV-gebieden in cijfers")
    charts = page.get_by_role("img")
    expect(charts).to_have_count(18)
    first = page.locator("svg.nplv-chart__svg").first
    box = first.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 100
    expect(page.locator("table.nplv-chart__table")).to_have_count(18)
    check_accessibility(page, context="context page")
    # The browser asks for /favicon.ico on its own; the portal has none, and that is not a page error.
    assert [e for e in errors if "404" not in e] == []
