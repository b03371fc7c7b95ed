"""Every free-text field has a limit, stated in the form, the API schema and a Dutch error message; the PDF
copy task has time limits and a failed copy shows on the application page."""

import re

import pytest
from django.urls import reverse

from accounts import textlimits
from accounts.services import issue_api_token
from applications import services, tasks
from applications.models import Application, ApplicationDocument
from tests.factories import ApplicationFactory, CallFactory, complete_application

TOO_LONG = "a" * (textlimits.CONTENT + 1)


@pytest.fixture
def draft(officer):
    return ApplicationFactory(
        call=CallFactory(), municipality=officer.municipality, created_by=officer, goals="Kort en krachtig."
    )


def test_the_plan_form_states_the_limit_and_refuses_a_longer_text(officer_client, draft):
    url = reverse("application_step", args=[draft.pk, "plan"])
    page = officer_client.get(url).content.decode()
    assert f'maxlength="{textlimits.CONTENT}"' in page
    response = officer_client.post(
        url,
        {"revision": draft.revision, "goals": TOO_LONG, "approach": "", "partners": "", "residents_involvement": ""},
    )
    assert response.status_code == 200
    assert re.search(r"niet meer dan 10000 tekens .*10001", response.content.decode())
    draft.refresh_from_db()
    assert draft.goals == "Kort en krachtig."


def test_the_api_refuses_a_longer_text_with_the_limit_and_changes_nothing(api_client, officer, draft):
    _token, key = issue_api_token(user=officer, name="koppeling")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api_client.patch(
        f"/api/v1/applications/{draft.pk}/", {"revision": draft.revision, "goals": TOO_LONG}, format="json"
    )
    assert response.status_code == 400
    assert "10000" in response.json()["goals"][0]
    draft.refresh_from_db()
    assert draft.goals == "Kort en krachtig."
    assert draft.revision == 1


def test_the_service_refuses_a_longer_text_too(officer, draft):
    with pytest.raises(Exception) as caught:
        services.update_application(application=draft, by=officer, data={"partners": TOO_LONG})
    assert "partners" in caught.value.message_dict
    draft.refresh_from_db()
    assert draft.partners == ""


def test_the_schema_states_the_limits(api_client):
    schema = api_client.get("/api/v1/schema/?format=json").json()
    fields = schema["components"]["schemas"]["PatchedApplicationUpdateRequest"]["properties"]
    assert fields["goals"]["maxLength"] == textlimits.CONTENT


@pytest.mark.parametrize(
    ("model", "field", "limit"),
    [
        ("applications.Application", "approach", textlimits.CONTENT),
        ("applications.Application", "residents_involvement", textlimits.CONTENT),
        ("applications.Application", "cofinancing_sources", textlimits.MESSAGE),
        ("applications.InformationRequest", "message", textlimits.MESSAGE),
        ("applications.InformationRequest", "answer", textlimits.MESSAGE),
        ("applications.Review", "overall_comment", textlimits.CONTENT),
        ("applications.Review", "reopen_reason", textlimits.REASON),
        ("applications.ReviewAssignment", "conflict_reason", textlimits.REASON),
        ("applications.ReviewScore", "motivation", textlimits.MESSAGE),
        ("allocations.Decision", "reason", textlimits.MESSAGE),
    ],
)
def test_every_free_text_field_has_a_limit(model, field, limit):
    from django.apps import apps

    assert apps.get_model(model)._meta.get_field(field).max_length == limit


def test_no_text_field_of_the_portal_is_without_a_limit():
    from django.apps import apps
    from django.db import models

    # Written by the portal itself, never by a user: an error message, a published rules document (canonical
    # JSON generated from the call's configuration, each part of which is limited where it is typed).
    internal = {"error", "document"}
    unlimited = [
        f"{model._meta.label}.{field.name}"
        for app in ("accounts", "applications", "allocations")
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.fields
        if isinstance(field, models.TextField) and field.max_length is None and field.name not in internal
    ]
    assert unlimited == []


def test_the_copy_task_has_a_soft_and_a_hard_time_limit():
    task = tasks.store_submission_copy
    assert task.soft_time_limit == tasks.COPY_SOFT_TIME_LIMIT
    assert task.time_limit == tasks.COPY_TIME_LIMIT
    assert 0 < task.soft_time_limit < task.time_limit <= 300


def test_a_failed_copy_is_counted_shown_and_swept_again(officer, officer_client, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    from applications import documents

    application = complete_application(municipality=officer.municipality, created_by=officer)

    def too_slow(*args, **kwargs):
        raise SoftTimeLimitExceeded

    monkeypatch.setattr(documents, "render_application_pdf", too_slow)
    services.submit_application(application=application, by=officer)  # the copy is queued on commit
    application.refresh_from_db()
    with pytest.raises(SoftTimeLimitExceeded):
        tasks.store_submission_copy(application.pk, application.submitted_at.isoformat())
    application.refresh_from_db()
    assert application.copy_failures >= 1
    assert not ApplicationDocument.objects.exists()
    page = officer_client.get(reverse("application_detail", args=[application.pk])).content.decode()
    assert "Het maken van de PDF-kopie van de laatste indiening is mislukt" in page

    Application.objects.filter(pk=application.pk).update(submitted_at=application.submitted_at.replace(year=2020))
    queued = []
    monkeypatch.setattr(tasks.store_submission_copy, "delay", lambda *args: queued.append(args))
    assert tasks.sweep_submission_copies() == 1
    assert queued[0][0] == application.pk

    monkeypatch.undo()
    tasks.store_submission_copy(*queued[0])
    application.refresh_from_db()
    assert application.copy_failures == 0
    page = officer_client.get(reverse("application_detail", args=[application.pk])).content.decode()
    assert "mislukt" not in page


def test_the_schema_documents_error_answers_and_a_nullable_municipality(api_client):
    schema = api_client.get("/api/v1/schema/?format=json").json()
    assert schema["components"]["schemas"]["Me"]["properties"]["municipality"]["nullable"] is True
    operation = schema["paths"]["/api/v1/applications/{id}/request-information/"]["post"]
    assert {"400", "401", "403", "404", "409"} <= set(operation["responses"])
    message = schema["components"]["schemas"]["InformationRequestInputRequest"]["properties"]["message"]
    assert message["minLength"] == 1
