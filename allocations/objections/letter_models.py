"""The letters of an objection case (DESIGN.md §7a): the acknowledgement of receipt, the repair-term letter, the
postponement notice and the decision on the objection, each stored privately with its SHA-256 and versioned.

A letter's row is also its leased job (``allocations.jobs``): the step that calls for a letter writes the row,
pending; a worker claims it, renders the PDF dated by the day of sending, stores it and marks it sent in one go.
Once sent a letter never changes (``ObjectionLetterQuerySet.update``, ``save``, ``delete`` and, on PostgreSQL, a
trigger): a change is a new letter.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.workflow import TransitionNotAllowed
from allocations.objections.models import ObjectionCase


def objection_letter_path(instance: ObjectionLetter, filename: str) -> str:
    """Private storage under a random name; the case number is in the database, not the path."""
    return f"objection-letters/{uuid.uuid4().hex}.pdf"


class LetterKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", _("Ontvangstbevestiging")
    REPAIR = "repair", _("Hersteltermijn")
    POSTPONEMENT = "postponement", _("Verdaging")
    DECISION = "decision", _("Beslissing op bezwaar")


class LetterStatus(models.TextChoices):
    PENDING = "pending", _("Wacht")
    CLAIMED = "claimed", _("Bezig")
    SENT = "sent", _("Verzonden")
    FAILED = "failed", _("Mislukt")


class SentLetterChanged(TransitionNotAllowed):
    """A sent objection letter was about to change or be deleted (HTTP 409)."""

    def __init__(self) -> None:
        super().__init__(
            str(
                _(
                    "Een verzonden brief verandert niet meer; een ander besluit is een nieuwe brief, met een "
                    "eigen datum."
                )
            )
        )


class ObjectionLetterQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if self.filter(sent_at__isnull=False).exists():
            raise SentLetterChanged
        return super().update(**kwargs)

    def delete(self):
        if self.filter(sent_at__isnull=False).exists():
            raise SentLetterChanged
        return super().delete()

    def sent(self) -> ObjectionLetterQuerySet:
        return self.filter(sent_at__isnull=False)

    def visible_to(self, user) -> ObjectionLetterQuerySet:
        """The letters ``user`` may see: ministry staff every letter, an officer the sent letters of the cases their
        municipality lodged, anyone else none. The list form of ``permissions.can_view_objection_letter``."""
        from accounts.permissions import is_ministry, is_officer

        if is_ministry(user):
            return self
        if is_officer(user) and user.municipality_id:
            return self.sent().filter(case__objector_id=user.municipality_id)
        return self.none()


class ObjectionLetter(models.Model):
    """One version of one kind of letter of one case, and the job that makes and sends it."""

    Kind = LetterKind
    Status = LetterStatus

    case = models.ForeignKey(ObjectionCase, on_delete=models.PROTECT, related_name="letters", verbose_name=_("bezwaar"))
    kind = models.CharField(_("soort brief"), max_length=20, choices=LetterKind.choices)
    version = models.PositiveIntegerField(_("versie"))
    file = models.FileField(upload_to=objection_letter_path, max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    letter_date = models.DateField(_("datum van de brief"), null=True, blank=True)
    created_at = models.DateTimeField(_("gemaakt op"), default=timezone.now)
    sent_at = models.DateTimeField(_("verzonden op"), null=True, blank=True)
    # The leased job (allocations.jobs) that renders, stores and sends it.
    status = models.CharField(_("status"), max_length=10, choices=LetterStatus.choices, default=LetterStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.UUIDField(null=True, blank=True, editable=False)
    error = models.TextField(_("foutmelding"), blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ObjectionLetterQuerySet.as_manager()

    class Meta:
        ordering = ["case", "created_at", "pk"]
        verbose_name = _("brief bij bezwaar")
        verbose_name_plural = _("brieven bij bezwaar")
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "version"], name="unique_objection_letter_version"),
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | (~Q(sha256="") & Q(letter_date__isnull=False)),
                name="sent_objection_letter_is_stored",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="objectionletter_status")]

    def __str__(self) -> str:
        return f"{self.case.number} {self.kind} v{self.version}"

    def save(self, *args, **kwargs):
        if self.pk is not None and ObjectionLetter.objects.filter(pk=self.pk, sent_at__isnull=False).exists():
            raise SentLetterChanged
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_sent:
            raise SentLetterChanged
        return super().delete(*args, **kwargs)

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None

    @property
    def filename(self) -> str:
        return f"{self.case.number}-{self.kind}-v{self.version}.pdf"
