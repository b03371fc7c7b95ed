"""Published rules (issue 22, DESIGN.md §7c): one canonical JSON document per call with its SHA-256, versioned
while the window has not opened, frozen from the opening (Awb 4:27), public without a login, and leaking
nothing that is not in the rules."""

import datetime
import hashlib
import json
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.importers import ensure_indicators
from accounts.models import AuditEvent, IndicatorValue, Membership
from allocations.runs.models import AllocationPolicy
from allocations.runs.policies import PotInput
from applications.assessment import config
from applications.assessment import services as assessment
from applications.models import AssessmentSettings, BonusRule, Call, Criterion, NeedBand, RulesVersion
from applications.published_rules import document
from applications.published_rules.services import record_version
from tests.allocations.runs.builders import before_opening, set_policy
from tests.factories import (
    CallFactory,
    MunicipalityFactory,
    NetworkFactory,
    OfficerFactory,
    ReviewerFactory,
    submitted_application,
)

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _configure(call: Call, *, m50=None) -> None:
    indicators = ensure_indicators()
    AssessmentSettings.objects.create(call=call, need_reference_year=2024, min_reviewer_score=Decimal("30"))
    Criterion.objects.create(call=call, name="Effectiviteit", weight=Decimal("3"), guidance="Kijk naar bewijs.")
    Criterion.objects.create(call=call, name="Bereik", weight=Decimal("2"), scale_max=5, order=1)
    NeedBand.objects.create(call=call, indicator=indicators["social_assistance"], threshold=Decimal("4"), points=2)
    NeedBand.objects.create(call=call, indicator=indicators["social_assistance"], threshold=Decimal("8"), points=4)
    BonusRule.objects.create(
        call=call, kind="network", network=m50 or NetworkFactory(code="M50"), label="M50", points=3
    )
    BonusRule.objects.create(
        call=call, kind="not_funded_before", label="Nieuw", points=5, min_reviewer_score=Decimal("40")
    )


@pytest.fixture
def upcoming():
    now = timezone.now()
    call = CallFactory(budget=Decimal("2000000.00"), opens_at=now + 10 * DAY, closes_at=now + 40 * DAY)
    _configure(call)
    record_version(call=call, by=None)
    return call


@pytest.fixture
def opened():
    """A call that opened yesterday, its rules published the day before."""
    now = timezone.now()
    call = CallFactory(budget=Decimal("2000000.00"), opens_at=now - DAY, closes_at=now + 30 * DAY)
    before_opening(call, _configure)
    return call


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- The document -----------------------------------------------------------------------------------------


def test_the_rules_json_is_byte_identical_for_the_same_configuration(upcoming, administrator):
    first = document.canonical(document.build(upcoming))
    assert document.canonical(document.build(Call.objects.get(pk=upcoming.pk))) == first
    # Saving the same values again through every service publishes nothing new.
    config.save(
        row=Criterion.objects.get(call=upcoming, name="Bereik"), values={"weight": Decimal("2")}, by=administrator
    )
    set_policy(upcoming, by=administrator, method="ranked")
    assert document.canonical(document.build(upcoming)) == first
    version = RulesVersion.objects.get(call=upcoming)
    assert version.content == first and version.sha256 == hashlib.sha256(first).hexdigest()
    # The same configuration on another call differs only in the call's id.
    twin = CallFactory(budget=upcoming.budget, opens_at=upcoming.opens_at, closes_at=upcoming.closes_at)
    _configure(twin, m50=NetworkFactory(code="M50"))
    other = document.build(twin)
    assert other.pop("call") == twin.pk
    mine = document.build(upcoming)
    assert mine.pop("call") == upcoming.pk and other == mine


