"""The objections register for the annual report (CSV/XLSX, page and API): per case the decision number, the
dates, the outcome, the days taken and the money the outcome changed, exactly as recorded; a municipality's
name that looks like a formula stays text; administrators only, and every download is audited."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.audit_log import AuditEvent
from allocations.objections import outcome, services
from allocations.objections.models import CaseOutcome, ObjectionCase
from allocations.runs import reconsideration_services
from allocations.runs.models import Decision
from tests.allocations.objections.conftest import at
from tests.allocations.runs.conftest import final_run_of, start  # noqa: F401 - fixtures
from tests.allocations.runs.reconsideration_builders import tie_call

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example","klik")'
RECEIVED = datetime.date(2027, 4, 1)
DECIDED = datetime.date(2027, 4, 20)
HEADER = [
    "Zaaknummer",
    "Beschikkingsnummer",
    "Gemeente",
    "CBS-code",
    "Ontvangen via",
    "Ontvangen op",
    "Poststempel",
    "Tijdig volgens de termijn",
    "Tijdigheid vastgesteld",
    "Hoorzitting",
    "Gehoord op",
    "Grond om niet te horen (Awb 7:3)",
    "Adviescommissie",
    "Verdaagd (weken)",
    "Beslist op",
    "Uitkomst",
    "Doorlooptijd (dagen)",
    "Extra toegekend",
    "Status",
]


@pytest.fixture
def founded(final_run_of, administrator, second_administrator):  # noqa: F811 - the fixture imported above
    """The demo's tie: C objects by post (its name a formula), wins on a corrected score, approved by another."""
    call, _a, _b, c = tie_call()
    run = final_run_of(call)
    c.municipality.name = HOSTILE
    c.municipality.save(update_fields=["name"])
    decision = Decision.objects.get(run=run, application=c)
    case = services.register_objection(
        decision=decision,
        by=administrator,
        objector=c.municipality,
        channel="post",
        received_on=RECEIVED,
        posted_on=RECEIVED - datetime.timedelta(days=1),
        grounds="De punten van een criterium zijn verkeerd opgeteld.",
        now=at(RECEIVED),
    )
    case = services.waive_hearing(case=case, by=administrator, ground="e", reason="Volledig tegemoetgekomen.")
    record = reconsideration_services.reconsider(
        run=run,
        application=c,
        corrections={"points": {"reviewer_score": "64.50"}},
        reason="Telfout in een criterium.",
        by=administrator,
    )
    outcome.attach_reconsideration(case=case, reconsideration=record, by=administrator)
    outcome.decide(case=case, by=administrator, outcome=CaseOutcome.FOUNDED, reason="Telfout.", now=at(DECIDED))
    return outcome.approve_decision(case=case, by=second_administrator, now=at(DECIDED))


@pytest.fixture
def pending(decision, officer):
    """The officer's objection in the portal, still open."""
    return services.lodge_objection(decision=decision, by=officer, grounds="Onjuiste cijfers.", now=at(RECEIVED))


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:300]
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, so Excel reads the accents
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _download(client, **query):
    return client.get(reverse("objection_register_export"), query)


def test_the_csv_holds_every_case_as_recorded(founded, pending, administrator_client):
    rows = _csv(_download(administrator_client, formaat="csv", jaar="2027"))
    assert rows[0] == HEADER
    by_number = {row[0]: dict(zip(HEADER, row, strict=True)) for row in rows[1:]}
    assert set(by_number) == {founded.number, pending.number}

    won = by_number[founded.number]
    assert won["Beschikkingsnummer"] == founded.decision.number
    assert (won["Gemeente"], won["CBS-code"]) == ("'" + HOSTILE, founded.objector.cbs_code)
    assert (won["Ontvangen via"], won["Ontvangen op"], won["Poststempel"]) == ("Post", "2027-04-01", "2027-03-31")
    assert (won["Tijdig volgens de termijn"], won["Tijdigheid vastgesteld"]) == ("ja", "")
    assert (won["Hoorzitting"], won["Gehoord op"]) == ("afgezien", "")
    assert won["Grond om niet te horen (Awb 7:3)"].startswith("e. aan het bezwaar wordt volledig")
    assert (won["Adviescommissie"], won["Verdaagd (weken)"]) == ("nee", "")
    assert (won["Beslist op"], won["Uitkomst"], won["Status"]) == ("2027-04-20", "Gegrond", "Afgehandeld")
    assert won["Doorlooptijd (dagen)"] == str((DECIDED - RECEIVED).days) == "19"
    assert won["Extra toegekend"] == "18000.00" == f"{founded.reconsideration.extra:.2f}"

    still_open = by_number[pending.number]
    assert (still_open["Ontvangen via"], still_open["Poststempel"], still_open["Status"]) == (
        "Portaal",
        "",
        "In behandeling",
    )
    assert (still_open["Beslist op"], still_open["Uitkomst"], still_open["Doorlooptijd (dagen)"]) == ("", "", "")
    assert still_open["Extra toegekend"] == "0.00"


