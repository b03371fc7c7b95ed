"""The objections API: lodging and registering, the case and its steps, with DESIGN.md §10's errors: 400 with
field errors, 403 for a role, 404 outside one's organisation, 409 when the case's state forbids the step; and
every endpoint in the OpenAPI schema."""

import datetime

import pytest
import time_machine
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

from allocations.objections.models import CaseOutcome, ObjectionCase
from tests.allocations.objections.conftest import at

pytestmark = pytest.mark.django_db

D = datetime.date
URL = "/api/v1/objections/"


@pytest.fixture(autouse=True)
def _first_of_april():
    with time_machine.travel(at(D(2027, 4, 1)), tick=False):
        yield


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _lodge(officer, decision, **extra):
    return _api(officer).post(
        URL, {"decision": decision.number, "grounds": "Onjuiste cijfers.", **extra}, format="json"
    )


def test_the_officer_lodges_and_reads_the_terms(decision, officer):
    response = _lodge(officer, decision)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["decision"] == decision.number and body["channel"] == "portal" and body["status"] == "received"
    assert (body["sent_on"], body["objection_term_end"], body["decision_term_end"]) == (
        "2027-03-15",
        "2027-04-26",
        "2027-06-07",
    )
    assert body["timely"] is True and body["timeliness"] == "received"
    assert body["next_deadline"] == {"kind": "decision", "date": "2027-06-07", "days_left": 67}


def test_a_foreign_or_unknown_decision_is_a_field_error(foreign_decision, officer):
    response = _lodge(officer, foreign_decision)
    assert response.status_code == 400 and "decision" in response.json()
    assert not ObjectionCase.objects.exists()


def test_an_unsent_decision_is_a_conflict(unsent, officer):
    response = _lodge(officer, unsent)
    assert response.status_code == 409 and "niet verzonden" in response.json()["detail"]
    assert not ObjectionCase.objects.exists()


def test_grounds_or_pro_forma(decision, officer):
    response = _lodge(officer, decision, grounds="")
    assert response.status_code == 400 and "grounds" in response.json()
    assert _lodge(officer, decision, grounds="", pro_forma=True).status_code == 201


def test_a_reviewer_neither_lodges_nor_registers(decision, reviewer):
    response = _api(reviewer).post(URL, {"decision": decision.number, "grounds": "x"}, format="json")
    assert response.status_code == 403


def test_the_administrator_registers_a_posted_objection(decision, administrator):
    response = _api(administrator).post(
        URL,
        {
            "decision": decision.number,
            "channel": "post",
            "received_on": "2027-03-31",
            "posted_on": "2027-03-30",
            "grounds": "Zie brief.",
            "advisory_committee": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["objector"] == decision.application.municipality.cbs_code
    assert body["posted_on"] == "2027-03-30" and body["decision_term_end"] == "2027-07-19"


def test_lists_and_cases_are_scoped_per_organisation(decision, officer, other_officer, administrator):
    case_id = _lodge(officer, decision).json()["id"]
    own = _api(officer).get(URL).json()
    assert set(own) == {"count", "next", "previous", "results"} and own["count"] == 1
    assert _api(other_officer).get(URL).json()["count"] == 0
    assert _api(other_officer).get(f"{URL}{case_id}/").status_code == 404
    assert _api(administrator).get(f"{URL}{case_id}/").json()["number"] == f"{decision.number}-B1"


def test_the_steps_and_their_refusals(decision, officer, administrator):
    case_id = _lodge(officer, decision).json()["id"]
    staff = _api(administrator)
    step = lambda name, data=None: staff.post(f"{URL}{case_id}/{name}/", data or {}, format="json")  # noqa: E731
    assert _api(officer).post(f"{URL}{case_id}/outcome/", {"outcome": "founded", "reason": "x"}).status_code == 403
    early = step("outcome", {"outcome": "unfounded", "reason": "Nee."})
    assert early.status_code == 409 and "7:3" in early.json()["detail"]
    invalid = step("hearing-waiver", {"ground": "z", "reason": ""})
    assert invalid.status_code == 400 and {"ground", "reason"} <= set(invalid.json())
    assert step("postponement", {"weeks": 3, "reason": "Advies nodig."}).json()["decision_term_end"] == "2027-06-28"
    again = step("postponement", {"weeks": 1, "reason": "Nog eens."})
    assert again.status_code == 409
    assert step("hearing-waiver", {"ground": "b", "reason": "Kennelijk ongegrond."}).json()["status"] == "ready"
    decided = step("outcome", {"outcome": "unfounded", "reason": "Ongegrond."})
    assert decided.status_code == 200 and decided.json()["outcome"] == "unfounded"
    second = step("outcome", {"outcome": "founded", "reason": "Toch."})
    assert second.status_code == 409 and "al beslist" in second.json()["detail"]
    assert ObjectionCase.objects.get().outcome == CaseOutcome.UNFOUNDED


def test_the_hearing_invites_by_cbs_code(run, decision, officer, administrator, other_municipality):
    case_id = _lodge(officer, decision).json()["id"]
    competitor = run.decisions.exclude(pk=decision.pk).first().application.municipality
    staff = _api(administrator)
    refused = staff.post(
        f"{URL}{case_id}/hearing/", {"on": "2027-04-20", "invited": [other_municipality.cbs_code]}, format="json"
    )
    assert refused.status_code == 400 and "invited" in refused.json()
    planned = staff.post(
        f"{URL}{case_id}/hearing/", {"on": "2027-04-20", "invited": [competitor.cbs_code]}, format="json"
    )
    assert planned.status_code == 200
    assert set(planned.json()["invited"]) == {competitor.cbs_code, decision.application.municipality.cbs_code}


def test_the_objector_withdraws(decision, officer):
    case_id = _lodge(officer, decision).json()["id"]
    response = _api(officer).post(f"{URL}{case_id}/withdrawal/")
    assert response.status_code == 200 and response.json()["outcome"] == "withdrawn"


def test_errors_speak_the_requests_language(unsent, officer):
    client = _api(officer)
    response = client.post(URL, {"decision": unsent.number, "grounds": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409 and "not been sent" in response.json()["detail"]


def test_every_endpoint_is_in_the_schema(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(target))
    paths = yaml.safe_load(target.read_text())["paths"]
    expected = ["/api/v1/objections/", "/api/v1/objections/{id}/"] + [
        f"/api/v1/objections/{{id}}/{step}/"
        for step in (
            "repair",
            "repair-end",
            "hearing",
            "hearing-held",
            "hearing-waiver",
            "postponement",
            "committee",
            "timeliness",
            "outcome",
            "withdrawal",
        )
    ]
    for path in expected:
        assert path in paths, path
    assert set(paths["/api/v1/objections/{id}/outcome/"]["post"]["responses"]) >= {"200", "400", "403", "404", "409"}


def test_the_list_costs_a_fixed_number_of_queries(run, decision, officer, administrator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from allocations.objections import services

    client = _api(administrator)

    def cost() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(URL).status_code == 200
        return len(context.captured_queries)

    case = _lodge(officer, decision).json()["id"]
    services.plan_hearing(
        case=ObjectionCase.objects.get(pk=case), by=administrator, on=D(2027, 4, 20), now=at(D(2027, 4, 1))
    )
    client.get(URL)
    first = cost()
    for other in run.decisions.exclude(pk=decision.pk):
        person = User.objects.create_user(
            email=f"o{other.pk}@example.nl", role="officer", municipality=other.application.municipality
        )
        _lodge(person, other)
    assert _api(administrator).get(URL).json()["count"] == 3
    assert cost() == first
