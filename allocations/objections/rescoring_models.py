"""A reopened scoring (Awb 7:11, full reconsideration): on an open objection case, an administrator has the
objector's application scored again by reviewers who did not score it before, and its points breakdown is
recomputed by the call's own rules from those new reviews.

The new reviews are stored here, apart from the original ones: the application's reviews, its stored points
and the final run's snapshot stay as they were decided. What the reopened scoring gives is a correction
(``points``) that a reconsideration may take, recorded with its source (this scoring's id and hash).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import textlimits
from accounts.textlimits import limited
from allocations.objections.models import ObjectionCase
from applications.models import Application, Criterion
from applications.models.reviews import POINTS


class ReopenedScoring(models.Model):
    """One reopening of the scoring of the case's application; closed once its new reviews are in and the
    breakdown recomputed (then ``breakdown`` holds the result, as the points page shows one)."""

    case = models.ForeignKey(
        ObjectionCase, on_delete=models.PROTECT, related_name="reopened_scorings", verbose_name=_("bezwaar")
    )
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="reopened_scorings", verbose_name=_("aanvraag")
    )
    reason = models.TextField(_("reden"), **limited(textlimits.MESSAGE))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("heropend door")
    )
    opened_at = models.DateTimeField(_("heropend op"), default=timezone.now)
    closed_at = models.DateTimeField(_("herberekend op"), null=True, blank=True)
    reviewer_score = models.DecimalField(_("beoordelingsscore"), **POINTS, null=True, blank=True)
    need_score = models.DecimalField(_("behoeftescore"), **POINTS, null=True, blank=True)
    bonus_score = models.DecimalField(_("voorrangspunten"), **POINTS, null=True, blank=True)
    total = models.DecimalField(_("totaal"), **POINTS, null=True, blank=True)
    # The recomputed components as the points rules give them (strings, never floats), and their SHA-256.
    breakdown = models.JSONField(_("puntenopbouw"), default=dict, blank=True)
    sha256 = models.CharField(_("hash van de puntenopbouw"), max_length=64, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("heropende beoordeling")
        verbose_name_plural = _("heropende beoordelingen")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(closed_at__isnull=True), name="one_open_reopened_scoring_per_case"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Heropende beoordeling van {reference}")).format(reference=self.application.reference)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class RescoreStatus(models.TextChoices):
    DRAFT = "draft", _("Concept")
    SUBMITTED = "submitted", _("Ingediend")


class Rescore(models.Model):
    """One new review in a reopened scoring: the reviewer's scores per criterion, as in the usual review."""

    Status = RescoreStatus

    scoring = models.ForeignKey(
        ReopenedScoring, on_delete=models.PROTECT, related_name="rescores", verbose_name=_("heropende beoordeling")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rescores", verbose_name=_("beoordelaar")
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(_("toegewezen op"), default=timezone.now)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    overall_comment = models.TextField(_("algemene toelichting"), blank=True, **limited(textlimits.CONTENT))
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(_("ingediend op"), null=True, blank=True)

    class Meta:
        ordering = ["scoring", "assigned_at", "pk"]
        verbose_name = _("nieuwe beoordeling")
        verbose_name_plural = _("nieuwe beoordelingen")
        constraints = [
            models.UniqueConstraint(fields=["scoring", "reviewer"], name="one_rescore_per_reviewer"),
        ]

    def __str__(self) -> str:
        return f"{self.scoring.application.reference} → {self.reviewer}"

    @property
    def submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class RescoreScore(models.Model):
    rescore = models.ForeignKey(Rescore, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    motivation = models.TextField(_("motivering"), blank=True, **limited(textlimits.MESSAGE))

    class Meta:
        ordering = ["rescore", "criterion__order", "criterion__pk"]
        constraints = [models.UniqueConstraint(fields=["rescore", "criterion"], name="one_rescore_per_criterion")]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"