def test_the_document_holds_every_rule_of_the_issue(upcoming, administrator):
    set_policy(
        upcoming,
        by=administrator,
        method="ranked",
        reserve=Decimal("100000"),
        cap_pct=Decimal("10"),
        seed=4,
        pots=[
            PotInput("M50", Decimal("500000"), NetworkFactory(code="M50"), "algemeen"),
            PotInput("algemeen", Decimal("1400000")),
        ],
    )
    rules = json.loads(RulesVersion.objects.filter(call=upcoming).order_by("-number").first().document)
    assert rules["ceiling"] == 200_000_000
    assert rules["division"]["reserve"] == 10_000_000 and rules["division"]["to_divide"] == 190_000_000
    assert rules["division"]["method"] == "ranked" and rules["division"]["cap"] == {
        "amount": None,
        "pct_of_ceiling": "10.00",
    }
    assert rules["division"]["tie_break"] == {"rule": "need_score", "seed": 4}
    assert [p["name"] for p in rules["division"]["pots"]] == ["M50", "algemeen"]
    assert rules["minimums"] == {"reviewer_score": "30.00", "total_points": None}
    assert rules["criteria"][0] == {"name": "Effectiviteit", "scale": [1, 10], "weight": "3.00", "required": True}
    assert rules["need"] == {
        "reference_year": 2024,
        "bands": [
            {"indicator": "social_assistance", "from": "4.000", "points": "2.00"},
            {"indicator": "social_assistance", "from": "8.000", "points": "4.00"},
        ],
    }
    assert rules["bonus_rules"][1] == {
        "kind": "not_funded_before",
        "network": None,
        "label": "Nieuw",
        "points": "5.00",
        "min_reviewer_score": "40.00",
    }
    assert "Kijk naar bewijs" not in json.dumps(rules)  # the reviewers' guidance is no rule


# --- Versions before opening, frozen after -----------------------------------------------------------------


def test_a_correction_before_opening_is_a_new_version_shown_in_the_history(upcoming, administrator, client):
    band = NeedBand.objects.filter(call=upcoming).order_by("threshold").first()
    config.save(row=band, values={"threshold": Decimal("5")}, by=administrator)
    versions = list(RulesVersion.objects.filter(call=upcoming).order_by("number"))
    assert [v.number for v in versions] == [1, 2] and versions[0].sha256 != versions[1].sha256
    assert AuditEvent.objects.filter(verb="call_rules.published", data__version=2).exists()
    page = client.get(f"/regels/{upcoming.pk}/").content.decode()
    assert "Versie 2" in page and "Versie 1" in page and versions[1].sha256 in page
    old = client.get(f"/regels/{upcoming.pk}/versie/1/").content.decode()
    assert "Dit is een oudere versie. De geldende regels zijn versie 2." in old and versions[0].sha256 in old
    download = client.get(f"/regels/{upcoming.pk}/versie/1/regels.json")
    assert download.content == versions[0].content
    assert hashlib.sha256(download.content).hexdigest() == versions[0].sha256
    assert f"regels-{upcoming.code}-v1.json" in download["Content-Disposition"]


def _state(call: Call) -> tuple:
    return (
        document.canonical(document.build(call)),
        list(RulesVersion.objects.filter(call=call).values_list("number", "sha256")),
        AuditEvent.objects.count(),
        Call.objects.get(pk=call.pk).budget,
        Call.objects.get(pk=call.pk).opens_at,
        list(Criterion.objects.filter(call=call).values_list("name", "weight", "guidance")),
        list(NeedBand.objects.filter(call=call).values_list("threshold", "points")),
        list(BonusRule.objects.filter(call=call).values_list("label", "points")),
        list(AssessmentSettings.objects.filter(call=call).values_list("min_reviewer_score", "min_total_points")),
        AllocationPolicy.objects.filter(call=call).count(),
    )


