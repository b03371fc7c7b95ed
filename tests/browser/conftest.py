"""Real-browser tests: Playwright driving the system Chromium against the live test server, with axe-core
for accessibility (WCAG 2.1 A and AA rules)."""

import os
import shutil
import time
from pathlib import Path

import pyotp
import pytest

# Playwright's sync API runs an event loop in this thread; the Django ORM calls the tests make between
# browser steps are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", shutil.which("chromium") or "/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium is required for browser tests but was not found at {CHROMIUM}")
        pytest.skip("Chromium not installed (apt-get install chromium); make installs it as root")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # axe is injected as a script; the portal's CSP (rightly) forbids that, so the test context bypasses it.
    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def check_accessibility(page, *, context: str = "") -> None:
    """Run axe-core on the current page; any WCAG 2.1 A/AA violation fails the test with its details."""
    if not AXE.exists():
        pytest.fail("node_modules/axe-core is missing; run make install")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"]
    ]
    assert not problems, f"Accessibility violations on {context or page.url}:\n" + "\n".join(problems)


def log_in(page, email: str, password: str, *, totp_secret: str | None = None, expect_success: bool = True) -> None:
    """Log in through the real form (and the authenticator step); waits until the portal page is shown."""
    page.goto("/accounts/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    if totp_secret:
        page.wait_for_url("**/2fa/authenticate/")
        totp = pyotp.TOTP(totp_secret)
        if totp.interval - time.time() % totp.interval < 2:
            time.sleep(2)  # don't type a code that expires on the way
        page.get_by_label("Code").fill(totp.now())
        page.locator("main").get_by_role("button", name="Inloggen").click()
        page.wait_for_url(lambda url: "/2fa/" not in url)
    elif expect_success:
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
