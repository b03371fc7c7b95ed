"""Settlements (vaststellingen, Awb 4:42): the final amount of a decision after its final account, with the
figures it was computed from, and the three steps that make it final, each by a different person.

A settlement stores its inputs (award, paid, still due, spent, the scheme's kind, the ground of a lower amount)
with their SHA-256, and the result ``rules.settle`` gave; a later step recomputes the inputs and refuses when
they changed. Its lifecycle is ``transitions.SETTLEMENT_WORKFLOW``: ``proposed → checked → approved``, or
``withdrawn`` before approval. A second settlement of the same decision is a correction (``corrects``), refused
after five years (``rules.guard``).

A ``SettlementBatch`` proposes the settlements of a call's ready decisions in the background, one leased
``SettlementJob`` each, which stores the inputs the proposal is computed from (``batches``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Round
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import textlimits
from accounts.permissions import is_ministry, is_officer
from accounts.textlimits import limited
from accounts.workflow import TransitionNotAllowed
from allocations.payments.models import Instalment
from allocations.runs.models import Decision
from allocations.settlements.rules import Ground
from applications.models import MONEY, Scheme


class SettlementStatus(models.TextChoices):
    PROPOSED = "proposed", _("Voorgesteld")
    CHECKED = "checked", _("Gecontroleerd")
    APPROVED = "approved", _("Vastgesteld")
    WITHDRAWN = "withdrawn", _("Ingetrokken voorstel")


#: Not yet approved nor withdrawn: a decision has at most one settlement in these states.
OPEN_SETTLEMENT_STATES = (SettlementStatus.PROPOSED, SettlementStatus.CHECKED)


class SettlementGround(models.TextChoices):
    """The grounds of Awb 4:46 lid 2 (``rules.Ground``), as a choice."""

    NOT_PERFORMED = Ground.NOT_PERFORMED.value, _("Activiteiten niet (geheel) verricht (art. 4:46 lid 2 onder a)")
    OBLIGATIONS = Ground.OBLIGATIONS.value, _("Verplichtingen niet nagekomen (art. 4:46 lid 2 onder b)")
    INCORRECT_DATA = Ground.INCORRECT_DATA.value, _("Onjuiste of onvolledige gegevens (art. 4:46 lid 2 onder c)")
    AWARD_WRONG = (
        Ground.AWARD_WRONG.value,
        _("Verlening anderszins onjuist en de ontvanger wist dit (art. 4:46 lid 2 onder d)"),
    )


class SettlementQuerySet(models.QuerySet):
    def approved(self) -> SettlementQuerySet:
        return self.filter(status=SettlementStatus.APPROVED)

    def open(self) -> SettlementQuerySet:
        return self.filter(status__in=OPEN_SETTLEMENT_STATES)


class Settlement(models.Model):
    """One settlement of one decision: its inputs, its result and who took each step."""

    Status = SettlementStatus

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="settlements", verbose_name=_("beschikking")
    )
    sequence = models.PositiveSmallIntegerField(_("volgnummer"))
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("corrigeert")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SettlementStatus.choices, default=SettlementStatus.PROPOSED
    )
    # The inputs, as ``rules.Inputs`` (euros here, cents there).
    kind = models.CharField(_("soort regeling"), max_length=20, choices=Scheme.Kind.choices)
    awarded = models.DecimalField(_("toegekend"), **MONEY)
    paid = models.DecimalField(_("betaald"), **MONEY)
    open = models.DecimalField(_("nog te betalen"), **MONEY)
    spent = models.DecimalField(_("besteed"), **MONEY)
    ground = models.CharField(
        _("grond voor een lager bedrag"), max_length=20, choices=SettlementGround.choices, blank=True
    )
    proposed = models.DecimalField(_("voorgesteld lager bedrag"), null=True, blank=True, **MONEY)
    motivation = models.TextField(_("motivering"), blank=True, **limited(textlimits.MESSAGE))
    inputs_sha256 = models.CharField(max_length=64)
    # The result of ``rules.settle``.
    settled = models.DecimalField(_("vastgesteld bedrag"), **MONEY)
    lapsed = models.DecimalField(_("vervallen termijnen"), **MONEY)
    final_payment = models.DecimalField(_("nabetaling"), **MONEY)
    reclaim = models.DecimalField(_("terugvordering"), **MONEY)
    # The part of the reclaim set off against open instalments of another decision (Awb 4:57), planned at the
    # proposal or the check (``SetOff``) and applied at the approval; the rest is paid back.
    set_off = models.DecimalField(_("verrekend"), default=0, **MONEY)
    sample = models.BooleanField(_("in de steekproef"), default=False)
    # The three steps.
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("voorgesteld op"), default=timezone.now)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(_("gecontroleerd op"), null=True, blank=True)
    reclaim_number = models.CharField(_("vorderingsnummer"), max_length=40, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("vastgesteld op"), null=True, blank=True)
    settled_on = models.DateField(_("datum van vaststelling"), null=True, blank=True)
    reclaim_due_on = models.DateField(_("terug te betalen uiterlijk"), null=True, blank=True)
    final_instalment = models.OneToOneField(
        Instalment, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("nabetaling")
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)

    objects = SettlementQuerySet.as_manager()

    class Meta:
        ordering = ["decision__number", "sequence"]
        verbose_name = _("vaststelling")
        verbose_name_plural = _("vaststellingen")
        constraints = [
            models.UniqueConstraint(fields=["decision", "sequence"], name="one_settlement_per_decision_sequence"),
            models.UniqueConstraint(
                fields=["decision"],
                condition=Q(status__in=["proposed", "checked"]),
                name="one_open_settlement_per_decision",
            ),
            models.UniqueConstraint(
                fields=["reclaim_number"], condition=~Q(reclaim_number=""), name="settlement_reclaim_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(settled__gte=0) & Q(settled__lte=models.F("awarded")), name="settled_within_award"
            ),
            models.CheckConstraint(condition=Q(final_payment=0) | Q(reclaim=0), name="settlement_pays_or_reclaims"),
            models.CheckConstraint(
                condition=Q(set_off__gte=0) & Q(set_off__lte=models.F("reclaim")),
                name="settlement_set_off_within_reclaim",
            ),
            # Rounded to the cent: SQLite does this sum in floating point (PostgreSQL exactly).
            models.CheckConstraint(
                condition=Q(settled=Round(models.F("paid") + models.F("final_payment") - models.F("reclaim"), 2)),
                name="settlement_adds_up",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """``NPLV-2027-000123-V1``: the decision number and the settlement's number."""
        return f"{self.decision.number}-V{self.sequence}"

    @property
    def is_correction(self) -> bool:
        return self.corrects_id is not None

    @property
    def reclaim_to_pay(self):
        """What the municipality pays back: the reclaim less what is set off."""
        return self.reclaim - self.set_off


