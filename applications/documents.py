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
from applications.visibility import shown_status_label


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
                # The copy is the municipality's document: its status as the municipality may see it.
                "status_label": shown_status_label(application.status, None),
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
                Application.objects.filter(pk=application.pk).update(copy_failures=0)
            return document
        except IntegrityError:
            document.file.storage.delete(document.file.name)
            existing = ApplicationDocument.objects.filter(application=application, submitted_at=submitted_at).first()
            if existing is not None:
                return existing
    raise RuntimeError(f"Could not store a PDF copy of {application.reference}")


def missing_copies(*, max_failures: int, older_than: datetime.timedelta = datetime.timedelta(minutes=5)) -> list:
    """(id, submitted_at) of submitted applications without a copy of their last submission, submitted
    longer ago than ``older_than`` and with fewer than ``max_failures`` failed attempts."""
    from django.db.models import Exists, OuterRef

    stored = ApplicationDocument.objects.filter(application=OuterRef("pk"), submitted_at=OuterRef("submitted_at"))
    return list(
        Application.objects.filter(
            submitted_at__isnull=False,
            submitted_at__lt=timezone.now() - older_than,
            copy_failures__lt=max_failures,
        )
        .exclude(Exists(stored))
        .values_list("pk", "submitted_at")
    )


# The sweeper (tasks.sweep_submission_copies) tries a failed copy again this many times; after that the page
# says it failed.
COPY_MAX_FAILURES = 3


def copy_state(application: Application, documents: list[ApplicationDocument]) -> str:
    """'' when the copy of the last submission is stored (or nothing was submitted), else 'pending' or
    'failed' (it failed and is tried again) or 'given_up'."""
    if application.submitted_at is None or any(d.submitted_at == application.submitted_at for d in documents):
        return ""
    if application.copy_failures >= COPY_MAX_FAILURES:
        return "given_up"
    return "failed" if application.copy_failures else "pending"
