"""The objection pages: the officer's "Bezwaar maken" from the decision, the case page with a form per step the
case allows, registering by post, and the deadline board; who reaches which (404 outside one's organisation,
403 for a role), and that a refused step says why (409) and invalid input shows the error summary (400)."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from allocations.objections import services
from allocations.objections.models import CaseOutcome, CaseStatus, ObjectionCase
from tests.allocations.objections.conftest import at

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def _first_of_april():
    with time_machine.travel(at(D(2027, 4, 1)), tick=False):
        yield


def _case(decision, officer):
    return services.lodge_objection(decision=decision, by=officer, grounds="De cijfers kloppen niet.")


def test_the_officer_objects_from_the_decision_page(decision, officer_client):
    page = officer_client.get(reverse("application_letters", args=[decision.application_id]))
    lodge_url = reverse("objection_lodge", args=[decision.application_id])
    assert lodge_url in page.content.decode()
    form = officer_client.get(lodge_url)
    assert form.status_code == 200
    assert "26 april 2027" in form.content.decode()  # the last day to object
    response = officer_client.post(lodge_url, {"grounds": "De behoeftescore klopt niet."})
    case = ObjectionCase.objects.get()
    assert response.status_code == 302 and response.url == reverse("objection_detail", args=[case.pk])
    detail = officer_client.get(response.url).content.decode()
    assert case.number in detail and "7 juni 2027" in detail  # the decision term
    assert "Uitkomst vastleggen" not in detail  # the officer handles nothing


def test_an_objection_without_grounds_shows_the_error_summary_and_stores_nothing(decision, officer_client):
    response = officer_client.post(reverse("objection_lodge", args=[decision.application_id]), {"grounds": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "foutoverzicht" in body and "pro forma" in body
    assert not ObjectionCase.objects.exists()


def test_an_unsent_decision_cannot_be_objected_to(unsent, officer_client):
    page = officer_client.get(reverse("application_letters", args=[unsent.application_id]))
    assert reverse("objection_lodge", args=[unsent.application_id]) not in page.content.decode()
    response = officer_client.post(reverse("objection_lodge", args=[unsent.application_id]), {"grounds": "x"})
    assert response.status_code == 409
    assert "nog niet verzonden" in response.content.decode()
    assert not ObjectionCase.objects.exists()


def test_another_municipality_finds_neither_the_form_nor_the_case(decision, officer, other_officer_client):
    assert other_officer_client.get(reverse("objection_lodge", args=[decision.application_id])).status_code == 404
    case = _case(decision, officer)
    assert other_officer_client.get(reverse("objection_detail", args=[case.pk])).status_code == 404
    withdraw = other_officer_client.post(reverse("objection_step", args=[case.pk, "intrekken"]))
    assert withdraw.status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED


def test_the_officer_withdraws_from_the_case_page(decision, officer, officer_client):
    case = _case(decision, officer)
    assert "Bezwaar intrekken" in officer_client.get(reverse("objection_detail", args=[case.pk])).content.decode()
    response = officer_client.post(reverse("objection_step", args=[case.pk, "intrekken"]))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.outcome == CaseOutcome.WITHDRAWN


def test_the_officer_may_not_take_a_staff_step(decision, officer, officer_client, reviewer_client):
    case = _case(decision, officer)
    data = {"niet-horen-ground": "c", "niet-horen-reason": "x"}
    assert officer_client.post(reverse("objection_step", args=[case.pk, "niet-horen"]), data).status_code == 403
    assert reviewer_client.post(reverse("objection_step", args=[case.pk, "niet-horen"]), data).status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED


def test_staff_handle_the_case_step_by_step(decision, officer, administrator_client):
    case = _case(decision, officer)
    page = administrator_client.get(reverse("objection_detail", args=[case.pk])).content.decode()
    for title in ("Hersteltermijn geven", "Hoorzitting plannen", "Afzien van horen", "Uitkomst vastleggen"):
        assert title in page
    step = lambda slug, data: administrator_client.post(reverse("objection_step", args=[case.pk, slug]), data)  # noqa: E731
    # On the merits before a hearing: refused with the reason.
    early = step("uitkomst", {"uitkomst-outcome": "unfounded", "uitkomst-reason": "Nee."})
    assert early.status_code == 409 and "7:3" in early.content.decode()
    # Invalid input: the error summary, nothing stored.
    invalid = step("hoorzitting", {"hoorzitting-on": "31-02-2027"})
    assert invalid.status_code == 400 and "foutoverzicht" in invalid.content.decode()
    assert step("hoorzitting", {"hoorzitting-on": "12-04-2027"}).status_code == 302
    assert step("gehoord", {"gehoord-held_on": "01-04-2027", "gehoord-notes": "Gehoord."}).status_code == 302
    assert step("uitkomst", {"uitkomst-outcome": "partly_founded", "uitkomst-reason": "Deels."}).status_code == 302
    case.refresh_from_db()
    assert (case.status, case.outcome) == (CaseStatus.CLOSED, CaseOutcome.PARTLY_FOUNDED)
    again = step("uitkomst", {"uitkomst-outcome": "founded", "uitkomst-reason": "Toch."})
    assert again.status_code == 409 and "al beslist" in again.content.decode()
    case.refresh_from_db()
    assert case.outcome == CaseOutcome.PARTLY_FOUNDED


def test_staff_register_a_posted_objection(decision, administrator_client):
    url = reverse("objection_register")
    assert administrator_client.get(url).status_code == 200
    unknown = administrator_client.post(
        url, {"decision": "NPLV-0000", "channel": "post", "received_on": "30-03-2027", "grounds": "x"}
    )
    assert unknown.status_code == 400 and "geen beschikking met dit nummer" in unknown.content.decode()
    response = administrator_client.post(
        url,
        {
            "decision": decision.number,
            "channel": "post",
            "received_on": "30-03-2027",
            "posted_on": "29-03-2027",
            "grounds": "Zie brief.",
        },
    )
    assert response.status_code == 302
    case = ObjectionCase.objects.get()
    assert (case.objector_id, case.posted_on) == (decision.application.municipality_id, D(2027, 3, 29))


def test_only_administrators_register(officer_client, reviewer_client):
    assert officer_client.get(reverse("objection_register")).status_code == 403
    assert reviewer_client.get(reverse("objection_register")).status_code == 403


def test_the_deadline_board_shows_open_cases_with_days_left(decision, officer, administrator_client, officer_client):
    case = _case(decision, officer)
    board = administrator_client.get(reverse("objection_list"))
    body = board.content.decode()
    assert board.status_code == 200 and case.number in body and "7 juni 2027" in body
    assert ">67<" in body  # 1 April to 7 June
    mine = officer_client.get(reverse("objection_list")).content.decode()
    assert case.number in mine and "Termijnbewaking" not in mine


def test_the_board_costs_a_fixed_number_of_queries(run, decision, officer, administrator_client, count_queries):
    from accounts.models import User
    from allocations.runs.models import Decision

    _case(decision, officer)
    first = count_queries(administrator_client, reverse("objection_list"), warm=True)
    for other in Decision.objects.filter(run=run).exclude(pk=decision.pk):
        person = User.objects.create_user(
            email=f"o{other.pk}@example.nl", role="officer", municipality=other.application.municipality
        )
        _case(other, person)
    assert count_queries(administrator_client, reverse("objection_list")) == first


def test_who_recorded_the_case_is_shown_to_the_ministry_only(decision, officer, officer_client, administrator_client):
    case = _case(decision, officer)
    url = reverse("objection_detail", args=[case.pk])
    assert officer.email in administrator_client.get(url).content.decode()
    assert "Vastgelegd door" not in officer_client.get(url).content.decode()
