"""Accountability (verantwoording) per decision number and year: what the municipality spent, reported in the
portal or imported from the SiSa figures, and for an Awb subsidy the report it sent with them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import is_ministry, is_officer
from allocations.runs.models import Decision
from applications.models import MONEY


class Indicator(models.TextChoices):
    """The indicators of the documented import file, one row each (as SiSa keys its figures by indicator)."""

    SPENT = "B01", _("Besteding in het jaar")
    SPENT_TO_DATE = "B02", _("Cumulatieve besteding tot en met het jaar")
    FINAL = "B03", _("Eindverantwoording (ja/nee)")
    FINISHED = "B04", _("Project afgerond (ja/nee)")


class Source(models.TextChoices):
    PORTAL = "portal", _("Ingevuld in het portaal")
    IMPORT = "import", _("Geïmporteerd uit SiSa")


def report_path(instance: Statement, filename: str) -> str:
    """Private storage under a random name, as letters and attachments."""
    return f"accountability/{uuid.uuid4().hex}.pdf"


class StatementQuerySet(models.QuerySet):
    def visible_to(self, user) -> StatementQuerySet:
        """Ministry staff see every statement, an officer those of their own municipality, anyone else none."""
        if is_ministry(user):
            return self
        if is_officer(user) and user.municipality_id:
            return self.filter(decision__application__municipality_id=user.municipality_id)
        return self.none()


class ImportBatch(models.Model):
    """One imported file: every statement it wrote points to it, so an import can be traced to its file."""

    file_name = models.CharField(_("bestandsnaam"), max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(_("regels"))
    statements = models.PositiveIntegerField(_("verantwoordingen"))
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(_("geïmporteerd op"), default=timezone.now)

    class Meta:
        verbose_name = _("import van verantwoordingen")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return self.file_name


class Statement(models.Model):
    """The figures of one decision for one year. A correction of the latest year replaces its figures (the
    audit trail keeps the old ones); nothing changes after the final account."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="statements")
    year = models.PositiveSmallIntegerField(_("jaar"))
    spent = models.DecimalField(_("besteding in het jaar"), **MONEY)
    spent_to_date = models.DecimalField(_("cumulatieve besteding"), **MONEY)
    final = models.BooleanField(_("eindverantwoording"), default=False)
    finished = models.BooleanField(_("project afgerond"), default=False)
    report = models.FileField(_("verslag"), upload_to=report_path, max_length=255, blank=True)
    report_name = models.CharField(_("naam van het verslag"), max_length=255, blank=True)
    report_sha256 = models.CharField(max_length=64, blank=True)
    source = models.CharField(_("bron"), max_length=10, choices=Source.choices)
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("ingevoerd op"), default=timezone.now)

    objects = StatementQuerySet.as_manager()

    class Meta:
        verbose_name = _("verantwoording")
        verbose_name_plural = _("verantwoordingen")
        ordering = ["decision__number", "year"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "year"], name="one_statement_per_decision_and_year"),
            models.UniqueConstraint(fields=["decision"], condition=Q(final=True), name="one_final_statement"),
            models.CheckConstraint(
                condition=Q(spent__gte=0) & Q(spent_to_date__gte=F("spent")), name="statement_spending_adds_up"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision.number} {self.year}"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Termijn nadert")
    OVERDUE = "overdue", _("Termijn verstreken")


class Reminder(models.Model):
    """One reminder e-mail about one statement due: written before the e-mail is queued, so a second beat (or a
    retried task) finds it and sends nothing again."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("jaar"))
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["decision", "year", "kind"], name="one_reminder_per_statement_due")
        ]

    def __str__(self) -> str:
        return f"{self.decision_id} {self.year} {self.kind}"
