"""The decision a final run writes for each application, and the outcome its award means.

A decision never changes what it decided; once its letter is sent it never changes at all (a change is a new
decision).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts import textlimits
from accounts.textlimits import limited
from accounts.workflow import TransitionNotAllowed
from allocations.runs.models.runs import AllocationLine, AllocationRun, FinalRunChanged
from applications.models import MONEY, Application


class DecisionChanged(FinalRunChanged):
    """What a decision decided (its amount, outcome, number, line, run, date or maker) was about to change, or
    the decision was about to be deleted. A revised decision is a new decision with its own letter."""

    def __init__(self) -> None:
        super().__init__(
            str(
                _(
                    "Een genomen besluit kan niet worden gewijzigd of verwijderd. Een herzien besluit is een nieuw "
                    "besluit, met een eigen brief en bezwaartermijn."
                )
            )
        )


class Outcome(models.TextChoices):
    AWARDED = "awarded", _("Toegekend")
    PARTIALLY_AWARDED = "partially_awarded", _("Gedeeltelijk toegekend")
    REJECTED = "rejected", _("Afgewezen")


def outcome_for(*, awarded, requested) -> Outcome:
    """The outcome an award means against its request (Decimal or cents alike); approval writes it, and
    verification derives it again from the recomputed line."""
    if awarded <= 0:
        return Outcome.REJECTED
    if awarded < requested:
        return Outcome.PARTIALLY_AWARDED
    return Outcome.AWARDED


#: What a decision decided; these never change once it is written (the database refuses it too, migration
#: 0008). ``sent_at`` and later workflow columns still change; ``reason`` keeps its stored text.
DECISION_FROZEN_FIELDS = ("application", "run", "line", "number", "outcome", "amount", "decided_at", "decided_by")


class SentDecisionChanged(TransitionNotAllowed):
    """A decision whose letter was sent was about to change (HTTP 409): a sent decision stands as it was
    sent. Changing it is a new decision with its own letter, sending and objection term."""

    def __init__(self) -> None:
        super().__init__(
            str(
                _(
                    "Deze beschikking is verzonden en kan niet meer worden gewijzigd. Een ander besluit is een "
                    "nieuw besluit, met een eigen brief, verzending en bezwaartermijn."
                )
            )
        )


class DecisionQuerySet(models.QuerySet):
    """Bulk updates of what a decision decided, and bulk deletes, are refused; setting ``sent_at`` is not,
    except on a decision that was already sent, which never changes at all."""

    def update(self, **kwargs):
        if self.filter(sent_at__isnull=False).exists():
            raise SentDecisionChanged
        frozen = {name for field in DECISION_FROZEN_FIELDS for name in (field, f"{field}_id")}
        if frozen.intersection(kwargs) and self.exists():
            raise DecisionChanged
        return super().update(**kwargs)

    def delete(self):
        if self.exists():
            raise DecisionChanged
        return super().delete()


class Decision(models.Model):
    """The decision a final run wrote onto one application; its ``number`` is the beschikkingsnummer.

    Written once, at approval: what it decided never changes and it is never deleted (``DECISION_FROZEN_FIELDS``);
    once its letter is sent (``sent_at``) nothing of it changes (``SentDecisionChanged``).
    """

    Outcome = Outcome

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="decision")
    run = models.ForeignKey(AllocationRun, on_delete=models.PROTECT, related_name="decisions")
    line = models.OneToOneField(AllocationLine, on_delete=models.PROTECT, related_name="decision")
    number = models.CharField(_("beschikkingsnummer"), max_length=40, unique=True)
    outcome = models.CharField(_("besluit"), max_length=20, choices=Outcome.choices)
    amount = models.DecimalField(_("toegekend bedrag"), **MONEY)
    reason = models.TextField(_("motivering"), blank=True, **limited(textlimits.MESSAGE))
    decided_at = models.DateTimeField(_("besloten op"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("verzonden op"), null=True, blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("beschikking (besluit)")
        verbose_name_plural = _("beschikkingen (besluiten)")

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        if self.pk is not None:
            if Decision.objects.filter(pk=self.pk, sent_at__isnull=False).exists():
                raise SentDecisionChanged
            self._refuse_change(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DecisionChanged

    def _refuse_change(self, update_fields) -> None:
        """A save that would change a frozen field is refused."""
        fields = [
            self._meta.get_field(name)
            for name in DECISION_FROZEN_FIELDS
            if update_fields is None or name in update_fields or f"{name}_id" in update_fields
        ]
        if not fields:
            return
        stored = Decision.objects.filter(pk=self.pk).values(*(f.attname for f in fields)).first()
        if stored is not None and any(stored[f.attname] != f.to_python(getattr(self, f.attname)) for f in fields):
            raise DecisionChanged
