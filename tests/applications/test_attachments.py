"""Uploads are checked by content, size and the call's allowed formats, and stored privately."""

import hashlib

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AuditEvent
from applications import attachments, services
from applications.attachments import detect_format
from applications.models import Attachment, Call
from tests.applications.conftest import MINIMAL_PDF, office_file
from tests.factories import CallFactory, RequiredAttachmentFactory, complete_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(officer):
    return complete_application(municipality=officer.municipality, created_by=officer)


def _upload_error(application, officer, upload):
    with pytest.raises(ValidationError) as excinfo:
        attachments.add_attachment(application=application, by=officer, upload=upload)
    return excinfo.value.message_dict["file"]


def test_a_real_pdf_is_stored_privately_with_its_hash(application, officer, pdf_upload):
    requirement = RequiredAttachmentFactory(call=application.call, name="Plan van aanpak")
    attachment = attachments.add_attachment(
        application=application, by=officer, upload=pdf_upload("../../etc/plan.PDF"), requirement=requirement
    )
    assert attachment.file_format == "pdf"
    assert attachment.original_name == "plan.pdf"
    assert attachment.sha256 == hashlib.sha256(MINIMAL_PDF).hexdigest()
    assert attachment.size == len(MINIMAL_PDF)
    location = str(settings.STORAGES["default"]["OPTIONS"]["location"])
    assert attachment.file.path.startswith(location)
    assert not attachment.file.name.endswith(".pdf")  # stored under a random name
    with open(attachment.file.path, "rb") as stored:
        assert stored.read() == MINIMAL_PDF
    assert AuditEvent.objects.filter(verb="application.attachment_added").count() == 1


def test_a_fake_pdf_renamed_pdf_is_refused(application, officer):
    messages = _upload_error(application, officer, SimpleUploadedFile("begroting.pdf", b"Dit is gewoon tekst.\n"))
    assert messages == [
        "Dit bestand is geen geldig PDF-bestand; de inhoud klopt niet met een toegestaan formaat, ook al eindigt "
        "de naam misschien op .pdf. Sla het document opnieuw op als PDF."
    ]
    assert not Attachment.objects.exists()


def test_a_truncated_pdf_is_refused(application, officer):
    truncated = MINIMAL_PDF[: len(MINIMAL_PDF) // 2]
    assert detect_format(truncated) is None
    assert _upload_error(application, officer, SimpleUploadedFile("kapot.pdf", truncated))


def test_an_empty_file_is_refused(application, officer):
    assert _upload_error(application, officer, SimpleUploadedFile("leeg.pdf", b"")) == [
        "Het bestand is leeg. Kies een bestand met inhoud."
    ]


def test_an_oversize_file_is_refused(officer):
    call = CallFactory(max_attachment_mb=1)
    application = complete_application(call=call, municipality=officer.municipality, created_by=officer)
    big = MINIMAL_PDF[:-7] + b" " * (1024 * 1024) + b"\n%%EOF\n"
    assert _upload_error(application, officer, SimpleUploadedFile("groot.pdf", big)) == [
        "Het bestand is te groot (1,0 MB). Het maximum is 1 MB."
    ]


def test_office_files_only_where_the_call_allows_them(officer):
    pdf_only = complete_application(municipality=officer.municipality, created_by=officer)
    assert _upload_error(pdf_only, officer, SimpleUploadedFile("begroting.xlsx", office_file("xlsx"))) == [
        "Bestanden van het type Excel (XLSX) zijn in deze aanvraagronde niet toegestaan. Toegestaan: PDF."
    ]
    call = CallFactory(attachment_formats=Call.AttachmentFormats.PDF_OFFICE)
    office = complete_application(call=call, municipality=officer.municipality, created_by=officer)
    sheet = attachments.add_attachment(
        application=office, by=officer, upload=SimpleUploadedFile("begroting.pdf", office_file("xlsx"))
    )
    assert (sheet.file_format, sheet.original_name) == ("xlsx", "begroting.xlsx")
    doc = attachments.add_attachment(
        application=office, by=officer, upload=SimpleUploadedFile("brief.docx", office_file("docx"))
    )
    assert doc.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_a_zip_that_is_not_an_office_file_is_refused(application, officer):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("virus.exe", "MZ")
    assert detect_format(buffer.getvalue()) is None


def test_removing_an_attachment_deletes_the_file_after_commit(
    application, officer, pdf_upload, django_capture_on_commit_callbacks
):
    attachment = attachments.add_attachment(application=application, by=officer, upload=pdf_upload())
    path = attachment.file.path
    with django_capture_on_commit_callbacks(execute=True):
        attachments.remove_attachment(attachment=attachment, by=officer)
    assert not Attachment.objects.exists()
    import os

    assert not os.path.exists(path)
    assert AuditEvent.objects.filter(verb="application.attachment_removed").count() == 1


def test_attachments_cannot_change_after_submission(application, officer, pdf_upload):
    from accounts.workflow import TransitionNotAllowed

    services.submit_application(application=application, by=officer)
    with pytest.raises(TransitionNotAllowed):
        attachments.add_attachment(application=application, by=officer, upload=pdf_upload())
