"""A run: the immutable record of one division of a call's budget, with its snapshot, lines and splits.

It is a draft until a second administrator approves it; approval makes it final. A final run never changes:
its lines and splits refuse every change here, and database triggers refuse them on PostgreSQL.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.money import euros
from accounts.workflow import TransitionNotAllowed
from allocations.runs.models.policies import Method
from allocations.runs.reasons import describe
from applications.models import MONEY, Application, Call, Theme
from applications.models.reviews import POINTS


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("In de wachtrij")
    RUNNING = "running", _("Bezig")
    DRAFT = "draft", _("Concept (wacht op goedkeuring)")
    FAILED = "failed", _("Mislukt")
    FINAL = "final", _("Definitief")


#: A run in these states has its lines: it can be shown, compared and verified (``AllocationRun.is_computed``).
COMPUTED_STATES = (RunStatus.DRAFT, RunStatus.FINAL)


class FinalRunChanged(TransitionNotAllowed):
    """A final run, its snapshot, a line or a split was about to change: a final run is immutable, and the
    database refuses it too (migrations 0003 and 0008). HTTP 409 in the API."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or str(_("Een definitieve verdeling kan niet meer worden gewijzigd.")))


class FrozenLinesQuerySet(models.QuerySet):
    """Bulk updates and deletes refuse to touch the lines (or the snapshot) of a final run."""

    run_path = "run"

    def _guard(self) -> None:
        status = f"{self.run_path}__status" if self.run_path else "status"
        if self.filter(**{status: RunStatus.FINAL}).exists():
            raise FinalRunChanged

    def update(self, **kwargs):
        self._guard()
        return super().update(**kwargs)

    def delete(self):
        self._guard()
        return super().delete()


class FrozenSplitsQuerySet(FrozenLinesQuerySet):
    run_path = "line__run"


class FrozenRunsQuerySet(FrozenLinesQuerySet):
    """The runs, named by what they are; bulk updates and deletes refuse to touch a final run itself."""

    run_path = ""

    def final(self) -> FrozenRunsQuerySet:
        """The final runs: approved by a second administrator, immutable (a call has at most one)."""
        return self.filter(status=RunStatus.FINAL)

    def final_of(self, call: Call | int) -> AllocationRun | None:
        """The final run of a call (a call or its id), or None while it has none."""
        return self.final().filter(call=call).first()

    def computed(self) -> FrozenRunsQuerySet:
        """The runs that have lines to show, compare and verify: a draft or a final run."""
        return self.filter(status__in=COMPUTED_STATES)


def _refuse_if_part_of_final_run(part: models.Model) -> None:
    """A stored line or snapshot of a final run is neither saved again nor deleted."""
    if part.pk and AllocationRun.objects.final().filter(pk=part.run_id).exists():
        raise FinalRunChanged


