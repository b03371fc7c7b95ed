"""PDF copies of applications, rendered with WeasyPrint from an HTML template and stored privately
with their SHA-256. Each submission adds a version; earlier versions are kept."""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from applications import selectors
from applications.models import Application, ApplicationDocument, Status


def render_application_pdf(application: Application, *, submitted_at: datetime.datetime | None = None) -> bytes:
    """Render in Dutch, tagged for accessibility (PDF/UA-1)."""
    from weasyprint import HTML

    application = (
        Application.objects.select_related("call", "call__scheme", "municipality", "updated_by")
        .prefetch_related("budget_lines__theme", "attachments__requirement")
        .get(pk=application.pk)
    )
    # A draft (or an application being completed) is a concept: marked as such, never "as submitted".
    concept = submitted_at is None and application.status in (Status.DRAFT, Status.INFO_REQUESTED)
    with translation.override("nl"):
        html = render_to_string(
            "applications/pdf/application.html",
            {
                "application": application,
                "concept": concept,
                "budget": selectors.budget_table(application),
                "submitted_by": None if concept else selectors.submitted_by(application),
                "submitted_at": None if concept else (submitted_at or application.submitted_at),
                "generated_at": timezone.now(),
                "MINISTRY_NAME": settings.MINISTRY_NAME,
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)


def store_submission_copy(application: Application, *, submitted_at: datetime.datetime) -> ApplicationDocument:
    """Idempotent: one document per submission moment, however often the task runs."""
    existing = ApplicationDocument.objects.filter(application=application, submitted_at=submitted_at).first()
    if existing is not None:
        return existing
    content = render_application_pdf(application, submitted_at=submitted_at)
    for _attempt in range(3):
        version = (
            ApplicationDocument.objects.filter(application=application)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
            or 0
        ) + 1
        document = ApplicationDocument(
            application=application,
            version=version,
            submitted_at=submitted_at,
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
        )
        document.file.save(f"{application.reference}-v{version}.pdf", ContentFile(content), save=False)
        try:
            with transaction.atomic():
                document.save()
            return document
        except IntegrityError:
            document.file.storage.delete(document.file.name)
            existing = ApplicationDocument.objects.filter(application=application, submitted_at=submitted_at).first()
            if existing is not None:
                return existing
    raise RuntimeError(f"Could not store a PDF copy of {application.reference}")
