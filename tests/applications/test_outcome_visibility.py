"""The municipality learns its outcome from the letter (DESIGN.md §4): until the letter is sent, a decided
application reads "Besluit in voorbereiding" for it everywhere: the list, the detail header, the call pages,
the application's PDF, the API's status, its filter and the history. Ministry staff see the outcome at once.
"""

import html
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.test import APIClient

from applications import documents, services
from applications.models import Status
from applications.visibility import DECISION_PENDING, shown_status, shown_status_label
from applications.workflow import move
from tests.factories import ReviewerFactory, complete_application

pytestmark = pytest.mark.django_db

OUTCOMES = {"award": "Toegekend", "partially_award": "Gedeeltelijk toegekend", "reject": "Afgewezen"}
OUTCOME_WORDS = re.compile(r"Toegekend|Gedeeltelijk toegekend|Afgewezen|toegekend|afgewezen")


def _decided(officer, administrator, action: str):
    from applications.assessment import services as assessment

    application = complete_application(municipality=officer.municipality, created_by=officer, title="Samen sterk")
    services.submit_application(application=application, by=officer)
    assessment.assign_reviewer(application=application, reviewer=ReviewerFactory(), by=administrator)
    move(application, "complete_review", by=administrator)
    move(application, action, by=administrator)
    application.refresh_from_db()
    return application


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("action", list(OUTCOMES))
def test_the_municipality_sees_no_outcome_before_the_letter_is_sent(
    officer, officer_client, administrator, administrator_client, action
):
    application = _decided(officer, administrator, action)
    outcome = OUTCOMES[action]
    pages = {
        "list": reverse("application_list"),
        "detail": reverse("application_detail", args=[application.pk]),
        "call": reverse("call_detail", args=[application.call_id]),
        "calls": reverse("call_list"),
    }
    for name, url in pages.items():
        page = _text(officer_client.get(url))
        assert "Besluit in voorbereiding" in page, name
        assert f">{outcome}<" not in page and f"nplv-badge--{application.status}" not in page, name
        assert "Op de aanvraag is besloten" not in page, name
    assert "Wacht op de beschikking" in _text(officer_client.get(pages["list"]))
    ministry = _text(administrator_client.get(pages["detail"]))
    assert f">{outcome}<" in ministry and "Op de aanvraag is besloten" in ministry

    pdf = _text_of_pdf(documents.render_application_pdf(application))
    assert "Status Besluit in voorbereiding" in pdf and not OUTCOME_WORDS.search(pdf.split("Status", 1)[1][:40])

    client = _api(officer)
    detail = client.get(f"/api/v1/applications/{application.pk}/").json()
    assert (detail["status"], detail["status_display"]) == (DECISION_PENDING, "Besluit in voorbereiding")
    listed = client.get("/api/v1/applications/").json()["results"]
    assert [(item["id"], item["status"]) for item in listed] == [(application.pk, DECISION_PENDING)]
    assert client.get(f"/api/v1/applications/?status={application.status}").json()["count"] == 0
    assert client.get(f"/api/v1/applications/?status={DECISION_PENDING}").json()["count"] == 1
    history = client.get(f"/api/v1/applications/{application.pk}/history/").json()["results"]
    assert history  # the municipality's own steps are there ...
    for entry in history:  # ... but nothing that names the outcome
        assert entry["verb"] not in {"application.awarded", "application.partially_awarded", "application.rejected"}
        assert (entry["data"].get("after") or {}).get("status") != application.status
        assert "besloten" not in entry["text"]

    ministry_api = _api(administrator).get(f"/api/v1/applications/{application.pk}/").json()
    assert (ministry_api["status"], ministry_api["status_display"]) == (application.status, outcome)
    ministry_filtered = _api(administrator).get(f"/api/v1/applications/?status={application.status}").json()
    assert ministry_filtered["count"] == 1


def test_once_the_letter_is_sent_the_municipality_reads_it_has_been_sent(officer, officer_client, administrator):
    application = _decided(officer, administrator, "award")
    move(application, "send_letter", by=administrator)
    page = _text(officer_client.get(reverse("application_detail", args=[application.pk])))
    assert "Beschikking verzonden" in page and "Besluit in voorbereiding" not in page
    assert "Op de aanvraag is besloten: toegekend." in page  # the history now tells the outcome
    detail = _api(officer).get(f"/api/v1/applications/{application.pk}/").json()
    assert detail["status"] == Status.LETTER_SENT


def test_one_rule_for_every_status_and_reader(officer, reviewer, administrator):
    for status in Status.values:
        decided = status in (Status.AWARDED, Status.PARTIALLY_AWARDED, Status.REJECTED)
        assert shown_status(status, officer) == (DECISION_PENDING if decided else status)
        assert shown_status(status, None) == shown_status(status, officer)  # a document: as the municipality
        for ministry in (reviewer, administrator):
            assert shown_status(status, ministry) == status
            assert shown_status_label(status, ministry) == Status(status).label


def test_an_unknown_status_filter_is_refused(officer):
    response = _api(officer).get("/api/v1/applications/?status=bestaat-niet")
    assert response.status_code == 400 and "status" in response.json()


def _text_of_pdf(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
