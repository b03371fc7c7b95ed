"""A reconsideration of one decision of a final run: the re-run on the run's frozen snapshot with only one
application's corrections (``reconsideration.py``), stored so that it can be verified like a run.

It records the inputs (the run, the application, the corrections as canonical JSON, the snapshot's hash, the
engine's version, what earlier reconsiderations of the run had taken from the reserve) and their SHA-256, and
what the re-run gave: the objector's old and new position and every other line in cents, and the extra money
with its source. Nothing of the run, its lines, decisions or letters changes (Awb 4:25 lid 3). A record is
written once and never changed; a new reconsideration of the same application replaces it (``replaces``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import textlimits
from accounts.textlimits import limited
from accounts.workflow import TransitionNotAllowed
from allocations.runs.models import AllocationRun
from applications.models import MONEY, Application


class ReconsiderationChanged(TransitionNotAllowed):
    """A stored reconsideration was about to change or be deleted (HTTP 409): it is a record of what was
    computed; a different one is a new reconsideration."""

    def __init__(self) -> None:
        super().__init__(
            str(
                _(
                    "Een vastgelegde heroverweging kan niet worden gewijzigd of verwijderd. Een andere correctie is "
                    "een nieuwe heroverweging."
                )
            )
        )


class ReconsiderationQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if self.exists():
            raise ReconsiderationChanged
        return super().update(**kwargs)

    def delete(self):
        if self.exists():
            raise ReconsiderationChanged
        return super().delete()

    def current(self) -> ReconsiderationQuerySet:
        """The reconsiderations that stand: per application of a run the latest, not replaced by a later one."""
        return self.filter(replaced_by__isnull=True)


class Reconsideration(models.Model):
    run = models.ForeignKey(
        AllocationRun, on_delete=models.PROTECT, related_name="reconsiderations", verbose_name=_("verdeling")
    )
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="reconsiderations", verbose_name=_("aanvraag")
    )
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("vervangt"),
    )
    corrections = models.JSONField(_("correcties"))
    # Where a correction came from, per correction: e.g. ``{"points": {"reopened_scoring": 7, "sha256": ...}}``
    # for points from a reopened scoring of an objection. Part of the inputs' hash when there is any.
    sources = models.JSONField(_("herkomst van de correcties"), default=dict, blank=True)
    reason = models.TextField(_("reden"), **limited(textlimits.MESSAGE))
    snapshot_sha256 = models.CharField(_("hash van de vastgelegde invoer"), max_length=64)
    engine_version = models.CharField(_("versie rekenkern"), max_length=20)
    reserve_used_before = models.DecimalField(_("eerder uit de reserve"), **MONEY)
    # SHA-256 over the inputs: the snapshot's hash, the application, the corrections, the engine's version and
    # what the reserve had given before (``reconsideration_services.inputs_sha256``).
    sha256 = models.CharField(_("hash van de heroverweging"), max_length=64)
    result = models.JSONField(_("resultaat van de herberekening"))
    old_amount = models.DecimalField(_("eerder toegekend"), **MONEY)
    rerun_amount = models.DecimalField(_("volgens de herberekening"), **MONEY)
    awarded = models.DecimalField(_("nu toegekend"), **MONEY)
    extra = models.DecimalField(_("extra toegekend"), **MONEY)
    from_reserve = models.DecimalField(_("uit de reserve"), **MONEY)
    on_top = models.DecimalField(_("boven het plafond"), **MONEY)
    not_worse_off = models.BooleanField(_("oude bedrag blijft (Awb 7:11)"), default=False)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("berekend door")
    )
    computed_at = models.DateTimeField(_("berekend op"), default=timezone.now)

    objects = ReconsiderationQuerySet.as_manager()

    class Meta:
        ordering = ["run", "-computed_at", "-pk"]
        verbose_name = _("heroverweging")
        verbose_name_plural = _("heroverwegingen")
        constraints = [
            models.CheckConstraint(
                condition=Q(extra=F("from_reserve") + F("on_top")), name="reconsideration_extra_is_its_sources"
            ),
            models.CheckConstraint(
                condition=Q(awarded=F("old_amount") + F("extra")), name="reconsideration_awarded_is_old_plus_extra"
            ),
            models.CheckConstraint(
                condition=Q(extra__gte=0) & Q(from_reserve__gte=0) & Q(on_top__gte=0),
                name="reconsideration_money_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Heroverweging van {reference} in verdeling {number}")).format(
            reference=self.application.reference, number=self.run.number
        )

    def save(self, *args, **kwargs):
        if self.pk is not None and Reconsideration.objects.filter(pk=self.pk).exists():
            raise ReconsiderationChanged
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ReconsiderationChanged
