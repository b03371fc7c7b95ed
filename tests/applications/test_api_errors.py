"""Every error contract of the applications API (DESIGN.md §10): 400 with field errors in the request's
language, 404 outside the caller's municipality, 403 for a role that may not use an endpoint, 409 for a
transition the state forbids, 401 without credentials, and never a 500."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AuditEvent
from applications.models import Application, Attachment, Status
from tests.applications.conftest import MINIMAL_PDF
from tests.factories import CallFactory, MembershipFactory, NetworkFactory, ThemeFactory, complete_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(officer):
    return complete_application(municipality=officer.municipality, created_by=officer)


@pytest.fixture
def submitted(officer, api_client, draft):
    api_client.force_authenticate(officer)
    assert api_client.post(f"/api/v1/applications/{draft.pk}/submit/").status_code == 200
    draft.refresh_from_db()
    return draft


def _pdf(name="plan.pdf", content=MINIMAL_PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _stored_attachment(application):
    return Attachment.objects.create(
        application=application,
        file="attachments/x",
        original_name="plan.pdf",
        file_format="pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=application.created_by,
    )


# --- 400 ---------------------------------------------------------------------------------------------


def test_create_needs_a_title_in_dutch(api_client, officer):
    call = CallFactory()
    api_client.force_authenticate(officer)
    response = api_client.post("/api/v1/applications/", {"call": call.pk, "title": "  "})
    assert response.status_code == 400
    assert response.json() == {"title": ["Geef de aanvraag een titel."]}
    assert not Application.objects.exists()


def test_field_errors_follow_accept_language(api_client, officer):
    api_client.force_authenticate(officer)
    dutch = api_client.post("/api/v1/applications/", {"title": "Plan"})
    english = api_client.post("/api/v1/applications/", {"title": "Plan"}, HTTP_ACCEPT_LANGUAGE="en")
    assert dutch.status_code == english.status_code == 400
    assert set(dutch.json()) == set(english.json()) == {"call"}
    assert dutch.json()["call"] == ["Dit veld is verplicht."]
    assert english.json()["call"] != dutch.json()["call"]
    assert english["Content-Language"] == "en"


def test_service_messages_keep_their_structure_in_english(api_client, officer, draft):
    api_client.force_authenticate(officer)
    url = f"/api/v1/applications/{draft.pk}/"
    for language in ("nl", "en"):
        response = api_client.patch(url, {"requested_amount": "-5"}, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 400
        assert list(response.json()) == ["requested_amount"]
        assert isinstance(response.json()["requested_amount"][0], str)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-5", "Het bedrag moet groter zijn dan nul."),
        ("12.345", "Een bedrag heeft hoogstens twee cijfers achter de komma."),
        ("veel", "Vul een bedrag in euro in, bijvoorbeeld 250000 of 250000,50."),
        ("-", "Vul een bedrag in euro in, bijvoorbeeld 250000 of 250000,50."),
        (".", "Vul een bedrag in euro in, bijvoorbeeld 250000 of 250000,50."),
    ],
)
def test_bad_amounts_are_refused_with_the_services_message(api_client, officer, draft, value, message):
    api_client.force_authenticate(officer)
    response = api_client.patch(f"/api/v1/applications/{draft.pk}/", {"requested_amount": value})
    assert response.status_code == 400
    assert response.json() == {"requested_amount": [message]}
    draft.refresh_from_db()
    assert draft.requested_amount == Decimal("300000.00")


def test_amount_above_the_calls_maximum(api_client, officer):
    call = CallFactory(max_per_application=Decimal("250000.00"))
    application = complete_application(municipality=officer.municipality, created_by=officer, call=call)
    api_client.force_authenticate(officer)
    response = api_client.patch(f"/api/v1/applications/{application.pk}/", {"requested_amount": "250000.01"})
    assert response.status_code == 400
    assert response.json()["requested_amount"] == [
        "Het aangevraagde bedrag is hoger dan het maximum van € 250.000,00 per aanvraag in deze ronde."
    ]


def test_budget_line_errors_come_back_per_line_and_nothing_changes(api_client, officer, draft):
    theme = ThemeFactory(scheme=draft.call.scheme)
    api_client.force_authenticate(officer)
    revision = draft.revision
    response = api_client.patch(
        f"/api/v1/applications/{draft.pk}/",
        {
            "goals": "Nieuwe doelen",
            "budget_lines": [
                {"theme": theme.pk, "year": 2027, "amount": "1000.00"},
                {"theme": theme.pk, "year": 2031, "amount": "0"},
            ],
        },
    )
    assert response.status_code == 400
    assert response.json() == {
        "budget_lines": {
            "1": {
                "year": ["Het jaar 2031 valt buiten de looptijd van de ronde (2027–2029)."],
                "amount": ["Het bedrag moet groter zijn dan nul."],
            }
        }
    }
    draft.refresh_from_db()
    assert draft.revision == revision
    assert draft.goals != "Nieuwe doelen"  # the valid content change was rolled back with the budget
    assert draft.budget_lines.count() == 2


def test_content_and_budget_errors_come_back_together(api_client, officer, draft):
    api_client.force_authenticate(officer)
    response = api_client.patch(
        f"/api/v1/applications/{draft.pk}/",
        {"title": "", "budget_lines": [{"theme": 999999, "year": 2027, "amount": "5"}]},
    )
    assert response.status_code == 400
    assert response.json() == {
        "title": ["Geef de aanvraag een titel."],
        "budget_lines": {"0": {"theme": ["Kies een bestedingsdoel van deze regeling."]}},
    }


def test_budget_line_types_are_checked_before_the_service(api_client, officer, draft):
    api_client.force_authenticate(officer)
    theme = ThemeFactory(scheme=draft.call.scheme)
    response = api_client.patch(
        f"/api/v1/applications/{draft.pk}/",
        {"budget_lines": [{"theme": theme.pk, "year": 2027, "amount": "10"}, {"year": "x"}]},
    )
    assert response.status_code == 400
    errors = response.json()["budget_lines"]
    assert list(errors) == ["1"]  # a PATCH still needs whole lines
    assert errors["1"]["year"] == ["Een geldig getal is vereist."]
    assert errors["1"]["theme"] == errors["1"]["amount"] == ["Dit veld is verplicht."]


def test_a_failed_create_leaves_no_draft(api_client, officer):
    call = CallFactory()
    api_client.force_authenticate(officer)
    response = api_client.post(
        "/api/v1/applications/",
        {"call": call.pk, "title": "Plan", "budget_lines": [{"theme": 1234, "year": 2027, "amount": "10"}]},
    )
    assert response.status_code == 400
    assert "budget_lines" in response.json()
    assert not Application.objects.exists()
    assert not AuditEvent.objects.filter(verb="application.created").exists()


def test_one_application_per_municipality_per_call(api_client, officer, draft):
    api_client.force_authenticate(officer)
    response = api_client.post("/api/v1/applications/", {"call": draft.call_id, "title": "Nog een"})
    assert response.status_code == 400
    assert response.json()["call"][0].startswith("Uw gemeente heeft al een aanvraag in deze ronde")


def test_a_municipality_outside_the_calls_networks_cannot_start(api_client, officer):
    call = CallFactory()
    call.eligible_networks.set([NetworkFactory(code="NEW_TOWN", name="New Town Alliantie")])
    MembershipFactory(network=NetworkFactory(code="M50"), municipality=officer.municipality)
    api_client.force_authenticate(officer)
    response = api_client.post("/api/v1/applications/", {"call": call.pk, "title": "Plan"})
    assert response.status_code == 400
    assert response.json() == {
        "call": [
            "Gemeente Nieuwegein komt niet in aanmerking voor deze ronde; die staat alleen open voor leden van: "
            "New Town Alliantie."
        ]
    }


def test_an_unpublished_call_is_not_offered(api_client, officer):
    call = CallFactory(is_published=False)
    api_client.force_authenticate(officer)
    response = api_client.post("/api/v1/applications/", {"call": call.pk, "title": "Plan"})
    assert response.status_code == 400
    assert list(response.json()) == ["call"]
    assert api_client.get(f"/api/v1/calls/{call.pk}/").status_code == 404


def test_an_incomplete_application_cannot_be_submitted(api_client, officer):
    call = CallFactory()
    api_client.force_authenticate(officer)
    created = api_client.post("/api/v1/applications/", {"call": call.pk, "title": "Plan"}).json()
    response = api_client.post(f"/api/v1/applications/{created['id']}/submit/")
    assert response.status_code == 400
    errors = response.json()
    assert errors["goals"] == ["Beschrijf de doelen van het plan."]
    assert errors["budget_lines"] == [
        "Vul de begroting in: minstens één bedrag. Laat de vakken leeg van bestedingsdoelen en jaren "
        "waarvoor u niets aanvraagt."
    ]
    assert Application.objects.get().status == Status.DRAFT


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("nep.pdf", b"Dit is gewoon tekst.\n", "Dit bestand is geen geldig PDF-bestand"),
        ("leeg.pdf", b"", "Het bestand is leeg. Kies een bestand met inhoud."),
        ("groot.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10) + b"\n%%EOF\n", "Het bestand is te groot"),
    ],
)
def test_refused_uploads_explain_why(api_client, officer, draft, name, content, message):
    draft.call.max_attachment_mb = 1
    draft.call.save()
    api_client.force_authenticate(officer)
    response = api_client.post(
        f"/api/v1/applications/{draft.pk}/attachments/", {"file": _pdf(name, content)}, format="multipart"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["file"]
    assert response.json()["file"][0].startswith(message)
    assert not Attachment.objects.exists()


def test_an_upload_without_a_file(api_client, officer, draft):
    api_client.force_authenticate(officer)
    response = api_client.post(f"/api/v1/applications/{draft.pk}/attachments/", {}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"file": ["Kies een bestand om toe te voegen."]}


def test_a_requirement_of_another_call_is_refused(api_client, officer, draft):
    from tests.factories import RequiredAttachmentFactory

    elsewhere = RequiredAttachmentFactory()
    api_client.force_authenticate(officer)
    response = api_client.post(
        f"/api/v1/applications/{draft.pk}/attachments/",
        {"file": _pdf(), "requirement": elsewhere.pk},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json() == {"requirement": ["Deze soort bijlage hoort niet bij deze aanvraagronde."]}


def test_a_request_for_information_needs_a_message(api_client, administrator, submitted):
    api_client.force_authenticate(administrator)
    response = api_client.post(f"/api/v1/applications/{submitted.pk}/request-information/", {"message": " "})
    assert response.status_code == 400
    assert response.json() == {"message": ["Beschrijf welke informatie de gemeente moet aanvullen."]}


def test_list_filters_are_checked(api_client, officer):
    api_client.force_authenticate(officer)
    assert api_client.get("/api/v1/applications/?status=bijna").status_code == 400
    response = api_client.get("/api/v1/applications/?call=een")
    assert response.json() == {"call": ["Geef het id van een aanvraagronde."]}


# --- 404 ---------------------------------------------------------------------------------------------

ENDPOINTS = [
    ("get", ""),
    ("put", ""),
    ("patch", ""),
    ("delete", ""),
    ("post", "submit/"),
    ("post", "withdraw/"),
    ("get", "attachments/"),
    ("post", "attachments/"),
    ("get", "attachments/{attachment}/"),
    ("delete", "attachments/{attachment}/"),
    ("get", "history/"),
    ("get", "pdf/"),
]


@pytest.mark.parametrize(("method", "suffix"), ENDPOINTS)
def test_another_municipalitys_application_is_a_404(api_client, officer, other_officer, method, suffix):
    theirs = complete_application(municipality=other_officer.municipality, created_by=other_officer)
    attachment = _stored_attachment(theirs)
    api_client.force_authenticate(officer)
    url = f"/api/v1/applications/{theirs.pk}/{suffix.format(attachment=attachment.pk)}"
    data = {"title": "Overgenomen"} if method in ("put", "patch") else None
    response = getattr(api_client, method)(url, data)
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.DRAFT
    assert theirs.title != "Overgenomen"
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_another_municipalitys_application_is_not_listed(api_client, officer, other_officer):
    complete_application(municipality=other_officer.municipality, created_by=other_officer)
    api_client.force_authenticate(officer)
    assert api_client.get("/api/v1/applications/").json()["count"] == 0


def test_an_attachment_of_another_application_is_a_404(api_client, officer, other_officer, draft):
    theirs = complete_application(municipality=other_officer.municipality, created_by=other_officer)
    attachment = _stored_attachment(theirs)
    api_client.force_authenticate(officer)
    assert api_client.get(f"/api/v1/applications/{draft.pk}/attachments/{attachment.pk}/").status_code == 404


def test_administrators_see_no_drafts_and_reviewers_nothing(api_client, administrator, reviewer, draft):
    for user in (administrator, reviewer):
        api_client.force_authenticate(user)
        assert api_client.get("/api/v1/applications/").json()["count"] == 0
        assert api_client.get(f"/api/v1/applications/{draft.pk}/").status_code == 404
        assert api_client.get(f"/api/v1/applications/{draft.pk}/pdf/").status_code == 404


def test_a_download_error_is_json_even_when_a_pdf_is_asked_for(api_client, officer, other_officer):
    theirs = complete_application(municipality=other_officer.municipality, created_by=other_officer)
    api_client.force_authenticate(officer)
    response = api_client.get(f"/api/v1/applications/{theirs.pk}/pdf/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


# --- 403 ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["reviewer", "administrator"])
def test_ministry_roles_cannot_create_or_edit_applications(api_client, request, role, submitted):
    api_client.force_authenticate(request.getfixturevalue(role))
    call = CallFactory()
    response = api_client.post("/api/v1/applications/", {"call": call.pk, "title": "Plan"})
    assert response.status_code == 403
    assert response.json() == {"detail": "Uw rol heeft geen toegang tot dit onderdeel."}
    for method, suffix in [
        ("patch", ""),
        ("delete", ""),
        ("post", "submit/"),
        ("post", "withdraw/"),
        ("post", "attachments/"),
    ]:
        url = f"/api/v1/applications/{submitted.pk}/{suffix}"
        assert getattr(api_client, method)(url).status_code == 403, (method, suffix)


@pytest.mark.parametrize("action", ["request-information", "start-review"])
def test_officers_cannot_take_the_ministrys_steps(api_client, officer, submitted, action):
    api_client.force_authenticate(officer)
    response = api_client.post(f"/api/v1/applications/{submitted.pk}/{action}/", {"message": "Graag meer"})
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_ministry_staff_without_two_factor_are_refused(api_client):
    from tests.factories import AdministratorFactory

    api_client.force_authenticate(AdministratorFactory(totp=False))
    response = api_client.get("/api/v1/applications/")
    assert response.status_code == 403
    assert "Tweestapsverificatie" in response.json()["detail"]


# --- 409 ---------------------------------------------------------------------------------------------


def test_submitting_twice_is_a_conflict_with_a_clear_message(api_client, officer, submitted):
    response = api_client.post(f"/api/v1/applications/{submitted.pk}/submit/")
    assert response.status_code == 409
    assert response.json() == {"detail": "Deze aanvraag is al ingediend of kan in deze status niet worden ingediend."}
    assert AuditEvent.objects.filter(verb="application.submitted").count() == 1


def test_a_submitted_application_cannot_be_edited_deleted_or_added_to(api_client, officer, submitted):
    url = f"/api/v1/applications/{submitted.pk}/"
    for response in (
        api_client.patch(url, {"goals": "Anders"}),
        api_client.put(url, {"goals": "Anders"}),
        api_client.patch(url, {}),
    ):
        assert response.status_code == 409
        assert response.json() == {"detail": "Deze aanvraag is ingediend en kan niet meer worden gewijzigd."}
    deleted = api_client.delete(url)
    assert deleted.status_code == 409
    assert deleted.json() == {"detail": "Alleen een concept kan worden verwijderd; trek een ingediende aanvraag in."}
    upload = api_client.post(f"{url}attachments/", {"file": _pdf()}, format="multipart")
    assert upload.status_code == 409
    assert not Attachment.objects.exists()
    submitted.refresh_from_db()
    assert submitted.goals != "Anders"


def test_a_stale_revision_is_a_conflict(api_client, officer, draft):
    api_client.force_authenticate(officer)
    url = f"/api/v1/applications/{draft.pk}/"
    first = api_client.patch(url, {"goals": "Eerste", "revision": draft.revision})
    assert first.status_code == 200
    second = api_client.patch(url, {"goals": "Tweede", "revision": draft.revision})
    assert second.status_code == 409
    assert "heeft deze aanvraag intussen gewijzigd" in second.json()["detail"]
    draft.refresh_from_db()
    assert draft.goals == "Eerste"


def test_ministry_steps_out_of_order_are_conflicts(api_client, administrator, submitted):
    api_client.force_authenticate(administrator)
    assert api_client.post(f"/api/v1/applications/{submitted.pk}/start-review/").status_code == 200
    again = api_client.post(f"/api/v1/applications/{submitted.pk}/start-review/")
    assert again.status_code == 409
    asked = api_client.post(f"/api/v1/applications/{submitted.pk}/request-information/", {"message": "Meer"})
    assert asked.status_code == 200  # during review too (the reviews wait)
    again = api_client.post(f"/api/v1/applications/{submitted.pk}/request-information/", {"message": "Meer"})
    assert again.status_code == 409


def test_withdrawing_twice_is_a_conflict(api_client, officer, draft):
    api_client.force_authenticate(officer)
    assert api_client.post(f"/api/v1/applications/{draft.pk}/withdraw/").status_code == 200
    assert api_client.post(f"/api/v1/applications/{draft.pk}/withdraw/").status_code == 409


# --- 401 ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/applications/"),
        ("post", "/api/v1/applications/"),
        ("get", "/api/v1/calls/"),
        ("get", "/api/v1/schemes/"),
        ("get", "/api/v1/applications/1/pdf/"),
        ("post", "/api/v1/applications/1/submit/"),
    ],
)
def test_anonymous_callers_get_401(api_client, method, url):
    response = getattr(api_client, method)(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_an_application_of_a_closed_call_cannot_be_started(api_client, officer):
    now = datetime.datetime.now(tz=datetime.UTC)
    call = CallFactory(opens_at=now - datetime.timedelta(days=9), closes_at=now - datetime.timedelta(days=1))
    api_client.force_authenticate(officer)
    response = api_client.post("/api/v1/applications/", {"call": call.pk, "title": "Te laat"})
    assert response.status_code == 400
    assert response.json()["call"][0].startswith("Deze aanvraagronde is gesloten sinds")
