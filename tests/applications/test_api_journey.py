"""The applicant's journey through the API with a personal token, the deadline with a frozen clock, and
list endpoints whose query count stays the same as rows grow."""

import datetime
import hashlib
from decimal import Decimal

import pytest
import time_machine
from post_office.models import Email

from accounts.services import issue_api_token
from applications.models import Application, ApplicationDocument, Attachment, Status
from tests.factories import (
    ApplicationFactory,
    BudgetLineFactory,
    CallFactory,
    MembershipFactory,
    NetworkFactory,
    RequiredAttachmentFactory,
    ThemeFactory,
    complete_application,
)

pytestmark = pytest.mark.django_db
AMSTERDAM = datetime.timezone(datetime.timedelta(hours=1))


@pytest.fixture
def real_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<p>Plan van aanpak</p>").write_pdf()


@pytest.fixture
def token_client(api_client, officer):
    _token, key = issue_api_token(user=officer, name="koppeling zaaksysteem")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api_client


def test_officer_applies_and_submits_by_api_with_a_token(
    token_client, officer, real_pdf, django_capture_on_commit_callbacks
):
    call = CallFactory(
        title="Leefbaarheidsfonds 2027", max_per_application=Decimal("500000.00"), min_cofinancing_pct=Decimal("25")
    )
    school = ThemeFactory(scheme=call.scheme, name="School en omgeving")
    youth = ThemeFactory(scheme=call.scheme, name="Ontwikkeling jonge kind")
    plan = RequiredAttachmentFactory(call=call, name="Plan van aanpak")

    calls = token_client.get("/api/v1/calls/")
    assert calls.status_code == 200
    listed = calls.json()
    assert set(listed) == {"count", "next", "previous", "results"}
    assert listed["count"] == 1
    summary = listed["results"][0]
    assert summary["status"] == "open"
    assert summary["eligible"] is True
    assert summary["budget"] == "10000000.00"
    assert summary["max_per_application"] == "500000.00"
    assert summary["years"] == [2027, 2028, 2029]
    assert summary["required_attachments"] == [{"id": plan.pk, "name": "Plan van aanpak", "description": ""}]
    assert {t["name"] for t in summary["themes"]} == {"School en omgeving", "Ontwikkeling jonge kind"}
    assert datetime.datetime.fromisoformat(summary["closes_at"]).utcoffset() is not None

    created = token_client.post("/api/v1/applications/", {"call": call.pk, "title": "Samen sterk in Batau"})
    assert created.status_code == 201, created.json()
    application = created.json()
    assert application["status"] == "draft"
    assert application["municipality"] == "GM0356"
    assert application["reference"].endswith("-GM0356-1")
    assert application["updated_by"] == officer.full_name
    assert application["editable"] is True
    assert set(application["available_actions"]) == {"submit", "withdraw"}
    url = f"/api/v1/applications/{application['id']}/"

    patched = token_client.patch(
        url,
        {
            "revision": application["revision"],
            "goals": "Minder schooluitval.",
            "approach": "Brede school en wijkteam.",
            "partners": "Corporatie, scholen, GGD.",
            "residents_involvement": "Een bewonersraad beslist mee.",
            "requested_amount": "300000.00",
            "cofinancing_amount": "100000",
            "cofinancing_sources": "Begroting 2027",
            "budget_lines": [
                {"theme": school.pk, "year": 2027, "amount": "200000.00", "description": "Schoolpleinen"},
                {"theme": youth.pk, "year": 2028, "amount": "100000.00"},
            ],
        },
    )
    assert patched.status_code == 200, patched.json()
    body = patched.json()
    assert body["requested_amount"] == "300000.00"
    assert body["cofinancing_amount"] == "100000.00"
    assert body["cofinancing_pct"] == "33.33"
    assert body["budget_total"] == "300000.00"
    assert body["revision"] > application["revision"]
    assert [(line["theme_name"], line["year"], line["amount"]) for line in body["budget_lines"]] == [
        ("School en omgeving", 2027, "200000.00"),
        ("Ontwikkeling jonge kind", 2028, "100000.00"),
    ]

    uploaded = token_client.post(
        f"{url}attachments/", {"file": _upload("plan.pdf", real_pdf), "requirement": plan.pk}, format="multipart"
    )
    assert uploaded.status_code == 201, uploaded.json()
    attachment = uploaded.json()
    assert attachment["format"] == "pdf"
    assert attachment["requirement"] == plan.pk
    assert attachment["sha256"] == hashlib.sha256(real_pdf).hexdigest()
    assert attachment["size"] == len(real_pdf)
    assert token_client.get(f"{url}attachments/").json()["count"] == 1

    download = token_client.get(attachment["download_url"], HTTP_ACCEPT="application/pdf")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == real_pdf

    with django_capture_on_commit_callbacks(execute=True):
        submitted = token_client.post(f"{url}submit/")
    assert submitted.status_code == 200, submitted.json()
    body = submitted.json()
    assert body["status"] == "submitted"
    assert body["status_display"] == "Ingediend"
    assert body["editable"] is False
    assert body["available_actions"] == ["withdraw"]
    assert datetime.datetime.fromisoformat(body["submitted_at"]).utcoffset() is not None
    receipt = Email.objects.get()
    assert officer.email in receipt.to
    assert application["reference"] in receipt.subject

    history = token_client.get(f"{url}history/").json()
    assert [entry["verb"] for entry in history["results"]] == [
        "application.created",
        "application.updated",
        "application.budget_updated",
        "application.attachment_added",
        "application.submitted",
    ]

    document = ApplicationDocument.objects.get(application_id=application["id"])
    pdf = token_client.get(f"{url}pdf/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content) == document.file.open("rb").read()

    mine = token_client.get("/api/v1/applications/?status=submitted").json()
    assert [item["id"] for item in mine["results"]] == [application["id"]]
    assert token_client.get("/api/v1/applications/?status=draft").json()["count"] == 0


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_draft_pdf_is_rendered_on_the_fly(api_client, officer):
    application = complete_application(municipality=officer.municipality, created_by=officer)
    api_client.force_authenticate(officer)
    response = api_client.get(f"/api/v1/applications/{application.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content[:5] == b"%PDF-"
    assert f'filename="{application.reference}.pdf"' in response["Content-Disposition"]


def test_ministry_sees_all_calls_and_officers_eligibility(api_client, officer, administrator, municipality):
    m50 = NetworkFactory(code="M50")
    nplv = NetworkFactory(code="NPLV")
    MembershipFactory(municipality=municipality, network=m50)
    for_m50 = CallFactory(title="Voor M50")
    for_m50.eligible_networks.set([m50])
    for_nplv = CallFactory(title="Voor NPLV")
    for_nplv.eligible_networks.set([nplv])
    CallFactory(title="Nog niet gepubliceerd", is_published=False)

    api_client.force_authenticate(officer)
    results = api_client.get("/api/v1/calls/").json()["results"]
    assert {c["title"]: c["eligible"] for c in results} == {"Voor M50": True, "Voor NPLV": False}
    assert {c["title"]: c["eligible_networks"] for c in results} == {"Voor M50": ["M50"], "Voor NPLV": ["NPLV"]}

    api_client.force_authenticate(administrator)
    results = api_client.get("/api/v1/calls/").json()["results"]
    assert {c["title"] for c in results} == {"Voor M50", "Voor NPLV", "Nog niet gepubliceerd"}
    assert {c["eligible"] for c in results} == {None}


def test_calls_can_be_filtered_by_status(api_client, officer):
    now, day = datetime.datetime.now(tz=AMSTERDAM), datetime.timedelta(days=1)
    CallFactory(title="Open")
    CallFactory(title="Straks", opens_at=now + 3 * day, closes_at=now + 9 * day)
    CallFactory(title="Voorbij", opens_at=now - 9 * day, closes_at=now - 3 * day)
    api_client.force_authenticate(officer)
    for wanted, title in [("open", "Open"), ("upcoming", "Straks"), ("closed", "Voorbij")]:
        results = api_client.get(f"/api/v1/calls/?status={wanted}").json()["results"]
        assert [(c["title"], c["status"]) for c in results] == [(title, wanted)]
    assert api_client.get("/api/v1/calls/?status=later").status_code == 400


def test_officers_see_the_ministry_as_an_organisation(api_client, officer, administrator, settings):
    application = complete_application(municipality=officer.municipality, created_by=officer)
    api_client.force_authenticate(officer)
    api_client.post(f"/api/v1/applications/{application.pk}/submit/")
    api_client.force_authenticate(administrator)
    response = api_client.post(
        f"/api/v1/applications/{application.pk}/request-information/", {"message": "Stuur de begroting per school mee."}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "info_requested"
    # A ministry action is no edit of the content: "updated_by" stays the officer who submitted.
    assert response.json()["updated_by"] == officer.full_name

    api_client.force_authenticate(officer)
    body = api_client.get(f"/api/v1/applications/{application.pk}/").json()
    assert body["updated_by"] == officer.full_name
    assert body["editable"] is True
    assert set(body["available_actions"]) == {"submit", "withdraw"}
    assert body["information_requests"][0]["message"] == "Stuur de begroting per school mee."
    history = api_client.get(f"/api/v1/applications/{application.pk}/history/").json()["results"]
    assert history[-1]["verb"] == "application.information_requested"
    assert history[-1]["who"] == settings.MINISTRY_NAME
    assert administrator.full_name not in str(history)

    resubmitted = api_client.post(f"/api/v1/applications/{application.pk}/submit/")
    assert resubmitted.json()["status"] == "submitted"
    api_client.force_authenticate(administrator)
    review = api_client.post(f"/api/v1/applications/{application.pk}/start-review/")
    assert review.status_code == 200
    assert review.json()["status"] == "in_review"
    assert review.json()["available_actions"] == ["request_information"]  # also during review


def test_withdraw_with_a_reason(api_client, officer):
    application = complete_application(municipality=officer.municipality, created_by=officer)
    api_client.force_authenticate(officer)
    response = api_client.post(f"/api/v1/applications/{application.pk}/withdraw/", {"reason": "Plan gaat niet door"})
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    history = api_client.get(f"/api/v1/applications/{application.pk}/history/").json()["results"]
    assert history[-1]["data"]["reason"] == "Plan gaat niet door"


def test_a_draft_can_be_deleted_and_an_attachment_removed(api_client, officer, real_pdf):
    application = complete_application(municipality=officer.municipality, created_by=officer)
    api_client.force_authenticate(officer)
    url = f"/api/v1/applications/{application.pk}/"
    attachment = api_client.post(
        f"{url}attachments/", {"file": _upload("plan.pdf", real_pdf)}, format="multipart"
    ).json()
    assert api_client.delete(f"{url}attachments/{attachment['id']}/").status_code == 204
    assert not Attachment.objects.exists()
    assert api_client.delete(url).status_code == 204
    assert not Application.objects.exists()


class TestDeadline:
    """Submitting by API follows the call's window in server time: before close yes, at and after no."""

    @pytest.fixture
    def application(self, officer):
        call = CallFactory(
            opens_at=datetime.datetime(2027, 1, 5, 9, 0, tzinfo=AMSTERDAM),
            closes_at=datetime.datetime(2027, 3, 1, 17, 0, tzinfo=AMSTERDAM),
        )
        with time_machine.travel(datetime.datetime(2027, 1, 10, 12, 0, tzinfo=AMSTERDAM), tick=False):
            return complete_application(municipality=officer.municipality, created_by=officer, call=call)

    def _submit(self, api_client, officer, application, moment):
        api_client.force_authenticate(officer)
        with time_machine.travel(moment, tick=False):
            return api_client.post(f"/api/v1/applications/{application.pk}/submit/")

    def test_one_second_before_close_is_accepted(self, api_client, officer, application):
        response = self._submit(
            api_client, officer, application, datetime.datetime(2027, 3, 1, 16, 59, 59, tzinfo=AMSTERDAM)
        )
        assert response.status_code == 200, response.json()
        assert response.json()["submitted_at"] == "2027-03-01T16:59:59+01:00"

    @pytest.mark.parametrize(
        "moment",
        [
            datetime.datetime(2027, 3, 1, 17, 0, 0, tzinfo=AMSTERDAM),
            datetime.datetime(2027, 3, 2, 9, 0, tzinfo=AMSTERDAM),
        ],
        ids=["at-close", "after-close"],
    )
    def test_at_and_after_close_is_refused(self, api_client, officer, application, moment):
        response = self._submit(api_client, officer, application, moment)
        assert response.status_code == 400
        assert response.json() == {
            "non_field_errors": ["Deze aanvraagronde is gesloten sinds 01-03-2027 17:00. Indienen kan niet meer."]
        }
        application.refresh_from_db()
        assert application.status == Status.DRAFT


def _calls(n, municipality):
    network = NetworkFactory(code="M50")
    if not network.memberships.exists():
        MembershipFactory(municipality=municipality, network=network)
    for _i in range(n):
        call = CallFactory()
        call.eligible_networks.set([network])
        ThemeFactory(scheme=call.scheme)
        RequiredAttachmentFactory(call=call)


@pytest.mark.parametrize("role", ["officer", "administrator"])
def test_calls_list_query_count_is_constant(count_queries, api_client, officer, administrator, municipality, role):
    user = officer if role == "officer" else administrator
    api_client.force_authenticate(user)
    _calls(2, municipality)
    few = count_queries(api_client, "/api/v1/calls/")
    _calls(8, municipality)
    assert api_client.get("/api/v1/calls/").json()["count"] == 10
    assert count_queries(api_client, "/api/v1/calls/") == few


def _applications(n, officer, status=Status.DRAFT):
    for _i in range(n):
        application = ApplicationFactory(municipality=officer.municipality, created_by=officer, status=status)
        BudgetLineFactory(application=application)
        Attachment.objects.create(
            application=application,
            file="attachments/x",
            original_name="plan.pdf",
            file_format="pdf",
            size=10,
            sha256="0" * 64,
            uploaded_by=officer,
            requirement=RequiredAttachmentFactory(call=application.call),
        )


@pytest.mark.parametrize("role", ["officer", "administrator"])
def test_applications_list_query_count_is_constant(count_queries, api_client, officer, administrator, role):
    user = officer if role == "officer" else administrator
    api_client.force_authenticate(user)
    _applications(2, officer, Status.SUBMITTED)
    few = count_queries(api_client, "/api/v1/applications/")
    _applications(8, officer, Status.SUBMITTED)
    assert api_client.get("/api/v1/applications/").json()["count"] == 10
    assert count_queries(api_client, "/api/v1/applications/") == few


def test_the_applications_list_is_a_summary_with_the_budget_total_and_the_detail_has_the_parts(
    count_queries, api_client, officer, administrator
):
    api_client.force_authenticate(administrator)
    _applications(3, officer, Status.SUBMITTED)
    listed = api_client.get("/api/v1/applications/").json()["results"]
    assert len(listed) == 3
    for row in listed:
        application = Application.objects.get(pk=row["id"])
        assert row["budget_total"] == f"{application.budget_total:.2f}" and application.budget_total > 0
        assert "budget_lines" not in row and "attachments" not in row and "goals" not in row
        assert row["reference"] == application.reference
        detail = api_client.get(f"/api/v1/applications/{row['id']}/").json()
        assert len(detail["budget_lines"]) == 1 and len(detail["attachments"]) == 1
        assert detail["budget_total"] == row["budget_total"]
        assert detail["available_actions"] == row["available_actions"] and detail["editable"] == row["editable"]
    # Only the rows, the count and the signed-in user: no query per nested part of the detail.
    assert count_queries(api_client, "/api/v1/applications/") <= 5


def test_schemes_list_query_count_is_constant(count_queries, api_client, officer):
    from tests.factories import SchemeFactory

    api_client.force_authenticate(officer)
    for _i in range(2):
        ThemeFactory(scheme=SchemeFactory())
    few = count_queries(api_client, "/api/v1/schemes/")
    for _i in range(8):
        ThemeFactory(scheme=SchemeFactory())
    assert count_queries(api_client, "/api/v1/schemes/") == few


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/applications/",
        "/api/v1/applications/{id}/",
        "/api/v1/calls/",
        "/api/v1/schemes/",
        "/api/v1/applications/{id}/attachments/",
    ],
)
def test_options_describe_the_endpoints(api_client, officer, url):
    application = complete_application(municipality=officer.municipality, created_by=officer)
    api_client.force_authenticate(officer)
    assert api_client.options(url.format(id=application.pk)).status_code == 200
