"""The published rules and the points preview in a real browser (issue 22): an anonymous visitor finds a call's
rules from the login page, reads them, downloads the JSON and previews a municipality's points; an officer
previews their own municipality for each call it may apply to. axe-core checks every page."""

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.importers import ensure_indicators
from accounts.models import IndicatorValue, Membership
from applications.models import AssessmentSettings, BonusRule, Criterion, NeedBand, RulesVersion
from applications.published_rules.services import record_version
from tests.browser.conftest import check_accessibility, log_in
from tests.factories import PASSWORD, CallFactory, MunicipalityFactory, NetworkFactory, OfficerFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def call():
    """A call that opens in two weeks, its rules published (and corrected once: two versions)."""
    now = timezone.now()
    m50 = NetworkFactory(code="M50", name="M50")
    call = CallFactory(
        title="Leefbaarheidsfonds 2028",
        budget=Decimal("5000000.00"),
        opens_at=now + datetime.timedelta(days=14),
        closes_at=now + datetime.timedelta(days=60),
    )
    call.eligible_networks.set([m50])
    indicators = ensure_indicators()
    AssessmentSettings.objects.create(call=call, need_reference_year=2024, min_reviewer_score=Decimal("30"))
    Criterion.objects.create(call=call, name="Effectiviteit", weight=Decimal("3"))
    Criterion.objects.create(call=call, name="Bereik", weight=Decimal("2"), order=1)
    band = NeedBand.objects.create(
        call=call, indicator=indicators["social_assistance"], threshold=Decimal("4"), points=Decimal("2")
    )
    BonusRule.objects.create(call=call, kind="network", network=m50, label="Lid van M50", points=Decimal("3"))
    BonusRule.objects.create(
        call=call,
        kind="not_funded_before",
        label="Niet eerder gefinancierd",
        points=Decimal("5"),
        min_reviewer_score=Decimal("40"),
    )
    record_version(call=call, by=None)
    NeedBand.objects.filter(pk=band.pk).update(points=Decimal("3"))
    record_version(call=call, by=None)
    return call


@pytest.fixture
def helmond(call):
    municipality = MunicipalityFactory(cbs_code="GM0794", name="Helmond", province="Noord-Brabant")
    IndicatorValue.objects.create(
        indicator=ensure_indicators()["social_assistance"], municipality=municipality, year=2024, value=6, source="CBS"
    )
    Membership.objects.create(
        municipality=municipality, network=call.eligible_networks.get(), valid_from=datetime.date(2020, 1, 1)
    )
    return municipality


def _watch(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_an_anonymous_visitor_reads_the_rules_downloads_them_and_previews_a_municipality(page, call, helmond):
    errors = _watch(page)
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Regels van de aanvraagrondes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Regels van de aanvraagrondes")
    check_accessibility(page, context="rules index")

    page.get_by_role("link", name=call.title).click()
    expect(page.get_by_role("heading", name="Versie 2")).to_be_visible()
    latest = RulesVersion.objects.get(call=call, number=2)
    expect(page.locator("[data-rules-hash]")).to_have_text(latest.sha256)
    expect(page.get_by_text("telt alleen vanaf een beoordelingsscore van 40,00")).to_be_visible()
    check_accessibility(page, context="rules page")
    with page.expect_download() as download:
        page.get_by_role("link", name="Regels downloaden als JSON (versie 2)").click()
    content = download.value.path().read_bytes()
    assert hashlib.sha256(content).hexdigest() == latest.sha256

    page.get_by_role("link", name="Versie 1", exact=True).click()
    expect(page.get_by_text("Dit is een oudere versie. De geldende regels zijn versie 2.")).to_be_visible()
    check_accessibility(page, context="older version")

    page.get_by_role("link", name="Punten van een gemeente verkennen met deze regels").click()
    check_accessibility(page, context="preview form")
    page.get_by_label("Gemeente").select_option(label="Helmond")
    page.get_by_role("button", name="Punten verkennen").click()
    expect(page.get_by_role("heading", name="Uitkomst voor Helmond")).to_be_visible()
    expect(page.get_by_text("Indicatief, geen besluit.", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Behoeftepunten: 3,00")).to_be_visible()
    # Reviewer 3..30 + 2..20 = 5..50, need 3, M50 3, not funded before 0 or 5 (from 40): 11 to 61.
    expect(page.locator("[data-preview-range]")).to_contain_text("11,00 – 61,00")
    check_accessibility(page, context="preview result")
    with page.expect_download() as download:
        page.get_by_role("link", name="Deze verkenning downloaden als JSON").click()
    assert b'"notice": "indicatief, geen besluit"' in download.value.path().read_bytes()
    assert errors == []


def test_an_officer_previews_each_call_their_municipality_may_apply_to(page, call, helmond):
    officer = OfficerFactory(municipality=helmond, email="aanvrager@helmond.nl")
    errors = _watch(page)
    log_in(page, officer.email, PASSWORD)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Puntenverkenning").click()
    expect(page.get_by_role("heading", name=call.title)).to_be_visible()
    expect(page.get_by_text("de gemeente voldoet aan de voorwaarde")).to_be_visible()
    check_accessibility(page, context="officer previews")

    page.get_by_role("link", name=f"Verkenning van {call.title} aanpassen (gebied, verwachte score)").click()
    page.get_by_label("Eerder gefinancierd uit deze regeling?").select_option(label="Nee, niet eerder gefinancierd")
    page.get_by_label("Verwachte beoordelingsscore").fill("45")
    page.get_by_role("button", name="Punten verkennen").click()
    # At 45: 45 + need 3 + M50 3 + not funded before 5 = 56.
    expect(page.get_by_text("Totaal bij beoordelingsscore 45,00")).to_be_visible()
    expect(page.locator("dd").filter(has_text="56,00")).to_be_visible()
    check_accessibility(page, context="officer preview with expected score")
    assert [e for e in errors if "404" not in e] == []