def test_every_change_to_the_rules_after_opening_is_a_409_citing_4_27_and_changes_nothing(opened, administrator):
    api = _api(administrator)
    base = f"/api/v1/calls/{opened.pk}"
    criterion = Criterion.objects.get(call=opened, name="Bereik")
    band = NeedBand.objects.filter(call=opened).first()
    rule = BonusRule.objects.filter(call=opened).first()
    ensure_indicators()
    attempts = [
        ("patch", f"{base}/", {"budget": "3000000.00"}),
        ("patch", f"{base}/", {"opens_at": (opened.opens_at + 5 * DAY).isoformat()}),
        ("put", f"{base}/assessment/", {"min_reviewer_score": "10.00"}),
        ("put", f"{base}/assessment/", {"need_reference_year": 2023}),
        ("post", f"{base}/criteria/", {"name": "Nieuw", "weight": "1.00"}),
        ("patch", f"{base}/criteria/{criterion.pk}/", {"weight": "4.00"}),
        ("delete", f"{base}/criteria/{criterion.pk}/", None),
        ("post", f"{base}/need-bands/", {"indicator": "social_assistance", "threshold": "12", "points": "6"}),
        ("patch", f"{base}/need-bands/{band.pk}/", {"points": "9.00"}),
        ("delete", f"{base}/need-bands/{band.pk}/", None),
        ("post", f"{base}/bonus-rules/", {"kind": "not_funded_before", "label": "Ook", "points": "1"}),
        ("patch", f"{base}/bonus-rules/{rule.pk}/", {"points": "8.00"}),
        ("delete", f"{base}/bonus-rules/{rule.pk}/", None),
        ("put", f"{base}/allocation-policy/", {"method": "pro_rata"}),
    ]
    before = _state(opened)
    for method, url, body in attempts:
        response = getattr(api, method)(url, body, format="json") if body is not None else getattr(api, method)(url)
        assert response.status_code == 409, (method, url, response.status_code, response.content)
        assert "artikel 4:27 van de Algemene wet bestuursrecht" in response.json()["detail"], url
        assert _state(opened) == before, (method, url)


