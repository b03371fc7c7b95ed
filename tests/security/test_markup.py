"""HTML and script in free text (issue 13) stay literal text: escaped in pages and e-mails, printed as
text in the PDFs (the submission copy and the award letter), and neutralised as formulas in exports."""

import dataclasses
import io
import re
import zipfile

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from allocations.letters import pdf
from allocations.letters.content import Kind
from allocations.letters.samples import sample_content
from applications import services
from applications.documents import render_application_pdf
from applications.models import BudgetLine
from tests.allocations.final_runs import export_run
from tests.factories import complete_application

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'
IMG = "<img src=x onerror=alert(1)>"
PAYLOAD = f"{SCRIPT}{IMG}<b>vet</b>"
ESCAPED = "&lt;script&gt;"
FREE_TEXT = ["title", "goals", "approach", "partners", "residents_involvement", "cofinancing_sources", "area_name"]


@pytest.fixture
def hostile(officer, municipality):
    municipality.name = f"Gemeente {IMG}"
    municipality.save()
    officer.first_name, officer.last_name = "<i>Eva</i>", SCRIPT
    officer.save()
    application = complete_application(municipality=municipality, created_by=officer)
    for name in FREE_TEXT:
        setattr(application, name, f"{name}: {PAYLOAD}"[:200] if name in ("title", "area_name") else PAYLOAD)
    application.save()
    BudgetLine.objects.filter(application=application).update(description=PAYLOAD[:255])
    return application


def _assert_escaped(body: str, where: str):
    assert SCRIPT not in body, where
    assert IMG not in body, where
    assert "<b>vet</b>" not in body, where
    assert ESCAPED in body or "&lt;img src=x" in body, where


def test_pages_escape_every_free_text(hostile, officer, administrator, tally):
    officer_client = Client()
    officer_client.force_login(officer)
    pages = [
        reverse("application_detail", args=[hostile.pk]),
        reverse("application_list"),
        reverse("application_check", args=[hostile.pk]),
        reverse("application_step", args=[hostile.pk, "plan"]),
        reverse("municipality_detail", args=[hostile.municipality.cbs_code]),
    ]
    for url in pages:
        response = officer_client.get(url)
        assert response.status_code == 200, url
        _assert_escaped(response.content.decode(), url)
    services.submit_application(application=hostile, by=officer)
    admin_client = Client()
    admin_client.force_login(administrator)
    for url in (reverse("application_detail", args=[hostile.pk]), reverse("application_list")):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        _assert_escaped(response.content.decode(), url)
    # Each free-text field on each surface of this module: the officer's pages, the administrator's two,
    # the e-mail's two parts, the submission copy; plus the letter's four fields, the three exports and the
    # three texts of the review test.
    tally("markup", len(FREE_TEXT) * (len(pages) + 2 + 2 + 1) + 4 + 3 + 3)


def test_receipt_email_escapes_html_and_keeps_text_literal(hostile, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_application(application=hostile, by=officer)
    receipts = [m for m in mail.outbox if officer.email in m.to]
    assert receipts
    for message in receipts:
        assert SCRIPT not in message.subject
        for body, mimetype in getattr(message, "alternatives", []):
            assert mimetype == "text/html"
            _assert_escaped(body, "html e-mail")
        assert "&lt;" not in message.body  # the text part is text: not escaped twice, nothing to interpret


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "") for page in reader.pages).split())


def test_the_submission_copy_prints_markup_as_text(hostile):
    text = _pdf_text(render_application_pdf(hostile))
    assert 'alert("x")' in text and "<script>" in text  # printed, not run or swallowed as an element
    assert "<b>vet</b>" in text


def test_the_award_letter_prints_markup_as_text():
    content = sample_content(Kind.AWARD)
    content = dataclasses.replace(
        content,
        application_title=f"Plan {SCRIPT}",
        addressee=dataclasses.replace(content.addressee, municipality=f"Gemeente {IMG}"),
        texts=dataclasses.replace(content.texts, introduction=f"Inleiding {PAYLOAD}", closing=f"Slot {SCRIPT}"),
    )
    html = pdf.letter_html(content)
    assert SCRIPT not in html and IMG not in html
    text = _pdf_text(pdf.letter_pdf(content))
    assert text.count("<script>") >= 2
    assert "<img src=x onerror=alert(1)>" in text
    assert "<b>vet</b>" in text


@pytest.mark.parametrize("export_format", ["csv", "csv_nl", "xlsx"])
def test_exports_neutralise_formulas(administrator_client, export_format):
    run = export_run(lines=2)  # the first title is =HYPERLINK("http://evil.example","klik")
    response = administrator_client.get(reverse("run_export_download", args=[run.pk, export_format]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if export_format == "xlsx":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            data = b"".join(archive.read(name) for name in archive.namelist() if name.startswith("xl/"))
        text = data.decode()
        assert set(re.findall(r"<f>(\w+)\(", text)) <= {"SUM"}  # only the export's own totals are formulas
        assert "'=HYPERLINK" in text.replace("&apos;", "'")
    else:
        text = data.decode("utf-8-sig")
        assert "'=HYPERLINK" in text
        assert not any(
            cell.startswith("=") for line in text.splitlines() for cell in line.split(",;"[export_format == "csv_nl"])
        )


def test_review_comments_and_information_requests_are_escaped(hostile, officer, reviewer, administrator):
    """A reviewer's motivation and comment on the review page, an administrator's information request on
    the officer's page and in its e-mail."""
    from applications.assessment import services as assessment
    from tests.factories import CriterionFactory

    services.submit_application(application=hostile, by=officer)
    services.request_information(application=hostile, by=administrator, message=PAYLOAD)
    page = _client(officer).get(reverse("application_detail", args=[hostile.pk]))
    _assert_escaped(page.content.decode(), "information request")
    services.submit_application(application=hostile, by=officer)
    criterion = CriterionFactory(call=hostile.call)
    assignment = assessment.assign_reviewer(application=hostile, reviewer=reviewer, by=administrator)
    assessment.save_review(
        assignment=assignment,
        by=reviewer,
        scores={criterion.pk: {"score": 7, "motivation": PAYLOAD}},
        overall_comment=PAYLOAD,
    )
    page = _client(reviewer).get(reverse("review_detail", args=[assignment.pk]))
    assert page.status_code == 200
    _assert_escaped(page.content.decode(), "review page")
    for message in mail.outbox:
        for body, _mimetype in getattr(message, "alternatives", []):
            assert SCRIPT not in body and IMG not in body


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
