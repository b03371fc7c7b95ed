"""Allocation policies, runs, their lines and the decisions a final run writes (DESIGN.md §6).

A run is an immutable record of one division of a call's budget: the snapshot of every input, its hash,
the engine's lines with their reasons, and the split of every award over the application's budget lines.
It is a draft until a second administrator approves it; approval makes it final and creates one
``Decision`` per application. Money is ``Decimal`` here and integer cents in the engine.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import textlimits
from accounts.models import Municipality, Network
from accounts.money import euros
from accounts.textlimits import limited
from accounts.workflow import TransitionNotAllowed
from allocations.runs.reasons import describe
from applications.models import MONEY, Application, Call, Theme
from applications.models.reviews import POINTS


class Method(models.TextChoices):
    RANKED = "ranked", _("Rangschikking op punten")
    PRO_RATA = "pro_rata", _("Naar rato")
    FORMULA = "formula", _("Verdeelsleutel")


class RoundingUnit(models.IntegerChoices):
    CENTS = 1, _("op de cent")
    EUROS = 100, _("op hele euro's (naar beneden afgerond)")


class TieBreak(models.TextChoices):
    NEED_SCORE = "need_score", _("behoeftescore, daarna loting")
    LOTTERY = "lottery", _("alleen loting")


class FormulaWeight(models.TextChoices):
    INHABITANTS_X_NEED = "inhabitants_x_need", _("inwoners × behoeftescore")
    INHABITANTS = "inhabitants", _("inwoners")
    NEED = "need", _("behoeftescore")
    TOTAL_POINTS = "total_points", _("totaal aantal punten")


class AllocationPolicy(models.Model):
    """How a call's budget is divided: one per call, edited until a run of it is final."""

    call = models.OneToOneField(
        Call, on_delete=models.CASCADE, related_name="allocation_policy", verbose_name=_("ronde")
    )
    method = models.CharField(_("methode"), max_length=20, choices=Method.choices, default=Method.RANKED)
    cap_amount = models.DecimalField(
        _("maximum per aanvraag (bedrag)"), **MONEY, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    cap_pct = models.DecimalField(
        _("maximum per aanvraag (% van het plafond)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    min_points = models.DecimalField(
        _("minimum aantal punten"),
        **POINTS,
        null=True,
        blank=True,
        help_text=_("Leeg: het minimum uit de beoordeling van de ronde."),
    )
    partial_last = models.BooleanField(
        _("laatste aanvraag gedeeltelijk honoreren"),
        default=True,
        help_text=_("Uit: een aanvraag die niet meer past krijgt niets en de volgende die past komt aan bod."),
    )
    unit = models.PositiveIntegerField(_("afronding"), choices=RoundingUnit.choices, default=RoundingUnit.CENTS)
    tiebreak = models.CharField(
        _("bij gelijke punten"), max_length=20, choices=TieBreak.choices, default=TieBreak.NEED_SCORE
    )
    seed = models.PositiveBigIntegerField(_("lotingszaad"), default=0)
    reserve = models.DecimalField(_("reserve (voor bezwaren)"), **MONEY, default=0, validators=[MinValueValidator(0)])
    formula_weight = models.CharField(
        _("gewicht verdeelsleutel"), max_length=30, choices=FormulaWeight.choices, blank=True
    )
    revision = models.PositiveIntegerField(_("versie"), default=1)
    updated_at = models.DateTimeField(_("laatst gewijzigd"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("verdeelbeleid")
        verbose_name_plural = _("verdeelbeleid")

    def __str__(self) -> str:
        return str(_("Verdeelbeleid van {call}")).format(call=self.call)


class PolicyPot(models.Model):
    """A ring-fenced part of the budget (deelplafond); pots are processed in ``order``."""

    policy = models.ForeignKey(AllocationPolicy, on_delete=models.CASCADE, related_name="pots")
    name = models.CharField(_("naam"), max_length=60)
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    budget = models.DecimalField(_("budget"), **MONEY, validators=[MinValueValidator(0)])
    network = models.ForeignKey(
        Network,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("voor leden van"),
        help_text=_("Leeg: deze pot neemt iedere aanvrager die nog geen pot heeft."),
    )
    spill_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("restant naar"),
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("deelplafond")
        verbose_name_plural = _("deelplafonds")
        constraints = [models.UniqueConstraint(fields=["policy", "name"], name="unique_pot_name_per_policy")]

    def __str__(self) -> str:
        return self.name


class AreaReservation(models.Model):
    """A fixed amount reserved for one area (SPUK Kansrijke Wijk): that application's maximum."""

    policy = models.ForeignKey(AllocationPolicy, on_delete=models.CASCADE, related_name="reservations")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    area_name = models.CharField(_("gebied"), max_length=150, blank=True)
    amount = models.DecimalField(_("gereserveerd bedrag"), **MONEY, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("reservering per gebied")
        verbose_name_plural = _("reserveringen per gebied")
        constraints = [
            models.UniqueConstraint(fields=["policy", "municipality", "area_name"], name="unique_reservation_per_area")
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.area_name}".strip()


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
