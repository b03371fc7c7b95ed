"""Each role logs in through a real browser and lands on its own Dutch home page, accessibly."""

import pytest

from tests.browser.conftest import check_accessibility, log_in
from tests.factories import PASSWORD, AdministratorFactory, CallFactory, ReviewerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_page_is_dutch_and_accessible(page):
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_role("heading", level=1).inner_text() == "Inloggen op het NPLV-portaal"
    check_accessibility(page, context="login")


def test_skip_link_moves_focus_to_the_content(page):
    page.goto("/accounts/login/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Naar de inhoud")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")


def test_officer_logs_in_and_sees_the_calls_of_their_municipality(page, officer):
    CallFactory(title="Leefbaarheidsfonds proefronde")
    log_in(page, officer.email, PASSWORD)
    page.wait_for_url("**/")
    assert page.get_by_role("heading", level=1).inner_text() == f"Welkom, {officer.full_name}"
    assert page.get_by_role("rowheader", name="Leefbaarheidsfonds proefronde").is_visible()
    check_accessibility(page, context="officer home")


def test_wrong_password_shows_a_dutch_error_next_to_the_form(page, officer):
    log_in(page, officer.email, "helemaal-fout", expect_success=False)
    alert = page.get_by_role("alert")
    assert "niet correct" in alert.inner_text()
    check_accessibility(page, context="login with error")


@pytest.mark.parametrize(
    ("factory", "heading"), [(ReviewerFactory, "Uw werkvoorraad"), (AdministratorFactory, "Uw werkvoorraad")]
)
def test_ministry_roles_log_in_with_their_authenticator_code(page, factory, heading):
    user = factory()
    log_in(page, user.email, PASSWORD, totp_secret=user.totp_secret)
    page.wait_for_url("**/")
    assert page.get_by_role("heading", name=heading).is_visible()
    check_accessibility(page, context=f"{user.role} home")


def test_ministry_user_without_authenticator_is_led_to_set_one_up(page):
    user = ReviewerFactory(totp=False)
    log_in(page, user.email, PASSWORD)
    page.wait_for_url("**/2fa/totp/activate/")
    assert "Tweestapsverificatie is verplicht" in page.content()
    check_accessibility(page, context="2FA set-up")


def test_language_switch_to_english_and_back(page, officer):
    log_in(page, officer.email, PASSWORD)
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="Nederlands").click()
    assert page.locator("html").get_attribute("lang") == "nl"
