"""Award letters (beschikkingen): every version of every letter, stored privately with its SHA-256, and the
batch that dates and sends the letters of a final run."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import is_ministry, is_officer
from allocations.runs.models import Decision
from applications.models import MONEY, Call


def letter_path(instance: Letter, filename: str) -> str:
    """Private storage under a random name; the decision number is in the database, not the path."""
    return f"letters/{uuid.uuid4().hex}.pdf"


class LetterQuerySet(models.QuerySet):
    def sent(self) -> LetterQuerySet:
        """The versions that went out: the only ones the municipality ever sees (``Letter.is_sent``)."""
        return self.filter(sent_at__isnull=False)

    def visible_to(self, user) -> LetterQuerySet:
        """The letters ``user`` may see: ministry staff every version, an officer the versions sent to their
        own municipality, anyone else none. The list form of ``permissions.can_view_letter``: every page, the
        API and the downloads look letters up through it."""
        if is_ministry(user):
            return self
        if is_officer(user) and user.municipality_id:
            return self.sent().filter(decision__application__municipality_id=user.municipality_id)
        return self.none()


class Letter(models.Model):
    """One version of the letter for one decision; a corrected letter is a new version, the old one kept.

    ``letter_date`` is the date the letter prints, the day it is sent, from which its objection term counts.
    ``sent_at`` is set on the version that was current when the batch went out; that version never changes
    and is never superseded here (a change is a new decision, with a letter of its own).
    """

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="letters")
    version = models.PositiveIntegerField(_("versie"))
    file = models.FileField(upload_to=letter_path, max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    # What the letter prints as the award (0 for a refusal); verify compares it with the recomputed line.
    amount = models.DecimalField(_("bedrag in de brief"), **MONEY)
    text_version = models.PositiveIntegerField(_("versie van de briefteksten"), default=1)
    letter_date = models.DateField(_("datum van de brief"))
    created_at = models.DateTimeField(_("gemaakt op"), default=timezone.now)
    superseded_at = models.DateTimeField(_("vervangen op"), null=True, blank=True)
    sent_at = models.DateTimeField(_("verzonden op"), null=True, blank=True)

    objects = LetterQuerySet.as_manager()

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

    @property
    def is_sent(self) -> bool:
        """The same rule as ``LetterQuerySet.sent``."""
        return self.sent_at is not None


class LetterText(models.Model):
    """One version of the scheme-specific texts of a call's letters; editing adds a version, never overwrites.

    Each letter records the version it used, so a letter can always be explained and re-rendered.
    """

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="letter_texts", verbose_name=_("ronde"))
    version = models.PositiveIntegerField(_("versie"))
    introduction = models.TextField(
        _("inleiding (aanleiding)"), max_length=2000, blank=True, validators=[MaxLengthValidator(2000)]
    )
    obligations = models.TextField(
        _("aanvullende verplichtingen"), max_length=2000, blank=True, validators=[MaxLengthValidator(2000)]
    )
    unspent_money = models.TextField(
        _("niet bestede middelen"),
        max_length=2000,
        validators=[MaxLengthValidator(2000)],
        default=(
            "Middelen die u niet binnen de bestedingsperiode besteedt of die u niet besteedt aan de "
            "activiteiten waarvoor ze zijn verstrekt, vordert de minister terug."
        ),
    )
    closing = models.TextField(_("slottekst"), max_length=2000, blank=True, validators=[MaxLengthValidator(2000)])
    minister = models.CharField(
        _("namens"), max_length=200, default="de minister van Volkshuisvesting en Ruimtelijke Ordening"
    )
    signatory_name = models.CharField(_("naam ondertekenaar"), max_length=150, default="drs. A.B. Voorbeeld")
    signatory_function = models.CharField(
        _("functie ondertekenaar"), max_length=150, default="directeur Leefbaarheid en Wijken"
    )
    directorate = models.CharField(_("directie"), max_length=200, default="Directie Leefbaarheid en Wijken")
    contact_name = models.CharField(_("contactpersoon"), max_length=150, default="Team Leefbaarheidsfondsen")
    contact_email = models.EmailField(_("e-mail contact"), default="leefbaarheidsfondsen@demo.nplv.example")
    contact_phone = models.CharField(_("telefoon contact"), max_length=30, default="070 000 00 00")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("gemaakt op"), default=timezone.now)

    class Meta:
        ordering = ["call", "-version"]
        verbose_name = _("brieftekst")
        verbose_name_plural = _("briefteksten")
        constraints = [models.UniqueConstraint(fields=["call", "version"], name="unique_letter_text_version")]

    def __str__(self) -> str:
        return f"{self.call.code} v{self.version}"


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Wacht")
    CLAIMED = "claimed", _("Bezig")
    DONE = "done", _("Klaar")
    FAILED = "failed", _("Mislukt")


class LetterJob(models.Model):
    """The work of rendering one decision's letter: the database, not the broker, says what is left to do.

    A leased job (``allocations.jobs``): a job whose lease ran out (its worker died) is claimed again by the
    sweeper, up to the attempt limit of ``settings.JOBS``, after which it fails visibly with the reason.
    """

    Status = JobStatus

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="letter_jobs")
    run = models.ForeignKey("allocations.AllocationRun", on_delete=models.CASCADE, related_name="letter_jobs")
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    # The attempt that holds the lease (allocations.jobs): its writes land only while this is its token.
    lease_token = models.UUIDField(null=True, blank=True, editable=False)
    error = models.TextField(_("foutmelding"), blank=True)
    correction = models.BooleanField(_("correctie"), default=False)
    letter_date = models.DateField(_("datum van de brief"))
    letter = models.ForeignKey(Letter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "pk"]
        verbose_name = _("brieftaak")
        verbose_name_plural = _("brieftaken")
        constraints = [
            models.UniqueConstraint(
                fields=["decision"],
                condition=Q(status__in=["pending", "claimed"]),
                name="one_open_letter_job_per_decision",
            ),
        ]
        indexes = [models.Index(fields=["run", "status"], name="letterjob_run_status")]

    def __str__(self) -> str:
        return f"{self.decision.number} ({self.get_status_display()})"


class BatchStatus(models.TextChoices):
    NEW = "new", _("Nog niet voorbereid")
    PREPARED = "prepared", _("Voorbereid")
    SENT = "sent", _("Verzonden")


class LetterBatch(models.Model):
    """The letters of one final run as one sending: the day they are dated and sent (the objection term
    counts from it, Awb 6:8), who prepared and who sent them. Its lifecycle is ``transitions.BATCH_WORKFLOW``.

    A run without a batch has not been prepared; ``BatchStatus.NEW`` is what such a run is treated as and is
    never stored.
    """

    Status = BatchStatus

    run = models.OneToOneField(
        "allocations.AllocationRun", on_delete=models.PROTECT, related_name="letter_batch", verbose_name=_("verdeling")
    )
    status = models.CharField(_("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.PREPARED)
    send_on = models.DateField(_("verzenddatum"))
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(_("voorbereid op"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("verzonden op"), null=True, blank=True)

    class Meta:
        verbose_name = _("verzending van beschikkingen")
        verbose_name_plural = _("verzendingen van beschikkingen")

    def __str__(self) -> str:
        return f"{self.run} ({self.send_on:%Y-%m-%d}, {self.get_status_display()})"

    @property
    def is_sent(self) -> bool:
        return self.status == BatchStatus.SENT
