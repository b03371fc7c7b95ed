"""Review pages a daily user minds: an empty submission names the missing scores and the tick in one
round, a conflicted review says so (not "Nog niet begonnen"), and counts use proper plurals."""

import html
from decimal import Decimal as D

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from applications.assessment import services as assessment
from applications.assessment.forms import AssignReviewerForm
from applications.models import Review
from tests.factories import CriterionFactory, ReviewerFactory, submitted_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignment(officer, administrator, reviewer):
    application = submitted_application(officer)
    CriterionFactory(call=application.call, name="Effectiviteit", weight=D("3"))
    CriterionFactory(call=application.call, name="Bereik", weight=D("2"))
    return assessment.assign_reviewer(application=application, reviewer=reviewer, by=administrator)


def test_an_empty_submission_reports_the_scores_and_the_tick_at_once(reviewer_client, assignment):
    before = AuditEvent.objects.count()
    response = reviewer_client.post(reverse("review_detail", args=[assignment.pk]), {"actie": "indienen"})
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Vink aan dat u alles heeft ingevuld voordat u de beoordeling indient." in page
    assert "Geef een score voor 'Effectiviteit'." in page
    assert "Geef een score voor 'Bereik'." in page
    # Only a trial: nothing saved, nothing audited.
    assert not Review.objects.filter(assignment=assignment).exists()
    assert AuditEvent.objects.count() == before


def test_a_conflicted_review_shows_its_conflict_not_not_started(
    reviewer_client, reviewer, administrator, assignment, api_client
):
    assessment.declare_conflict(assignment=assignment, by=reviewer, reason="Mijn zus is wethouder.")
    page = html.unescape(reviewer_client.get(reverse("review_detail", args=[assignment.pk])).content.decode())
    assert "Belangenconflict gemeld</span>" in page
    assert "Nog niet begonnen" not in page
    api_client.force_authenticate(administrator)
    listed = api_client.get(f"/api/v1/applications/{assignment.application_id}/assignments/").json()["results"]
    assert [a["review_progress"] for a in listed if a["id"] == assignment.pk] == ["conflict_declared"]


def test_assignment_counts_use_proper_plurals(db):
    one, two, none = (
        ReviewerFactory(full_name="Een"),
        ReviewerFactory(full_name="Twee"),
        ReviewerFactory(full_name="Nul"),
    )
    form = AssignReviewerForm(available=[one, two, none], loads={one.pk: 1, two.pk: 2})
    labels = [str(label) for _value, label in form.fields["reviewer"].widget.choices][1:]
    assert labels == [
        f"{one.display_name} (1 actieve toewijzing)",
        f"{two.display_name} (2 actieve toewijzingen)",
        f"{none.display_name} (0 actieve toewijzingen)",
    ]
