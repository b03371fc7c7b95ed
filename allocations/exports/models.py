"""Export jobs: a large export is built by a background task and downloaded when it is ready.

The job row is the source of truth: its status, progress and file survive a worker restart, and a
retried or duplicated task message finds the job done (or leased by another worker) and does nothing.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allocations.runs.models import AllocationRun


def export_path(instance: ExportJob, filename: str) -> str:
    """Private storage under a random name; what it holds is in the database."""
    return f"exports/{uuid.uuid4().hex}{filename[filename.rfind('.') :]}"


class ExportFormat(models.TextChoices):
    CSV = "csv", _("CSV (komma, decimale punt)")
    CSV_NL = "csv_nl", _("CSV voor Nederlandse Excel (puntkomma, decimale komma)")
    XLSX = "xlsx", _("Excel (XLSX)")
    JSON = "json", _("JSON")


# How each format's file name ends. The two CSV variants hold the same table in different dialects, so
# they must not share a name: a download of one never overwrites the other in a folder, and whoever opens
# "-puntkomma.csv" knows to expect semicolons and decimal commas.
FILE_ENDINGS: dict[str, str] = {
    ExportFormat.CSV: ".csv",
    ExportFormat.CSV_NL: "-puntkomma.csv",
    ExportFormat.XLSX: ".xlsx",
    ExportFormat.JSON: ".json",
}


# The media type each format is sent with, by a direct download and by a job's file alike.
CONTENT_TYPES: dict[str, str] = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.CSV_NL: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.JSON: "application/json",
}


def export_filename(stem: str, fmt: str) -> str:
    """The download name of an export: ``stem`` plus the format's ending (``FILE_ENDINGS``)."""
    return stem + FILE_ENDINGS[fmt]


def decisions_filename(run: AllocationRun, fmt: str) -> str:
    """A run's decisions, e.g. ``besluiten-LF-2026-verdeling-2-puntkomma.csv``; pages, API and jobs alike."""
    return export_filename(f"besluiten-{run.call.code}-verdeling-{run.number}", fmt)


def publication_filename(call_code: str, fmt: str) -> str:
    return export_filename(f"publicatie-{call_code}", fmt)


class ExportJobStatus(models.TextChoices):
    QUEUED = "queued", _("In de wachtrij")
    RUNNING = "running", _("Bezig")
    DONE = "done", _("Klaar")
    FAILED = "failed", _("Mislukt")


class ExportJob(models.Model):
    """One export of a final run's decisions, built in the background."""

    Status = ExportJobStatus

    run = models.ForeignKey(AllocationRun, on_delete=models.PROTECT, related_name="export_jobs")
    format = models.CharField(_("formaat"), max_length=10, choices=ExportFormat.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ExportJobStatus.choices, default=ExportJobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("voortgang (%)"), default=0)
    rows_total = models.PositiveIntegerField(_("regels"), default=0)
    file = models.FileField(upload_to=export_path, max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(_("foutmelding"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("aangevraagd op"), default=timezone.now)
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    # The attempt that holds the lease (allocations.jobs): its writes land only while this is its token.
    lease_token = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("exporttaak")
        verbose_name_plural = _("exporttaken")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="export_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.run} – {self.get_format_display()}"

    @property
    def is_done(self) -> bool:
        return self.status == ExportJobStatus.DONE

    @property
    def filename(self) -> str:
        return decisions_filename(self.run, self.format)

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]