def test_a_year_without_cases_gives_the_header_alone(founded, administrator_client):
    assert _csv(_download(administrator_client, formaat="csv", jaar="2026")) == [HEADER]
    assert len(_csv(_download(administrator_client, formaat="csv"))) == 2  # every year


def test_the_xlsx_keeps_a_formula_as_text_and_money_as_a_number(founded, tmp_path, administrator_client):
    response = _download(administrator_client, formaat="xlsx", jaar="2027")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('filename="bezwarenregister-2027.xlsx"')
    path = tmp_path / "register.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert [cell.value for cell in sheet[1]] == HEADER
    row = {header: cell for header, cell in zip(HEADER, sheet[2], strict=True)}
    assert row["Gemeente"].value == "'" + HOSTILE and row["Gemeente"].data_type == "s"
    assert not any(cell.data_type == "f" for cell in sheet[2])  # no cell of a case is a formula
    assert Decimal(str(row["Extra toegekend"].value)) == Decimal("18000.00")
    assert row["Doorlooptijd (dagen)"].value == 19
    assert row["Ontvangen op"].value == datetime.datetime(2027, 4, 1)


def test_a_download_is_audited(founded, administrator, administrator_client):
    _csv(_download(administrator_client, formaat="csv_nl", jaar="2027"))
    event = AuditEvent.objects.get(verb="objection_register.exported")
    assert event.actor == administrator
    assert event.data == {"year": 2027, "format": "csv_nl", "cases": 1, "money_changed": "18000.00"}


def test_the_board_offers_the_register_to_an_administrator_only(founded, administrator_client, reviewer_client):
    board = administrator_client.get(reverse("objection_list"))
    assert reverse("objection_register_export").encode() in board.content
    assert b'<option value="2027">2027</option>' in board.content
    assert reverse("objection_register_export").encode() not in reviewer_client.get(reverse("objection_list")).content


def test_an_officer_or_reviewer_is_refused_and_nothing_is_audited(pending, officer_client, reviewer_client):
    for client in (officer_client, reviewer_client):
        assert _download(client, formaat="csv").status_code == 403
    assert _download(APIClient(), formaat="csv").status_code == 302  # to the login page
    assert not AuditEvent.objects.filter(verb="objection_register.exported").exists()


def test_an_unknown_format_or_year_is_not_found(pending, administrator_client):
    assert _download(administrator_client, formaat="json").status_code == 404
    assert _download(administrator_client, formaat="csv", jaar="twintig").status_code == 404
    assert not AuditEvent.objects.filter(verb="objection_register.exported").exists()


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_gives_the_same_register(founded, pending, administrator, officer):
    url = reverse("api-objections-register", args=["csv"])
    rows = _csv(_api(administrator).get(url, {"year": 2027}))
    assert rows[0] == HEADER and {row[0] for row in rows[1:]} == {founded.number, pending.number}
    assert _api(administrator).get(url, {"year": "x"}).status_code == 400
    assert _api(officer).get(url).status_code == 403
    assert _api(administrator).get(reverse("api-objections-register", args=["json"])).status_code == 404
    assert AuditEvent.objects.filter(verb="objection_register.exported").count() == 1
    assert ObjectionCase.objects.count() == 2


def test_the_register_costs_a_fixed_number_of_queries(
    run, decision, administrator, administrator_client, count_queries
):
    def register(on: Decision) -> None:
        services.register_objection(
            decision=on,
            by=administrator,
            objector=on.application.municipality,
            channel="email",
            received_on=RECEIVED,
            grounds="Onjuist.",
            now=at(RECEIVED),
        )

    register(decision)
    url = reverse("objection_register_export") + "?formaat=csv"
    first = count_queries(administrator_client, url, warm=True)
    for other in Decision.objects.filter(run=run).exclude(pk=decision.pk):
        register(other)
    assert count_queries(administrator_client, url) == first
