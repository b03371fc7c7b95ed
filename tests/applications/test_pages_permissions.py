"""The permission matrix over every call and application page and every download: the officer of the
municipality, an officer of another municipality, a reviewer, an administrator and an anonymous visitor.

Outside the organisation is a 404, a role that may not act is a 403, a state that forbids the action shows
its message (a redirect to a page that says so, or 409 on a step), and anonymous visitors log in first."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from applications import attachments, services
from tests.applications.conftest import MINIMAL_PDF
from tests.factories import CallFactory, complete_application

pytestmark = pytest.mark.django_db

ROLES = ("officer", "other_officer", "reviewer", "administrator")
EVERYONE = dict.fromkeys(ROLES, 200)
ONLY_OWN = {"officer": 200, "other_officer": 404, "reviewer": 404, "administrator": 404}
OWN_AND_ADMIN = {"officer": 200, "other_officer": 404, "reviewer": 404, "administrator": 200}
STEP_DATA = {"goals": "x", "approach": "", "partners": "", "residents_involvement": ""}

# (case id, url name, target, extra url args, method, post data, expected status per role)
CASES = [
    ("call_list", "call_list", None, (), "get", None, EVERYONE),
    ("call_detail", "call_detail", "call", (), "get", None, EVERYONE),
    (
        "application_start",
        "application_start",
        "call",
        (),
        "post",
        {"title": "Plan"},
        {"officer": 302, "other_officer": 302, "reviewer": 403, "administrator": 403},
    ),
    (
        "application_list",
        "application_list",
        None,
        (),
        "get",
        None,
        {"officer": 200, "other_officer": 200, "reviewer": 403, "administrator": 200},
    ),
    ("detail/draft", "application_detail", "draft", (), "get", None, ONLY_OWN),
    ("detail/submitted", "application_detail", "submitted", (), "get", None, OWN_AND_ADMIN),
    *[
        (f"step {step}/draft", "application_step", "draft", (step,), "get", None, ONLY_OWN)
        for step in ("gebied", "plan", "begroting", "cofinanciering", "bijlagen")
    ],
    *[
        (
            f"step {step}/submitted",
            "application_step",
            "submitted",
            (step,),
            "get",
            None,
            {"officer": 302, "other_officer": 404, "reviewer": 404, "administrator": 403},
        )
        for step in ("gebied", "plan", "begroting", "cofinanciering", "bijlagen")
    ],
    (
        "save step/draft",
        "application_step",
        "draft",
        ("plan",),
        "post",
        STEP_DATA,
        {"officer": 302, "other_officer": 404, "reviewer": 404, "administrator": 404},
    ),
    (
        "save step/submitted",
        "application_step",
        "submitted",
        ("plan",),
        "post",
        STEP_DATA,
        {"officer": 409, "other_officer": 404, "reviewer": 404, "administrator": 403},
    ),
    (
        "upload/submitted",
        "application_step",
        "submitted",
        ("bijlagen",),
        "post",
        "upload",
        {"officer": 409, "other_officer": 404, "reviewer": 404, "administrator": 403},
    ),
    ("check/draft", "application_check", "draft", (), "get", None, ONLY_OWN),
    ("check/submitted", "application_check", "submitted", (), "get", None, OWN_AND_ADMIN),
    (
        "submit/draft",
        "application_transition",
        "draft",
        ("submit",),
        "post",
        {},
        {"officer": 302, "other_officer": 404, "reviewer": 404, "administrator": 404},
    ),
    (
        "submit/submitted",
        "application_transition",
        "submitted",
        ("submit",),
        "post",
        {},
        {"officer": 302, "other_officer": 404, "reviewer": 404, "administrator": 403},
    ),
    (
        "withdraw/submitted",
        "application_transition",
        "submitted",
        ("withdraw",),
        "post",
        {"intrekken-confirm": "on"},
        {"officer": 302, "other_officer": 404, "reviewer": 404, "administrator": 403},
    ),
    (
        "request_information/submitted",
        "application_transition",
        "submitted",
        ("request_information",),
        "post",
        {"aanvulling-message": "Graag de begroting per jaar."},
        {"officer": 403, "other_officer": 404, "reviewer": 404, "administrator": 302},
    ),
    (
        "start_review/submitted",
        "application_transition",
        "submitted",
        ("start_review",),
        "post",
        {},
        {"officer": 403, "other_officer": 404, "reviewer": 404, "administrator": 302},
    ),
    (
        "delete/draft",
        "application_delete",
        "draft",
        (),
        "post",
        {"verwijderen-confirm": "on"},
        {"officer": 302, "other_officer": 404, "reviewer": 404, "administrator": 404},
    ),
    (
        "delete/submitted",
        "application_delete",
        "submitted",
        (),
        "post",
        {"verwijderen-confirm": "on"},
        {"officer": 302, "other_officer": 404, "reviewer": 404, "administrator": 403},
    ),
    ("pdf/draft", "application_pdf", "draft", (), "get", None, ONLY_OWN),
    ("pdf/submitted", "application_pdf", "submitted", (), "get", None, OWN_AND_ADMIN),
    ("download/draft", "attachment_download", "draft", ("attachment",), "get", None, ONLY_OWN),
    ("download/submitted", "attachment_download", "submitted", ("attachment",), "get", None, OWN_AND_ADMIN),
    (
        "remove attachment/draft",
        "attachment_delete",
        "draft",
        ("attachment",),
        "post",
        {},
        {"officer": 302, "other_officer": 404, "reviewer": 404, "administrator": 404},
    ),
    (
        "remove attachment/submitted",
        "attachment_delete",
        "submitted",
        ("attachment",),
        "post",
        {},
        {"officer": 302, "other_officer": 404, "reviewer": 404, "administrator": 403},
    ),
]


@pytest.fixture
def objects(officer):
    def with_attachment(application):
        attachment = attachments.add_attachment(
            application=application, by=officer, upload=SimpleUploadedFile("plan.pdf", MINIMAL_PDF)
        )
        return application, attachment

    draft, draft_attachment = with_attachment(
        complete_application(municipality=officer.municipality, created_by=officer)
    )
    submitted, submitted_attachment = with_attachment(
        complete_application(municipality=officer.municipality, created_by=officer)
    )
    services.submit_application(application=submitted, by=officer)
    return {
        "call": CallFactory(),
        "draft": draft,
        "submitted": submitted,
        "attachment": {"draft": draft_attachment, "submitted": submitted_attachment},
    }


def _request(client, objects, name, target, extra, method, data):
    args = []
    if target is not None:
        args.append(objects[target].pk)
    args += [objects["attachment"][target].pk if part == "attachment" else part for part in extra]
    url = reverse(name, args=args)
    if method == "get":
        return url, client.get(url)
    if data == "upload":
        data = {"soort": "overig", "bestand": SimpleUploadedFile("extra.pdf", MINIMAL_PDF)}
    elif name == "application_step":
        objects[target].refresh_from_db()
        data = {"revision": objects[target].revision, **data}
    return url, client.post(url, data)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("case", "name", "target", "extra", "method", "data", "expected"), CASES, ids=[case[0] for case in CASES]
)
def test_permission_matrix(request, objects, role, case, name, target, extra, method, data, expected):
    client = request.getfixturevalue(f"{role}_client")
    _url, response = _request(client, objects, name, target, extra, method, data)
    assert response.status_code == expected[role], f"{case} as {role}"
    if expected[role] == 200 and name in ("application_pdf", "attachment_download"):
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("case", "name", "target", "extra", "method", "data", "expected"), CASES, ids=[case[0] for case in CASES]
)
def test_anonymous_visitors_are_sent_to_log_in(objects, case, name, target, extra, method, data, expected):
    _url, response = _request(Client(), objects, name, target, extra, method, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


def test_the_state_messages_are_shown_not_errors(officer_client, objects):
    submitted = objects["submitted"]
    response = officer_client.post(
        reverse("application_delete", args=[submitted.pk]), {"verwijderen-confirm": "on"}, follow=True
    )
    assert response.status_code == 200
    assert "Alleen een concept kan worden verwijderd" in response.content.decode()
    attachment = objects["attachment"]["submitted"]
    response = officer_client.post(reverse("attachment_delete", args=[submitted.pk, attachment.pk]), follow=True)
    assert "Deze aanvraag is ingediend en kan niet meer worden gewijzigd." in response.content.decode()
