"""One person in their own browser context for the whole-story test: every page they are shown is checked by
axe-core and photographed, and every console error or uncaught script error fails the story.

axe-core comes in as an init script (not a script tag), so the portal's Content-Security-Policy stays in force:
a script or style the policy blocks shows up as a console error, as it would for a real visitor.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pyotp
from playwright.sync_api import expect

from tests.browser.conftest import AXE, WCAG_TAGS

RESULTS = Path(__file__).resolve().parents[2] / "test-results" / "whole-story"
# axe's "impact" of a violation; the story fails on these (and the WCAG A/AA rules it runs are all of them).
BLOCKING = {"serious", "critical"}
# Only the violations: axe is much faster when it does not also collect every rule that passed.
AXE_RUN = "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"


class Visitor:
    """A person with a browser context of their own (their own cookies: a separate session)."""

    shots = 0
    seconds = 0.0  # spent checking and photographing, for the story's timing

    def __init__(self, browser, base_url: str, name: str):
        self.name = name
        self.context = browser.new_context(
            base_url=base_url, locale="nl-NL", viewport={"width": 1280, "height": 900}, accept_downloads=True
        )
        self.context.set_default_timeout(15_000)
        self.context.add_init_script(path=str(AXE))
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.visited: list[str] = []
        self.checked: set[str] = set()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"{self.name}: script error {error}"))
        self.page.on("framenavigated", self._navigated)

    def _console(self, message) -> None:
        if message.type == "error":
            self.errors.append(f"{self.name}: console error on {self.page.url}: {message.text}")

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.visited.append(frame.url)

    def check(self, step: str) -> None:
        """axe-core on the page as it is now (no serious or critical violation), and a full-page screenshot."""
        started = time.monotonic()
        self.page.wait_for_load_state("load")
        result = self.page.evaluate(AXE_RUN, WCAG_TAGS)
        problems = [
            f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:5]}"
            for v in result["violations"]
            if v["impact"] in BLOCKING
        ]
        assert not problems, f"{self.name}, {step} ({self.page.url}):\n" + "\n".join(problems)
        self.checked.add(self.page.url)
        Visitor.shots += 1
        RESULTS.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", f"{self.name} {step}".lower()).strip("-")
        self.page.screenshot(path=str(RESULTS / f"{Visitor.shots:02d}-{slug}.png"), full_page=True)
        Visitor.seconds += time.monotonic() - started

    def log_in(self, email: str, password: str, *, totp_secret: str | None = None) -> None:
        page = self.page
        page.goto("/accounts/login/")
        self.check("login")
        page.get_by_label("E-mailadres").fill(email)
        page.get_by_label("Wachtwoord").fill(password)
        page.get_by_role("button", name="Inloggen").click()
        if totp_secret:
            page.wait_for_url("**/2fa/authenticate/")
            self.check("authenticator code")
            totp = pyotp.TOTP(totp_secret)
            if totp.interval - time.time() % totp.interval < 2:
                time.sleep(2)  # don't type a code that expires on the way
            page.get_by_label("Code").fill(totp.now())
            page.locator("main").get_by_role("button", name="Inloggen").click()
        page.wait_for_url(lambda url: "/accounts/" not in url and "/2fa/" not in url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        self.check("home")

    def nav(self, name: str) -> None:
        self.page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name=name, exact=True).click()

    def unchecked(self) -> list[str]:
        return [url for url in self.visited if url not in self.checked and url != "about:blank"]

    def close(self) -> None:
        self.context.close()