def test_after_opening_what_is_no_rule_may_still_change(opened, administrator):
    api = _api(administrator)
    criterion = Criterion.objects.get(call=opened, name="Effectiviteit")
    response = api.patch(
        f"/api/v1/calls/{opened.pk}/criteria/{criterion.pk}/", {"guidance": "Let op de bewijzen."}, format="json"
    )
    assert response.status_code == 200, response.content
    response = api.patch(
        f"/api/v1/calls/{opened.pk}/", {"closes_at": (opened.closes_at + 7 * DAY).isoformat()}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (
        api.put(f"/api/v1/calls/{opened.pk}/assessment/", {"reviewers_per_application": 3}, format="json").status_code
        == 200
    )
    assert RulesVersion.objects.filter(call=opened).count() == 1


def test_the_policy_page_refuses_a_change_after_opening_with_the_article(opened, administrator_client):
    url = f"/aanvraagrondes/{opened.pk}/verdeling/beleid/"
    response = administrator_client.post(
        url,
        {
            "method": "pro_rata",
            "unit": "1",
            "tiebreak": "need_score",
            "seed": "0",
            "reserve": "0",
            "partial_last": "on",
            "pot-TOTAL_FORMS": "0",
            "pot-INITIAL_FORMS": "0",
            "reservering-TOTAL_FORMS": "0",
            "reservering-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 409
    assert "artikel 4:27 van de Algemene wet bestuursrecht" in response.content.decode()
    assert not AllocationPolicy.objects.filter(call=opened).exists()


def test_the_admin_shows_the_rules_of_an_opened_call_read_only(opened, administrator_client):
    page = administrator_client.get(f"/admin/applications/call/{opened.pk}/change/").content.decode()
    assert 'name="budget"' not in page and 'name="criteria-0-weight"' not in page
    assert "4:27" in page


# --- Public, and nothing but the rules ----------------------------------------------------------------------


def test_the_public_pages_and_endpoints_need_no_login_and_leak_nothing_beyond_the_rules(opened, administrator):
    """Applications, reviews, reviewers and people are in the database; nothing of them reaches the public."""
    officer = OfficerFactory(full_name="Olga Geheim-Aanvrager", email="olga.geheim@gemeente.example")
    application = submitted_application(officer, call=opened)
    application.title = "Zeer-geheim-wijkplan-4711"
    application.save(update_fields=["title"])
    reviewer = ReviewerFactory(full_name="Rob Verborgen-Beoordelaar", email="rob.verborgen@ministerie.example")
    assignment = assessment.assign_reviewer(application=application, reviewer=reviewer, by=administrator)
    criteria = {c.pk: {"score": 4, "motivation": "Vertrouwelijke-motivering-0815"} for c in opened.criteria.all()}
    assessment.save_review(assignment=assignment, by=reviewer, scores=criteria, overall_comment="Geheim-oordeel-42")
    IndicatorValue.objects.create(
        indicator=ensure_indicators()["social_assistance"], municipality=officer.municipality, year=2024, value=9
    )
    secrets = [
        officer.full_name,
        officer.email,
        reviewer.full_name,
        reviewer.email,
        administrator.email,
        application.title,
        application.reference,
        "Vertrouwelijke-motivering-0815",
        "Geheim-oordeel-42",
        "Kijk naar bewijs",  # the reviewers' guidance
    ]
    anonymous = APIClient()
    code = officer.municipality.cbs_code
    urls = [
        "/regels/",
        f"/regels/{opened.pk}/",
        f"/regels/{opened.pk}/versie/1/",
        f"/regels/{opened.pk}/versie/1/regels.json",
        f"/regels/{opened.pk}/puntenverkenning/?gemeente={code}",
        f"/regels/{opened.pk}/puntenverkenning.json?gemeente={code}",
        f"/api/v1/calls/{opened.pk}/rules/",
        f"/api/v1/calls/{opened.pk}/points-preview/?municipality={code}",
    ]
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = response.content.decode()
        for secret in secrets:
            assert secret not in body, (url, secret)
    preview = anonymous.get(f"/api/v1/calls/{opened.pk}/points-preview/?municipality={code}").json()
    assert preview["notice"] == "indicatief, geen besluit"
    assert preview["need"]["score"] == "4.00"  # 9 on social assistance reaches the band from 8: 4 points


def test_an_unpublished_call_has_no_public_rules(opened):
    Call.objects.filter(pk=opened.pk).update(is_published=False)
    anonymous = APIClient()
    for url in (
        f"/regels/{opened.pk}/",
        f"/regels/{opened.pk}/versie/1/regels.json",
        f"/regels/{opened.pk}/puntenverkenning/",
        f"/api/v1/calls/{opened.pk}/rules/",
        f"/api/v1/calls/{opened.pk}/points-preview/?municipality=GM0363",
    ):
        assert anonymous.get(url).status_code == 404, url
    assert opened.title not in anonymous.get("/regels/").content.decode()


def test_the_rules_api_gives_the_document_its_hash_and_the_versions(opened):
    data = APIClient().get(f"/api/v1/calls/{opened.pk}/rules/").json()
    version = RulesVersion.objects.get(call=opened)
    assert data["frozen"] is True and data["version"] == 1 and data["sha256"] == version.sha256
    assert document.canonical(data["document"]) == version.content
    assert [v["version"] for v in data["versions"]] == [1]
    assert APIClient().get(f"/api/v1/calls/{opened.pk}/rules/?version=2").status_code == 404
    assert APIClient().get(f"/api/v1/calls/{opened.pk}/rules/?version=x").status_code == 400


# --- The preview ---------------------------------------------------------------------------------------------


def test_the_preview_shows_need_per_indicator_bonus_per_rule_the_minimum_and_the_open_range(opened, client):
    municipality = MunicipalityFactory(name="Verkengemeente")
    IndicatorValue.objects.create(
        indicator=ensure_indicators()["social_assistance"], municipality=municipality, year=2024, value=5, source="CBS"
    )
    Membership.objects.create(
        municipality=municipality, network=NetworkFactory(code="M50"), valid_from=datetime.date(2020, 1, 1)
    )
    page = client.get(f"/regels/{opened.pk}/puntenverkenning/?gemeente={municipality.cbs_code}&score=45")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Indicatief, geen besluit." in text
    assert "Behoeftepunten: 2,00" in text and "vanaf 4%" in text and "bron: CBS" in text
    assert "Telt alleen vanaf een beoordelingsscore van 40,00." in text
    assert "hangt af van eerdere financiering binnen de regeling" in text
    assert "beoordelingsscore ten minste 30,00" in text
    # Reviewer 3..30 + 2..10 = 5..40; need 2; bonus 3 (M50) and, unknown, 0 or 5 only from 40: 10 to 50.
    assert "10,00 – 50,00" in text
    # At an expected reviewer score of 45: 45 + 2 + 3 (+ 5 when not funded before) = 50 to 55.
    assert "50,00 – 55,00" in text
    answer = client.get(
        f"/regels/{opened.pk}/puntenverkenning.json?gemeente={municipality.cbs_code}&eerder_gefinancierd=nee&score=45"
    )
    data = answer.json()
    assert data["total"] == {"low": "10.00", "high": "50.00", "at_expected_score": ["55.00", "55.00"]}
    assert data["need"]["indicators"][0]["band_from"] == "4.000" and data["need"]["indicators"][0]["year"] == 2024
    assert "attachment" in answer["Content-Disposition"]


def test_an_officer_sees_the_preview_of_each_call_their_municipality_may_apply_to(officer, officer_client):
    now = timezone.now()
    m50 = NetworkFactory(code="M50")
    Membership.objects.create(municipality=officer.municipality, network=m50, valid_from=datetime.date(2020, 1, 1))
    soon = CallFactory(title="Binnenkort-ronde", opens_at=now + 5 * DAY, closes_at=now + 30 * DAY)
    soon.eligible_networks.set([m50])
    closed = CallFactory(title="Gesloten-ronde", opens_at=now - 30 * DAY, closes_at=now - DAY)
    elsewhere = CallFactory(title="Andermans-ronde", opens_at=now - DAY, closes_at=now + DAY)
    elsewhere.eligible_networks.set([NetworkFactory(code="NPLV")])
    _configure(soon, m50=m50)
    page = officer_client.get("/puntenverkenning/").content.decode()
    assert "Binnenkort-ronde" in page and "Gesloten-ronde" not in page and "Andermans-ronde" not in page
    assert "Indicatief, geen besluit." in page and "Lid van M50" not in page  # the rule's label is "M50"
    assert "de gemeente voldoet aan de voorwaarde" in page
    api = _api(officer).get(f"/api/v1/calls/{soon.pk}/points-preview/").json()
    assert api["municipality"]["cbs_code"] == officer.municipality.cbs_code
    assert closed.pk


def test_preview_input_is_checked_in_dutch(opened, client):
    anonymous = APIClient()
    assert anonymous.get(f"/api/v1/calls/{opened.pk}/points-preview/").json() == {
        "municipality": ["Kies een gemeente (CBS-code)."]
    }
    assert anonymous.get(f"/api/v1/calls/{opened.pk}/points-preview/?municipality=GM9999").status_code == 400
    municipality = MunicipalityFactory()
    response = anonymous.get(
        f"/api/v1/calls/{opened.pk}/points-preview/?municipality={municipality.cbs_code}&area=Nergens"
    )
    assert response.status_code == 400 and "geen gebied met die naam" in response.json()["area"][0]
    page = client.get(f"/regels/{opened.pk}/puntenverkenning/?gemeente={municipality.cbs_code}&score=-3")
    body = page.content.decode()
    assert page.status_code == 400 and "nplv-error-summary" in body and 'href="#id_score"' in body
    assert "<title>Fout: " in body


def test_record_version_publishes_nothing_once_the_window_opened(opened):
    Criterion.objects.filter(call=opened).update(weight=Decimal("9"))  # past the services
    with time_machine.travel(timezone.now(), tick=False):
        assert record_version(call=opened, by=None).number == 1
    assert RulesVersion.objects.filter(call=opened).count() == 1


def test_the_public_pages_cost_the_same_queries_for_more_calls_rules_and_versions(count_queries, client, administrator):
    """The index, a rules page and the preview read a fixed number of queries, however many calls, versions,
    criteria, bands and rules there are."""
    now = timezone.now()
    municipality = MunicipalityFactory()

    def a_call(extra: int) -> Call:
        call = CallFactory(opens_at=now + 10 * DAY, closes_at=now + 40 * DAY)
        _configure(call)
        for n in range(extra):
            Criterion.objects.create(call=call, name=f"Extra {n}", weight=Decimal("1"), order=5 + n)
            BonusRule.objects.create(call=call, kind="not_funded_before", label=f"Extra {n}", points=1)
            record_version(call=call, by=None)
        record_version(call=call, by=None)
        return call

    small, large = a_call(0), a_call(4)
    counts = {}
    for call in (small, large):
        counts[call.pk] = [
            count_queries(client, "/regels/"),
            count_queries(client, f"/regels/{call.pk}/"),
            count_queries(client, f"/regels/{call.pk}/puntenverkenning/?gemeente={municipality.cbs_code}"),
            count_queries(client, f"/api/v1/calls/{call.pk}/points-preview/?municipality={municipality.cbs_code}"),
        ]
    for _n in range(3):
        a_call(1)
    assert counts[small.pk][1:] == counts[large.pk][1:]
    assert count_queries(client, "/regels/") == counts[small.pk][0]
