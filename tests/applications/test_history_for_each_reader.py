"""The application's history reads as sentences; the municipality sees only what concerns it, and
"Laatst bewerkt door" credits the last edit of the content, not a ministry action (issue 9, item 11)."""

import html

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from applications import services
from applications.assessment import services as assessment
from applications.models import Status
from applications.workflow import move
from tests.factories import OfficerFactory, ReviewerFactory, complete_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(officer, administrator):
    """Submitted by the officer, a reviewer assigned by the administrator, review completed and decided."""
    application = complete_application(municipality=officer.municipality, created_by=officer, title="Samen sterk")
    application = services.submit_application(application=application, by=officer)
    reviewer = ReviewerFactory(full_name="Rita Beoordelaar")
    assessment.assign_reviewer(application=application, reviewer=reviewer, by=administrator)
    move(application, "complete_review", by=administrator)
    move(application, "award", by=administrator)
    application.refresh_from_db()
    return application


def page(client, application) -> str:
    return html.unescape(client.get(reverse("application_detail", args=[application.pk])).content.decode())


def test_the_municipality_sees_no_review_events_and_no_reviewer_names(officer_client, administrator_client, reviewed):
    officer_page = page(officer_client, reviewed)
    assert "heeft de aanvraag ingediend." in officer_page
    assert "Rita Beoordelaar" not in officer_page
    assert "als beoordelaar toegewezen" not in officer_page
    assert "De beoordeling van de aanvraag is afgerond." not in officer_page
    assert "application.reviewed" not in officer_page and "application.awarded" not in officer_page
    # The decision is for the municipality once the letter is sent, not before.
    assert "Op de aanvraag is besloten: toegekend." not in officer_page
    ministry_page = page(administrator_client, reviewed)
    assert "als beoordelaar toegewezen." in ministry_page
    assert "De beoordeling van de aanvraag is afgerond." in ministry_page
    assert "Op de aanvraag is besloten: toegekend." in ministry_page
    assert "review.assigned" not in ministry_page and "application.reviewed" not in ministry_page


def test_the_decision_shows_to_the_municipality_once_the_letter_is_sent(officer_client, administrator, reviewed):
    move(reviewed, "send_letter", by=administrator)
    officer_page = page(officer_client, reviewed)
    assert "Op de aanvraag is besloten: toegekend." in officer_page
    assert "heeft de beschikking verzonden." in officer_page


def test_the_api_history_of_the_municipality_is_filtered_too(officer, reviewed):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(officer)
    results = client.get(f"/api/v1/applications/{reviewed.pk}/history/").json()["results"]
    verbs = [entry["verb"] for entry in results]
    assert "review.assigned" not in verbs and "application.reviewed" not in verbs and "application.awarded" not in verbs
    assert "application.submitted" in verbs
    assert all(entry["text"] and "." not in entry["text"].split()[0] for entry in results)
    assert AuditEvent.objects.filter(verb="review.assigned").exists()


def test_last_edited_by_credits_the_officer_edit_not_ministry_actions(officer_client, officer, administrator):
    application = complete_application(municipality=officer.municipality, created_by=officer, title="Eigen werk")
    colleague = OfficerFactory(municipality=officer.municipality, full_name="Fatima de Vries")
    services.update_application(application=application, by=colleague, data={"goals": "Onze doelen"})
    services.submit_application(application=application, by=officer)
    application.refresh_from_db()
    submitted = (application.updated_by, application.updated_at)
    assert submitted[0] == officer  # submitting is the officer's own act on the application

    services.request_information(application=application, by=administrator, message="Graag de begroting toelichten.")

    application.refresh_from_db()
    assert application.status == Status.INFO_REQUESTED
    assert (application.updated_by, application.updated_at) == submitted
    body = page(officer_client, application)
    assert f"Laatst bewerkt door {officer.full_name} op" in body
    assert administrator.full_name not in body
