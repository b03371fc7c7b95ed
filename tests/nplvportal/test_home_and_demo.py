"""The role-aware home page, the demo seed, the health check and Dutch presentation."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from accounts.models import IndicatorValue, User
from accounts.templatetags.portal import format_euro
from applications.models import Call
from applications.published_rules import document as published_rules
from tests.factories import ApplicationFactory, CallFactory, MembershipFactory, NetworkFactory

pytestmark = pytest.mark.django_db


def test_officer_home_lists_only_calls_open_to_their_municipality(officer_client, municipality):
    m50 = NetworkFactory(code="M50")
    nplv = NetworkFactory(code="NPLV")
    MembershipFactory(municipality=municipality, network=m50)
    open_to_m50 = CallFactory(title="Fonds voor M50")
    open_to_m50.eligible_networks.set([m50])
    open_to_nplv = CallFactory(title="Alleen NPLV")
    open_to_nplv.eligible_networks.set([nplv])
    CallFactory(title="Voor iedereen", budget=Decimal("1234567.89"))
    body = officer_client.get(reverse("home")).content.decode()
    assert "Fonds voor M50" in body
    assert "Voor iedereen" in body
    assert "Alleen NPLV" not in body
    assert "€ 1.234.567,89" in body


def test_officer_home_lists_own_applications_only(officer_client, officer, other_officer):
    mine = ApplicationFactory(municipality=officer.municipality, title="Ons plan", created_by=officer)
    ApplicationFactory(municipality=other_officer.municipality, title="Hun plan", created_by=other_officer)
    body = officer_client.get(reverse("home")).content.decode()
    assert mine.title in body
    assert "Hun plan" not in body


def test_reviewer_and_administrator_see_their_work_queues(reviewer_client, administrator_client):
    assert "Uw werkvoorraad" in reviewer_client.get(reverse("home")).content.decode()
    body = administrator_client.get(reverse("home")).content.decode()
    assert "Uw werkvoorraad" in body
    assert "Aanvraagrondes" in body


def test_language_switch_gives_english_pages(officer_client):
    response = officer_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = officer_client.get(reverse("home"))
    assert page.headers["Content-Language"] == "en"
    assert "Calls open to your municipality" in page.content.decode()


def test_pages_stay_dutch_for_an_english_browser_until_the_person_chooses(officer_client):
    page = officer_client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page.headers["Content-Language"] == "nl"


def test_health(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize(
    ("value", "dutch", "english"),
    [
        (Decimal("1234567.89"), "€ 1.234.567,89", "€ 1,234,567.89"),
        (Decimal("0.5"), "€ 0,50", "€ 0.50"),
        (Decimal("-1000"), "-€ 1.000,00", "-€ 1,000.00"),
        (Decimal("999.995"), "€ 1.000,00", "€ 1,000.00"),
    ],
)
def test_euro_format(value, dutch, english):
    with translation.override("nl"):
        assert format_euro(value) == dutch
    with translation.override("en"):
        assert format_euro(value) == english


@override_settings(DEMO=True)
def test_seed_demo_creates_accounts_calls_and_labelled_indicators_and_is_idempotent():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=io.StringIO())
    assert User.objects.count() == len(DEMO_ACCOUNTS) == 8
    assert {u.role for u in User.objects.all()} == {"officer", "reviewer", "administrator"}
    assert all(u.check_password(DEMO_PASSWORD) for u in User.objects.all())
    # Two open calls, one that opens soon, three closed ones with every review in, ready to divide
    # (allocations/runs/demo.py), one divided and sent, with its objections (allocations/objections/demo.py),
    # and four after the award, one in each phase (allocations/money/demo.py).
    assert Call.objects.count() == 11
    assert sorted(c.status for c in Call.objects.all()) == ["closed"] * 8 + ["open", "open", "upcoming"]
    assert Call.objects.filter(code__startswith="demo-", allocation_runs__status="final").count() == 4
    # Every call's rules were published before its window opened; the upcoming one was corrected once.
    for call in Call.objects.all():
        version = call.rules_versions.order_by("-number").first()
        assert version is not None and version.published_at < call.opens_at, call.code
        assert version.sha256 == published_rules.current_hash(call), call.code
    upcoming = Call.objects.get(code="leefbaarheidsfonds-2027-tranche-2")
    assert upcoming.rules_versions.count() == 2
    fund = Call.objects.get(code="leefbaarheidsfonds-2027-tranche-1")
    assert set(fund.eligible_networks.values_list("code", flat=True)) == {"M50", "NEW_TOWN"}
    assert fund.scheme.name == "Leefbaarheidsfonds middelgrote gemeenten 2027"
    spuk = Call.objects.get(code="spuk-kansrijke-wijk-2027")
    assert spuk.scheme.themes.count() == 6
    assert IndicatorValue.objects.count() == 342 * 3
    assert not IndicatorValue.objects.filter(is_demo=False).exists()
    printed = out.getvalue()
    assert DEMO_PASSWORD in printed
    for account in DEMO_ACCOUNTS:
        assert account.email in printed


@override_settings(DEMO=False)
def test_seed_demo_refuses_without_demo_mode():
    with pytest.raises(CommandError, match="DEMO=true"):
        call_command("seed_demo")
    assert not User.objects.exists()


@override_settings(DEMO=True)
def test_demo_ministry_accounts_log_in_with_the_printed_totp(client):

    call_command("seed_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo_totp", "beoordelaar1@demo.nplv.example", stdout=out)
    client.post(reverse("account_login"), {"login": "beoordelaar1@demo.nplv.example", "password": DEMO_PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": out.getvalue().strip()})
    assert response.status_code == 302
    assert "Uw werkvoorraad" in client.get(reverse("home")).content.decode()
