"""Award letters (beschikkingen): every version of every letter, stored privately with its SHA-256."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allocations.runs.models import Decision


def letter_path(instance: Letter, filename: str) -> str:
    """Private storage under a random name; the decision number is in the database, not the path."""
    return f"letters/{uuid.uuid4().hex}.pdf"


class Letter(models.Model):
    """One version of the letter for one decision; a corrected letter is a new version, the old one kept."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="letters")
    version = models.PositiveIntegerField(_("versie"))
    file = models.FileField(upload_to=letter_path, max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    text_version = models.PositiveIntegerField(_("versie van de briefteksten"), default=1)
    created_at = models.DateTimeField(_("gemaakt op"), default=timezone.now)
    superseded_at = models.DateTimeField(_("vervangen op"), null=True, blank=True)

    class Meta:
        ordering = ["decision", "-version"]
        verbose_name = _("beschikkingsbrief")
        verbose_name_plural = _("beschikkingsbrieven")
        constraints = [
            models.UniqueConstraint(fields=["decision", "version"], name="unique_letter_version"),
            models.UniqueConstraint(
                fields=["decision"], condition=Q(superseded_at__isnull=True), name="one_current_letter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision.number} v{self.version}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None
