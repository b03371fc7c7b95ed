"""Asking for more information during review: the reviews wait, the answer takes the application back into
review, and every request carries a reply deadline (Awb 4:5) shown on the page, in the e-mail and the API."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.workflow import TransitionNotAllowed
from applications import services
from applications.assessment import services as assessment
from applications.models import InformationRequest, Status
from tests.factories import CriterionFactory, submitted_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(officer, administrator, reviewer):
    application = submitted_application(officer)
    CriterionFactory(call=application.call, name="Effectiviteit", weight=D("1"))
    assignment = assessment.assign_reviewer(application=application, reviewer=reviewer, by=administrator)
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    return application, assignment


def _score_all(assignment, reviewer):
    scores = {c.pk: {"score": 4, "motivation": "Goed"} for c in assignment.application.call.criteria.all()}
    assessment.save_review(assignment=assignment, by=reviewer, scores=scores)


def test_an_application_in_review_can_be_asked_for_information_and_returns_to_review(
    in_review, administrator, officer, reviewer
):
    application, assignment = in_review
    request = services.request_information(application=application, by=administrator, message="Welke scholen?")
    application.refresh_from_db()
    assert application.status == Status.INFO_REQUESTED
    assert request.reply_by == timezone.localdate() + datetime.timedelta(days=14)

    # The reviews wait: a draft can be saved, not submitted.
    _score_all(assignment, reviewer)
    with pytest.raises(TransitionNotAllowed, match="om aanvulling gevraagd"):
        assessment.submit_review(assignment=assignment, by=reviewer)

    services.submit_application(application=application, by=officer)
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW  # back to the reviewers it had
    assert InformationRequest.objects.get(pk=request.pk).answered_at is not None

    review = assessment.submit_review(assignment=assignment, by=reviewer)
    assert review.status == review.Status.SUBMITTED


def test_an_answer_before_review_goes_back_to_submitted(officer, administrator):
    application = submitted_application(officer)
    services.request_information(application=application, by=administrator, message="Welke scholen?")
    services.submit_application(application=application, by=officer)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_the_reply_deadline_is_chosen_and_must_lie_ahead(officer, administrator):
    application = submitted_application(officer)
    today = timezone.localdate()
    for wrong in (today, today - datetime.timedelta(days=3), today + datetime.timedelta(days=400)):
        with pytest.raises(ValidationError) as excinfo:
            services.request_information(application=application, by=administrator, message="X", reply_by=wrong)
        assert "reply_by" in excinfo.value.message_dict
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    chosen = today + datetime.timedelta(days=30)
    request = services.request_information(application=application, by=administrator, message="X", reply_by=chosen)
    assert request.reply_by == chosen


def test_the_deadline_is_on_the_page_and_in_the_email(in_review, administrator_client, officer_client):
    from post_office.models import Email

    application, _assignment = in_review
    detail = administrator_client.get(reverse("application_detail", args=[application.pk])).content.decode()
    assert "Welke informatie moet de gemeente aanvullen?" in detail  # offered during review
    chosen = timezone.localdate() + datetime.timedelta(days=21)
    response = administrator_client.post(
        reverse("application_transition", args=[application.pk, "request_information"]),
        {"aanvulling-message": "Stuur de begroting per school.", "aanvulling-reply_by": chosen.isoformat()},
    )
    assert response.status_code == 302
    from django.utils.formats import date_format

    shown = date_format(chosen, "j F Y")
    page = officer_client.get(reverse("application_detail", args=[application.pk])).content.decode()
    assert f"Aanvullen vóór {shown}" in page
    mail = Email.objects.filter(subject__icontains="aanvul").latest("id")
    assert f"uiterlijk {shown} in te dienen" in mail.message


def test_the_api_takes_and_shows_the_deadline(in_review, api_client, administrator):
    application, _assignment = in_review
    api_client.force_authenticate(administrator)
    chosen = timezone.localdate() + datetime.timedelta(days=10)
    url = f"/api/v1/applications/{application.pk}/request-information/"
    refused = api_client.post(url, {"message": "Meer", "reply_by": timezone.localdate().isoformat()}, format="json")
    assert refused.status_code == 400
    assert "reply_by" in refused.json()
    asked = api_client.post(url, {"message": "Meer", "reply_by": chosen.isoformat()}, format="json")
    assert asked.status_code == 200
    detail = api_client.get(f"/api/v1/applications/{application.pk}/").json()
    assert detail["status"] == "info_requested"
    assert detail["information_requests"][0]["reply_by"] == chosen.isoformat()
