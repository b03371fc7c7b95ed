"""The error pages in a real browser: Dutch, in the portal's layout, and accessible (axe-core)."""

import pytest
from django.template import loader

from tests.browser.conftest import check_accessibility, log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_error_pages_are_dutch_and_accessible(page, officer):
    log_in(page, officer.email, PASSWORD)
    response = page.goto("/bestaat-niet/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Pagina niet gevonden"
    check_accessibility(page, context="404")

    response = page.goto("/admin/")
    assert response.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "Geen toegang"
    check_accessibility(page, context="403 for the admin")

    response = page.goto("/aanvragen/?status=%00")
    assert response.status == 400
    check_accessibility(page, context="400")

    # The 500 page is rendered without a request; shown on the portal's address so its styles load.
    page.set_content(loader.get_template("500.html").render())
    assert page.get_by_role("heading", level=1).inner_text() == "Er ging iets mis"
    check_accessibility(page, context="500")


def test_the_browser_finds_the_icon(page):
    page.goto("/accounts/login/")
    assert page.locator("link[rel=icon]").get_attribute("href") == "/static/favicon.svg"
    assert page.request.get("/favicon.ico").ok
