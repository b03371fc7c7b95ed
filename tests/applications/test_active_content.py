"""Uploads with active content are refused with the reason, on the page and in the API: PDFs that run
JavaScript or other programs, carry files, Flash/video players or XFA forms; Office files with macros or
ActiveX. A reviewer only ever opens a plain document."""

import io
import zipfile

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from applications import attachments as services
from applications.models import Attachment, Call
from tests.applications.conftest import MINIMAL_PDF, office_file
from tests.factories import complete_application

pytestmark = pytest.mark.django_db

REFUSED = "Dit bestand bevat actieve inhoud ({found}) die bij het openen kan worden uitgevoerd."


@pytest.fixture
def application(officer):
    application = complete_application(municipality=officer.municipality, created_by=officer)
    application.call.attachment_formats = Call.AttachmentFormats.PDF_OFFICE
    application.call.save()
    return application


def _pdf(build) -> bytes:
    """A real one-page PDF written by qpdf, changed by ``build(pdf)``; compressed object streams, so the
    names are not visible in the bytes."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    build(pdf)
    buffer = io.BytesIO()
    pdf.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True)
    return buffer.getvalue()


def _javascript(pdf):
    pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))


def _page_action(pdf):
    pdf.pages[0].obj.AA = pikepdf.Dictionary(
        O=pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe")))
    )


def _named_javascript(pdf):
    script = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("x()")))
    pdf.Root.Names = pikepdf.Dictionary(JavaScript=pikepdf.Dictionary(Names=[pikepdf.String("a"), script]))


def _embedded_file(pdf):
    pdf.attachments["factuur.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00")


def _xfa(pdf):
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[], XFA=pdf.make_stream(b"<xdp/>"))


def _rich_media(pdf):
    pdf.pages[0].obj.Annots = [
        pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.RichMedia, Rect=[0, 0, 10, 10])
        )
    ]


def _link_only(pdf):
    pdf.pages[0].obj.Annots = [
        pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Link,
                Rect=[0, 0, 10, 10],
                A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://www.rijksoverheid.nl")),
            )
        )
    ]


@pytest.mark.parametrize(
    ("build", "found"),
    [
        (_javascript, "JavaScript, OpenAction"),
        (_page_action, "AA, Launch"),
        (_named_javascript, "JavaScript"),
        (_embedded_file, "EmbeddedFile"),
        (_xfa, "XFA"),
        (_rich_media, "RichMedia"),
    ],
)
def test_a_pdf_with_active_content_is_refused_with_the_reason(application, officer, build, found):
    upload = SimpleUploadedFile("plan.pdf", _pdf(build), content_type="application/pdf")
    with pytest.raises(ValidationError) as excinfo:
        services.add_attachment(application=application, by=officer, upload=upload)
    [message] = excinfo.value.message_dict["file"]
    assert message.startswith(REFUSED.format(found=found))
    assert not Attachment.objects.exists()


def test_hex_escaped_names_do_not_hide_javascript(application, officer):
    content = MINIMAL_PDF.replace(b"/Type/Catalog", b"/Type/Catalog/Open#41ction<</S/J#61vaScript/JS(x)>>")
    with pytest.raises(ValidationError) as excinfo:
        services.add_attachment(application=application, by=officer, upload=SimpleUploadedFile("plan.pdf", content))
    assert "JavaScript, OpenAction" in excinfo.value.message_dict["file"][0]


def test_plain_pdfs_with_links_are_accepted(application, officer):
    for content in (MINIMAL_PDF, _pdf(lambda pdf: None), _pdf(_link_only)):
        services.add_attachment(application=application, by=officer, upload=SimpleUploadedFile("p.pdf", content))
    assert Attachment.objects.count() == 3


def test_a_password_protected_pdf_is_refused(application, officer):
    pdf = pikepdf.new()
    pdf.add_blank_page()
    buffer = io.BytesIO()
    pdf.save(buffer, encryption=pikepdf.Encryption(user="geheim", owner="geheim"))
    with pytest.raises(ValidationError) as excinfo:
        services.add_attachment(
            application=application, by=officer, upload=SimpleUploadedFile("p.pdf", buffer.getvalue())
        )
    assert "met een wachtwoord beveiligd" in excinfo.value.message_dict["file"][0]


def _office(kind: str, extra: dict[str, bytes], content_types: str = "<Types/>") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("xl/workbook.xml" if kind == "xlsx" else "word/document.xml", "<x/>")
        for name, data in extra.items():
            archive.writestr(name, data)
    return buffer.getvalue()


MACRO_TYPES = (
    '<Types><Override PartName="/word/document.xml" ContentType="application/'
    'vnd.ms-word.document.macroEnabled.main+xml"/></Types>'
)


@pytest.mark.parametrize(
    ("content", "found"),
    [
        (_office("docx", {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}), "macro's"),
        (_office("xlsx", {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"}), "macro's"),
        (_office("docx", {}, MACRO_TYPES), "macro's"),
        (_office("xlsx", {"xl/activeX/activeX1.xml": b"<ax/>"}), "ActiveX-elementen"),
    ],
)
def test_office_files_with_macros_or_activex_are_refused(application, officer, content, found):
    with pytest.raises(ValidationError) as excinfo:
        services.add_attachment(
            application=application, by=officer, upload=SimpleUploadedFile("begroting.docx", content)
        )
    assert excinfo.value.message_dict["file"][0].startswith(REFUSED.format(found=found))
    assert not Attachment.objects.exists()


def test_plain_office_files_are_accepted(application, officer):
    for kind in ("docx", "xlsx"):
        services.add_attachment(
            application=application, by=officer, upload=SimpleUploadedFile(f"b.{kind}", office_file(kind))
        )
    assert Attachment.objects.count() == 2


def test_the_api_refuses_it_as_a_field_error_in_the_requests_language(application, officer):
    client = APIClient()
    client.force_authenticate(officer)
    url = f"/api/v1/applications/{application.pk}/attachments/"
    content = _pdf(_javascript)
    dutch = client.post(url, {"file": SimpleUploadedFile("plan.pdf", content)}, format="multipart")
    assert dutch.status_code == 400
    assert dutch.json()["file"][0].startswith(REFUSED.format(found="JavaScript, OpenAction"))
    english = client.post(
        url, {"file": SimpleUploadedFile("plan.pdf", content)}, format="multipart", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.json()["file"][0].startswith("This file contains active content (JavaScript, OpenAction)")
    assert not Attachment.objects.exists()