class SetOff(models.Model):
    """Part of a settlement's reclaim set off against one open instalment of another decision of the same
    municipality under the same scheme (the same activities, Awb 4:57). Planned at the proposal or the check;
    at the approval the instalment lapses and what is left of it (``remainder``) becomes a new instalment of
    that decision with the same due date. For the other decision: awarded = paid + still due + set off."""

    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, related_name="set_offs", verbose_name=_("vaststelling")
    )
    instalment = models.ForeignKey(
        Instalment, on_delete=models.PROTECT, related_name="set_offs", verbose_name=_("termijn")
    )
    amount = models.DecimalField(_("verrekend bedrag"), **MONEY)
    remainder = models.OneToOneField(
        Instalment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resterende termijn"),
    )
    applied_at = models.DateTimeField(_("verrekend op"), null=True, blank=True)

    class Meta:
        ordering = ["settlement", "instalment__due_on", "instalment__sequence"]
        verbose_name = _("verrekening")
        verbose_name_plural = _("verrekeningen")
        constraints = [
            models.UniqueConstraint(fields=["settlement", "instalment"], name="one_set_off_per_instalment"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="set_off_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.settlement} ↔ {self.instalment}"


# --- The letters, stored ---------------------------------------------------------------------------------
def document_path(instance: SettlementDocument, filename: str) -> str:
    """Private storage under a random name, like the award letters."""
    return f"settlements/{uuid.uuid4().hex}.pdf"


#: What a version of a letter is; none of it changes once stored, and nothing at all once the version is sent.
DOCUMENT_FROZEN_FIELDS = ("settlement", "version", "file", "sha256", "size", "letter_date")


class DocumentFrozen(TransitionNotAllowed):
    """A stored settlement letter was about to change (HTTP 409): a sent one never changes."""

    def __init__(self) -> None:
        super().__init__(
            str(
                _(
                    "Een verzonden brief verandert niet meer. Een ander besluit is een nieuwe vaststelling, met een "
                    "eigen brief."
                )
            )
        )


class SettlementDocumentQuerySet(models.QuerySet):
    def update(self, **kwargs):
        frozen = {name for field in DOCUMENT_FROZEN_FIELDS for name in (field, f"{field}_id")}
        if (frozen.intersection(kwargs) and self.exists()) or self.filter(sent_at__isnull=False).exists():
            raise DocumentFrozen
        return super().update(**kwargs)

    def delete(self):
        if self.exists():
            raise DocumentFrozen
        return super().delete()

    def sent(self) -> SettlementDocumentQuerySet:
        return self.filter(sent_at__isnull=False)

    def visible_to(self, user) -> SettlementDocumentQuerySet:
        """The letters ``user`` may see: ministry staff every version, an officer the versions sent to their own
        municipality, anyone else none (the list form of ``permissions.can_view_settlement_document``)."""
        if is_ministry(user):
            return self
        if is_officer(user) and user.municipality_id:
            return self.sent().filter(settlement__decision__application__municipality_id=user.municipality_id)
        return self.none()


class SettlementDocument(models.Model):
    """One version of the letter of one approved settlement, stored privately with its SHA-256.

    ``letter_date`` is the day it prints, the day of sending: the objection term and the six weeks of a reclaim
    count from it. An unsent version is made again (a new version, the old one superseded) when it must carry
    another date; a sent version never changes (``save``, the queryset and, on PostgreSQL, a trigger refuse).
    """

    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, related_name="documents", verbose_name=_("vaststelling")
    )
    version = models.PositiveIntegerField(_("versie"))
    file = models.FileField(upload_to=document_path, max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    letter_date = models.DateField(_("datum van de brief"))
    created_at = models.DateTimeField(_("gemaakt op"), default=timezone.now)
    superseded_at = models.DateTimeField(_("vervangen op"), null=True, blank=True)
    sent_at = models.DateTimeField(_("verzonden op"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = SettlementDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["settlement", "-version"]
        verbose_name = _("vaststellingsbrief")
        verbose_name_plural = _("vaststellingsbrieven")
        constraints = [
            models.UniqueConstraint(fields=["settlement", "version"], name="unique_settlement_document_version"),
            models.UniqueConstraint(
                fields=["settlement"], condition=Q(superseded_at__isnull=True), name="one_current_settlement_document"
            ),
            models.UniqueConstraint(
                fields=["settlement"], condition=Q(sent_at__isnull=False), name="one_sent_settlement_document"
            ),
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(superseded_at__isnull=True), name="sent_document_not_superseded"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.settlement.reference} v{self.version}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            self._refuse_change()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DocumentFrozen

    def _refuse_change(self) -> None:
        names = [*DOCUMENT_FROZEN_FIELDS, "sent_at", "superseded_at"]
        fields = [self._meta.get_field(name) for name in names]
        stored = SettlementDocument.objects.filter(pk=self.pk).values(*(f.attname for f in fields)).first()
        if stored is None:
            return
        if stored["sent_at"] is not None:
            raise DocumentFrozen
        if any(
            stored[f.attname] != f.to_python(getattr(self, f.attname)) for f in fields[: len(DOCUMENT_FROZEN_FIELDS)]
        ):
            raise DocumentFrozen

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


# --- The settlement batch: one job per decision, leased (allocations.jobs) ------------------------------------
class SettlementBatchStatus(models.TextChoices):
    RUNNING = "running", _("Bezig")
    FINISHED = "finished", _("Klaar")


class SettlementBatch(models.Model):
    """An assessor's batch over a call: a proposal for every decision that was ready when it started, each
    computed by a job from the inputs stored on it. ``inputs_sha256`` is the hash over every job's inputs, the
    rules version and the sample's seed and rate, so the batch can be recomputed and compared (``verify``)."""

    Status = SettlementBatchStatus

    call = models.ForeignKey(
        "applications.Call", on_delete=models.PROTECT, related_name="settlement_batches", verbose_name=_("ronde")
    )
    number = models.PositiveIntegerField(_("nummer"))
    status = models.CharField(
        _("status"), max_length=10, choices=SettlementBatchStatus.choices, default=SettlementBatchStatus.RUNNING
    )
    rules_version = models.CharField(_("versie van de rekenregels"), max_length=20)
    sample_percent = models.PositiveSmallIntegerField(_("steekproef (%)"))
    sample_seed = models.PositiveIntegerField(_("startgetal van de steekproef"))
    inputs_sha256 = models.CharField(max_length=64)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("gestart op"), default=timezone.now)
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)

    class Meta:
        ordering = ["call", "-number"]
        verbose_name = _("vaststellingsbatch")
        verbose_name_plural = _("vaststellingsbatches")
        constraints = [
            models.UniqueConstraint(fields=["call", "number"], name="one_settlement_batch_number_per_call"),
            models.UniqueConstraint(
                fields=["call"], condition=Q(status="running"), name="one_running_settlement_batch_per_call"
            ),
            models.CheckConstraint(condition=Q(sample_percent__lte=100), name="settlement_sample_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.call.code} – {_('vaststellingsbatch')} {self.number}"

    @property
    def is_running(self) -> bool:
        return self.status == SettlementBatchStatus.RUNNING


class SettlementJobStatus(models.TextChoices):
    PENDING = "pending", _("Wacht")
    CLAIMED = "claimed", _("Bezig")
    DONE = "done", _("Klaar")
    FAILED = "failed", _("Mislukt")


#: A job not yet ended: the batch is running while one of its jobs is in these states.
OPEN_JOB_STATES = (SettlementJobStatus.PENDING, SettlementJobStatus.CLAIMED)


class SettlementJob(models.Model):
    """The work of proposing one decision's settlement in a batch, with the inputs it is computed from as the
    batch found them (``rules.Inputs``, euros here). A leased job: the database row says what is left to do, and
    the settlement it made is written in the same transaction as its end, so a second delivery makes nothing."""

    Status = SettlementJobStatus

    batch = models.ForeignKey(SettlementBatch, on_delete=models.PROTECT, related_name="jobs")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="settlement_jobs")
    status = models.CharField(
        _("status"), max_length=10, choices=SettlementJobStatus.choices, default=SettlementJobStatus.PENDING
    )
    kind = models.CharField(_("soort regeling"), max_length=20, choices=Scheme.Kind.choices)
    awarded = models.DecimalField(_("toegekend"), **MONEY)
    paid = models.DecimalField(_("betaald"), **MONEY)
    open = models.DecimalField(_("nog te betalen"), **MONEY)
    spent = models.DecimalField(_("besteed"), **MONEY)
    inputs_sha256 = models.CharField(max_length=64)
    sample = models.BooleanField(_("in de steekproef"), default=False)
    settlement = models.OneToOneField(
        Settlement, on_delete=models.PROTECT, null=True, blank=True, related_name="batch_job"
    )
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    # The attempt that holds the lease (allocations.jobs): its writes land only while this is its token.
    lease_token = models.UUIDField(null=True, blank=True, editable=False)
    error = models.TextField(_("foutmelding"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "decision__number"]
        verbose_name = _("vaststellingstaak")
        verbose_name_plural = _("vaststellingstaken")
        constraints = [
            models.UniqueConstraint(fields=["batch", "decision"], name="one_settlement_job_per_batch_decision"),
            models.UniqueConstraint(
                fields=["decision"],
                condition=Q(status__in=["pending", "claimed"]),
                name="one_open_settlement_job_per_decision",
            ),
        ]
        indexes = [models.Index(fields=["batch", "status"], name="settlementjob_batch_status")]

    def __str__(self) -> str:
        return f"{self.decision.number} ({self.get_status_display()})"