class AllocationRun(models.Model):
    """One division of a call's budget by the engine; every run is kept, nothing is overwritten.

    Once final, no column changes: approval is a final run's last write (its progress columns were settled
    when it was computed). Setting it back to draft is refused too, so the protection of its lines, splits,
    snapshot and decisions cannot be lifted that way. The database refuses the same (migration 0008). A
    column that must legitimately change after approval would have to be named as an exception there and in
    ``_refuse_change_if_final``.
    """

    Status = RunStatus

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="allocation_runs")
    number = models.PositiveIntegerField(_("volgnummer"))
    status = models.CharField(_("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED)
    phase = models.CharField(_("fase"), max_length=60, blank=True)
    progress = models.PositiveSmallIntegerField(_("voortgang (%)"), default=0)
    error = models.TextField(_("foutmelding"), blank=True)
    method = models.CharField(_("methode"), max_length=20, choices=Method.choices)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    input_hash = models.CharField(_("hash van de invoer"), max_length=64, blank=True)
    rules_hash = models.CharField(_("hash van de toegepaste regels"), max_length=64, blank=True)
    engine_version = models.CharField(_("versie rekenkern"), max_length=20, blank=True)
    total_budget = models.DecimalField(_("te verdelen"), **MONEY, default=0)
    total_requested = models.DecimalField(_("aangevraagd"), **MONEY, default=0)
    total_awarded = models.DecimalField(_("toegekend"), **MONEY, default=0)
    total_unspent = models.DecimalField(_("niet besteed"), **MONEY, default=0)
    funded_count = models.PositiveIntegerField(_("aantal gehonoreerd"), default=0)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("gestart op"), default=timezone.now)
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("goedgekeurd op"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    # The attempt that holds the lease (allocations.jobs): its writes land only while this is its token.
    lease_token = models.UUIDField(null=True, blank=True, editable=False)
    pot_totals = models.JSONField(_("totalen per pot"), default=list, blank=True)

    objects = FrozenRunsQuerySet.as_manager()

    class Meta:
        ordering = ["call", "-number"]
        verbose_name = _("verdeling")
        verbose_name_plural = _("verdelingen")
        constraints = [
            models.UniqueConstraint(fields=["call", "number"], name="unique_run_number_per_call"),
            models.UniqueConstraint(fields=["call"], condition=Q(status="final"), name="one_final_run_per_call"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="run_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return str(_("Verdeling {number} van {call}")).format(number=self.number, call=self.call.code)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            self._refuse_change_if_final(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk is not None and AllocationRun.objects.final().filter(pk=self.pk).exists():
            raise FinalRunChanged
        return super().delete(*args, **kwargs)

    @property
    def is_final(self) -> bool:
        """The same rule as ``AllocationRun.objects.final()``."""
        return self.status == RunStatus.FINAL

    @property
    def is_computed(self) -> bool:
        """A draft or a final run: it has lines (the same rule as ``AllocationRun.objects.computed()``)."""
        return self.status in COMPUTED_STATES

    def _policy_cents(self, key: str) -> Decimal | None:
        value = (self.parameters or {}).get("policy", {}).get(key)
        return euros(value)

    @property
    def published_ceiling(self) -> Decimal | None:
        """The call's published ceiling (subsidieplafond) as the run read it; ``total_budget`` is what the run
        divided: the ceiling minus the reserve."""
        return self._policy_cents("budget")

    @property
    def reserve(self) -> Decimal | None:
        """The reserve kept out of the division (for objections), as the run read it."""
        return self._policy_cents("reserve")

    def _refuse_change_if_final(self, update_fields) -> None:
        """A save that would change any stored column of a final run is refused; saving it unchanged is not."""
        fields = [
            f
            for f in self._meta.concrete_fields
            if update_fields is None or f.name in update_fields or f.attname in update_fields
        ]
        stored = AllocationRun.objects.final().filter(pk=self.pk).values(*(f.attname for f in fields)).first()
        if stored is not None and any(stored[f.attname] != f.to_python(getattr(self, f.attname)) for f in fields):
            raise FinalRunChanged


class RunSnapshot(models.Model):
    """Every input of a run, as canonical JSON (money as integer cents or strings, never floats)."""

    run = models.OneToOneField(AllocationRun, on_delete=models.CASCADE, related_name="snapshot")
    data = models.JSONField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    objects = FrozenLinesQuerySet.as_manager()

    class Meta:
        verbose_name = _("momentopname")
        verbose_name_plural = _("momentopnames")

    def __str__(self) -> str:
        return self.sha256

    def save(self, *args, **kwargs):
        _refuse_if_part_of_final_run(self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_if_part_of_final_run(self)
        return super().delete(*args, **kwargs)


class AllocationLine(models.Model):
    """One application in one run: its points, rank, pot(s), award and the reason, so each euro is explained.

    Applications that the run could not take (still in review) get a line with ``included=False``.
    """

    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="lines")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="allocation_lines")
    included = models.BooleanField(_("meegenomen"), default=True)
    rank = models.PositiveIntegerField(_("rang"), null=True, blank=True)
    pot = models.CharField(_("pot"), max_length=60, blank=True)
    funded_from = models.JSONField(_("gefinancierd uit"), default=dict, blank=True)
    requested = models.DecimalField(_("aangevraagd"), **MONEY)
    ceiling = models.DecimalField(_("maximaal toe te kennen"), **MONEY, default=0)
    awarded = models.DecimalField(_("toegekend"), **MONEY, default=0)
    reason = models.CharField(_("reden"), max_length=40)
    eligible = models.BooleanField(_("komt in aanmerking"), default=True)
    reviewer_score = models.DecimalField(_("beoordelingsscore"), **POINTS, default=0)
    need_score = models.DecimalField(_("behoeftescore"), **POINTS, default=0)
    bonus_score = models.DecimalField(_("voorrangspunten"), **POINTS, default=0)
    total_points = models.DecimalField(_("totaal punten"), **POINTS, default=0)
    breakdown = models.JSONField(_("puntenopbouw"), default=list, blank=True)
    is_cutoff = models.BooleanField(_("hier raakte het geld op"), default=False)
    # The one ground that limited this line, with its numbers (plan.py): what every page, letter, export and
    # the API state as the reason. ``reason`` is its code.
    ground = models.JSONField(_("grond"), default=dict, blank=True)

    objects = FrozenLinesQuerySet.as_manager()

    class Meta:
        ordering = ["run", "rank", "pk"]
        verbose_name = _("verdeelregel")
        verbose_name_plural = _("verdeelregels")
        constraints = [
            models.UniqueConstraint(fields=["run", "application"], name="one_line_per_application_per_run"),
            models.CheckConstraint(
                condition=Q(awarded__gte=0) & Q(awarded__lte=models.F("requested")), name="line_award_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run} – {self.application.reference}"

    def save(self, *args, **kwargs):
        _refuse_if_part_of_final_run(self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_if_part_of_final_run(self)
        return super().delete(*args, **kwargs)

    @property
    def reason_label(self) -> str:
        """The stored ground in one sentence, in the active language."""
        return describe(self.ground, self.reason)


class LineSplit(models.Model):
    """An award split over the application's budget lines per theme per year (largest remainder, to the cent)."""

    line = models.ForeignKey(AllocationLine, on_delete=models.CASCADE, related_name="splits")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("jaar"))
    requested = models.DecimalField(_("aangevraagd"), **MONEY)
    awarded = models.DecimalField(_("toegekend"), **MONEY)

    objects = FrozenSplitsQuerySet.as_manager()

    class Meta:
        ordering = ["line", "theme__order", "theme__name", "year"]
        verbose_name = _("verdeling per thema en jaar")
        verbose_name_plural = _("verdelingen per thema en jaar")
        constraints = [
            models.UniqueConstraint(fields=["line", "theme", "year"], name="one_split_per_theme_year"),
        ]

    def __str__(self) -> str:
        return f"{self.line} {self.theme} {self.year}"

    def save(self, *args, **kwargs):
        if self.pk and AllocationRun.objects.final().filter(lines=self.line_id).exists():
            raise FinalRunChanged
        super().save(*args, **kwargs)
