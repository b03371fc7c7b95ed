"""The portal's one error summary on the officer's and the ministry's application forms: each step of the
application, starting one, the confirmation of a transition, the points preview and the assessment forms. A
failed post opens on the summary at the top (focused, a link per error to its field), with "Fout: " in the
title and aria-invalid on the fields; a page without errors has none of that."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import textlimits
from applications import services
from applications.models import BudgetLine, ReviewAssignment
from tests.error_summary import assert_error_summary, assert_no_error_summary
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    MunicipalityFactory,
    OfficerFactory,
    ReviewerFactory,
    ThemeFactory,
    submitted_application,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(db):
    return CallFactory(max_per_application=Decimal("500000.00"), min_cofinancing_pct=Decimal("25"))


@pytest.fixture
def themes(call):
    return [ThemeFactory(scheme=call.scheme, name="School en omgeving", order=1)]


@pytest.fixture
def draft(officer, call, themes):
    return ApplicationFactory(call=call, municipality=officer.municipality, created_by=officer, title="Samen sterk")


def step_url(application, step):
    return reverse("application_step", args=[application.pk, step])


def post_step(client, application, step, data):
    application.refresh_from_db()
    return client.post(step_url(application, step), {"revision": application.revision, **data})


# --- the steps of the application --------------------------------------------------------------------------


def test_the_area_step_opens_on_the_summary(officer_client, draft):
    assert_no_error_summary(officer_client.get(step_url(draft, "gebied")).content.decode())
    body = post_step(officer_client, draft, "gebied", {"title": " "}).content.decode()
    summary = assert_error_summary(body, links=["id_title"], invalid=["id_title"])
    assert "Er is 1 fout" in summary and "Titel van uw aanvraag: Geef de aanvraag een titel." in summary


def test_the_plan_step_opens_on_the_summary(officer_client, draft):
    too_long = "x" * (textlimits.CONTENT + 1)
    data = {"goals": too_long, "approach": too_long, "partners": "", "residents_involvement": ""}
    body = post_step(officer_client, draft, "plan", data).content.decode()
    summary = assert_error_summary(body, links=["id_goals", "id_approach"], invalid=["id_goals", "id_approach"])
    assert "Er zijn 2 fouten" in summary
    assert summary.index("id_goals") < summary.index("id_approach")  # in the order of the page


def test_a_colleagues_edit_is_in_the_summary_and_linked_to_the_forms_box(officer_client, draft, municipality):
    loaded = draft.revision
    colleague = OfficerFactory(municipality=municipality, full_name="Fatima de Vries")
    services.update_application(application=draft, by=colleague, data={"goals": "Van Fatima"}, expected_revision=loaded)
    response = officer_client.post(
        step_url(draft, "plan"),
        {"revision": loaded, "goals": "Mijn tekst", "approach": "", "partners": "", "residents_involvement": ""},
    )
    assert response.status_code == 409
    summary = assert_error_summary(response.content.decode(), links=["formulier-fouten"])
    assert "Fatima de Vries heeft deze aanvraag intussen gewijzigd" in summary


def test_the_budget_step_links_the_amount_and_each_box_of_the_grid(officer_client, draft, themes):
    box = f"regel_{themes[0].pk}_2027"
    response = post_step(officer_client, draft, "begroting", {"requested_amount": "veel", box: "1,000"})
    body = response.content.decode()
    assert response.status_code == 200
    summary = assert_error_summary(
        body, links=["id_requested_amount", f"id_{box}"], invalid=["id_requested_amount", f"id_{box}"]
    )
    assert "Er zijn 2 fouten" in summary
    assert "School en omgeving, 2027:" in summary  # a box of the grid is named by its theme and year
    draft.refresh_from_db()
    assert draft.requested_amount is None and not BudgetLine.objects.exists()


def test_the_budget_step_links_the_services_refusal_of_the_amount(officer_client, draft, themes):
    box = f"regel_{themes[0].pk}_2027"
    body = post_step(
        officer_client, draft, "begroting", {"requested_amount": "600.000", box: "600.000"}
    ).content.decode()
    summary = assert_error_summary(body, links=["id_requested_amount"], invalid=["id_requested_amount"])
    assert "500.000,00" in summary  # the call's maximum, said in the message


def test_the_cofinancing_step_opens_on_the_summary(officer_client, draft):
    body = post_step(officer_client, draft, "cofinanciering", {"cofinancing_amount": "een ton"}).content.decode()
    assert_error_summary(body, links=["id_cofinancing_amount"], invalid=["id_cofinancing_amount"])


def test_a_refused_upload_is_in_the_summary_linked_to_its_file_box(officer_client, draft):
    url = step_url(draft, "bijlagen")
    assert_no_error_summary(officer_client.get(url).content.decode())
    response = officer_client.post(url, {"soort": "overig", "bestand": SimpleUploadedFile("leeg.pdf", b"")})
    body = response.content.decode()
    summary = assert_error_summary(body, links=["bestand-overig"], invalid=["bestand-overig"])
    assert "Andere bijlage: Het bestand is leeg." in summary


# --- starting an application, confirming a transition --------------------------------------------------------


def test_starting_an_application_without_a_title_opens_on_the_summary(officer_client, call):
    response = officer_client.post(reverse("application_start", args=[call.pk]), {"title": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert_error_summary(body, links=["id_title"], invalid=["id_title"])


def test_a_withdrawal_without_the_tick_opens_on_the_summary(officer_client, officer):
    submitted = submitted_application(officer)
    url = reverse("application_transition", args=[submitted.pk, "withdraw"])
    body = officer_client.post(url, {"intrekken-reason": "Gaat niet door"}).content.decode()
    summary = assert_error_summary(body, links=["id_intrekken-confirm"], invalid=["id_intrekken-confirm"])
    assert "Vink aan dat u het zeker weet." in summary


def test_a_request_for_information_without_a_message_opens_on_the_summary(administrator_client, officer):
    submitted = submitted_application(officer)
    url = reverse("application_transition", args=[submitted.pk, "request_information"])
    body = administrator_client.post(url, {"aanvulling-message": ""}).content.decode()
    assert_error_summary(body, links=["id_aanvulling-message"], invalid=["id_aanvulling-message"])


# --- the points preview and the assessment ---------------------------------------------------------------------


def test_the_points_preview_opens_on_the_summary(client, call):
    municipality = MunicipalityFactory()
    url = reverse("points_preview", args=[call.pk])
    response = client.get(url, {"gemeente": municipality.cbs_code, "score": "-3", "gebied": "Nergens"})
    body = response.content.decode()
    assert response.status_code == 400
    summary = assert_error_summary(body, links=["id_gebied", "id_score"], invalid=["id_gebied", "id_score"])
    assert "Er zijn 2 fouten" in summary and "er is niets opgeslagen" not in summary
    assert_no_error_summary(client.get(url).content.decode())


def test_assigning_no_reviewer_opens_on_the_summary(administrator_client, officer):
    submitted = submitted_application(officer)
    ReviewerFactory()
    prefix = f"toewijzen{submitted.pk}"
    response = administrator_client.post(reverse("assign_reviewer", args=[submitted.pk]), {f"{prefix}-reviewer": ""})
    body = response.content.decode()
    assert_error_summary(body, links=[f"id_{prefix}-reviewer"], invalid=[f"id_{prefix}-reviewer"])
    assert not ReviewAssignment.objects.exists()


def test_auto_assigning_with_a_bad_number_opens_on_the_summary(administrator_client, officer):
    submitted = submitted_application(officer)
    url = reverse("call_auto_assign", args=[submitted.call_id])
    body = administrator_client.post(url, {"automatisch-per_application": "twee"}).content.decode()
    summary = assert_error_summary(
        body, links=["id_automatisch-per_application"], invalid=["id_automatisch-per_application"]
    )
    assert "Vul een heel getal in." in summary


def test_a_conflict_without_a_reason_opens_on_the_summary(client, administrator, officer):
    from applications.assessment import services as assessment

    submitted = submitted_application(officer)
    reviewer = ReviewerFactory()
    assignment = assessment.assign_reviewer(application=submitted, reviewer=reviewer, by=administrator)
    client.force_login(reviewer)
    body = client.post(reverse("review_conflict", args=[assignment.pk]), {"conflict-reason": " "}).content.decode()
    summary = assert_error_summary(body, links=["id_conflict-reason"], invalid=["id_conflict-reason"])
    assert "Beschrijf het belangenconflict." in summary
