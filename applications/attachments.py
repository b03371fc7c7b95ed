"""Attachments: the checks of an upload (the format is detected from the content, never trusted from the
file name), and the services that add and remove them."""

from __future__ import annotations

import datetime
import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import User
from applications.active_content import refuse_active_content
from applications.models import Application, Attachment, RequiredAttachment
from applications.services import check_editable, check_visible, lock, touch

FORMAT_LABELS = {"pdf": "PDF", "xlsx": "Excel (XLSX)", "docx": "Word (DOCX)"}


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    file_format: str
    sha256: str
    size: int
    name: str


def detect_format(content: bytes) -> str | None:
    """'pdf', 'xlsx', 'docx' or None, from the bytes alone."""
    if content[:5] == b"%PDF-":
        # A real PDF ends with an end-of-file marker (possibly followed by whitespace or padding).
        return "pdf" if b"%%EOF" in content[-2048:] else None
    if content[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names:
            return "docx"
    return None


def _safe_name(name: str, file_format: str) -> str:
    """Keep the person's own name for display, without path parts, with the detected extension."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip() or _("bijlage")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem[:200]}.{file_format}"


def check_upload(upload, *, allowed: tuple[str, ...], max_mb: int) -> CheckedFile:
    """Read and check an uploaded file; a ValidationError says exactly why it was refused."""
    if upload is None:
        raise ValidationError({"file": [_("Kies een bestand om toe te voegen.")]})
    max_bytes = max_mb * 1024 * 1024
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            {
                "file": [
                    _("Het bestand is te groot (%(size)s MB). Het maximum is %(max)s MB.")
                    % {"size": f"{upload.size / 1024 / 1024:.1f}".replace(".", ","), "max": max_mb}
                ]
            }
        )
    content = upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise ValidationError({"file": [_("Het bestand is te groot. Het maximum is %(max)s MB.") % {"max": max_mb}]})
    if not content:
        raise ValidationError({"file": [_("Het bestand is leeg. Kies een bestand met inhoud.")]})
    detected = detect_format(content)
    allowed_labels = ", ".join(FORMAT_LABELS[f] for f in allowed)
    if detected is None:
        raise ValidationError(
            {
                "file": [
                    _(
                        "Dit bestand is geen geldig %(formats)s-bestand; de inhoud klopt niet met een toegestaan "
                        "formaat, ook al eindigt de naam misschien op .pdf. "
                        "Sla het document opnieuw op als %(formats)s."
                    )
                    % {"formats": allowed_labels}
                ]
            }
        )
    if detected not in allowed:
        raise ValidationError(
            {
                "file": [
                    _(
                        "Bestanden van het type %(format)s zijn in deze aanvraagronde niet toegestaan. "
                        "Toegestaan: %(formats)s."
                    )
                    % {"format": FORMAT_LABELS[detected], "formats": allowed_labels}
                ]
            }
        )
    refuse_active_content(content, detected)
    return CheckedFile(
        content=content,
        file_format=detected,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        name=_safe_name(getattr(upload, "name", "") or "", detected),
    )


def add_attachment(
    *,
    application: Application,
    by: User,
    upload,
    requirement: RequiredAttachment | None = None,
    expected_revision: int | None = None,
    now: datetime.datetime | None = None,
) -> Attachment:
    now = now or timezone.now()
    check_visible(application, by)
    call = application.call
    if requirement is not None and requirement.call_id != call.pk:
        raise ValidationError({"requirement": [_("Deze soort bijlage hoort niet bij deze aanvraagronde.")]})
    checked = check_upload(upload, allowed=call.allowed_formats, max_mb=call.max_attachment_mb)
    attachment = Attachment(
        requirement=requirement,
        original_name=checked.name,
        file_format=checked.file_format,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by,
        uploaded_at=now,
    )
    try:
        with transaction.atomic():
            application = lock(application, by)
            check_editable(application, by, expected_revision)
            attachment.application = application
            attachment.file.save(checked.name, ContentFile(checked.content), save=False)
            attachment.save()
            touch(application, by, now)
            application.save(update_fields=["revision", "updated_by", "updated_at"])
            audit.record(
                actor=by,
                verb="application.attachment_added",
                target=application,
                data={
                    "attachment": attachment.pk,
                    "name": checked.name,
                    "format": checked.file_format,
                    "size": checked.size,
                    "sha256": checked.sha256,
                    "requirement": requirement.name if requirement else None,
                },
            )
    except BaseException:
        if attachment.file.name:  # the file was written but its row was not: remove the orphan
            attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


def remove_attachment(
    *, attachment: Attachment, by: User, expected_revision: int | None = None, now: datetime.datetime | None = None
) -> None:
    now = now or timezone.now()
    application = attachment.application
    check_visible(application, by)
    with transaction.atomic():
        application = lock(application, by)
        check_editable(application, by, expected_revision)
        name, sha256, file_name = attachment.original_name, attachment.sha256, attachment.file.name
        attachment.delete()
        touch(application, by, now)
        application.save(update_fields=["revision", "updated_by", "updated_at"])
        audit.record(
            actor=by,
            verb="application.attachment_removed",
            target=application,
            data={"name": name, "sha256": sha256},
        )
        storage = Attachment._meta.get_field("file").storage
        if file_name:
            transaction.on_commit(lambda: storage.delete(file_name))
