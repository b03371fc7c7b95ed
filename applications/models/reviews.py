"""Assessment: criteria and priority rules per call, reviewer assignments, reviews with scores per
criterion, and the stored points breakdown of each reviewed application."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Round
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import textlimits
from accounts.models import Indicator, Network
from accounts.textlimits import limited
from applications.models.applications import Application
from applications.models.calls import Call

POINTS = {"max_digits": 9, "decimal_places": 2}


class AssessmentSettings(models.Model):
    """How a call is assessed: reviewers per application, deadline, thresholds and the reference year."""

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="assessment")
    reviewers_per_application = models.PositiveSmallIntegerField(
        _("beoordelaars per aanvraag"), default=2, validators=[MinValueValidator(1)]
    )
    review_deadline = models.DateTimeField(_("deadline beoordeling"), null=True, blank=True)
    min_reviewer_score = models.DecimalField(
        _("minimale beoordelingsscore"),
        **POINTS,
        null=True,
        blank=True,
        help_text=_("Daaronder wordt de aanvraag afgewezen. Leeg: geen minimum."),
    )
    min_total_points = models.DecimalField(
        _("minimaal totaal aantal punten"),
        **POINTS,
        null=True,
        blank=True,
        help_text=_("Daaronder wordt de aanvraag afgewezen. Leeg: geen minimum."),
    )
    spread_threshold = models.DecimalField(
        _("drempel spreiding"),
        **POINTS,
        default=Decimal("3.00"),
        help_text=_(
            "Verschillen beoordelaars op een criterium meer dan dit aantal schaalpunten, dan wordt de "
            "aanvraag gemarkeerd voor een tweede blik."
        ),
    )
    need_reference_year = models.PositiveSmallIntegerField(
        _("peiljaar indicatoren"),
        null=True,
        blank=True,
        help_text=_("Het jaar van de indicatorwaarden voor de behoeftescore."),
    )

    class Meta:
        verbose_name = _("beoordelingsinstellingen")
        verbose_name_plural = _("beoordelingsinstellingen")

    def __str__(self) -> str:
        return str(self.call)


class Criterion(models.Model):
    """A scored aspect, e.g. effectiveness on a 1–10 scale with weight 3 (an 8 then counts 24 points)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("ronde"))
    name = models.CharField(_("naam"), max_length=150)
    guidance = models.TextField(_("toelichting voor beoordelaars"), blank=True, **limited(textlimits.MESSAGE))
    scale_min = models.PositiveSmallIntegerField(_("laagste score"), default=1)
    scale_max = models.PositiveSmallIntegerField(_("hoogste score"), default=10)
    weight = models.DecimalField(
        _("weging"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Punten per schaalpunt: de gemiddelde score maal de weging."),
    )
    required = models.BooleanField(_("verplicht"), default=True)
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        ordering = ["call", "order", "pk"]
        verbose_name = _("criterium")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["call", "name"], name="unique_criterion_per_call"),
            models.CheckConstraint(condition=Q(scale_max__gt=models.F("scale_min")), name="criterion_scale_ordered"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.scale_min is not None and self.scale_max is not None and self.scale_max <= self.scale_min:
            raise ValidationError({"scale_max": _("De hoogste score moet hoger zijn dan de laagste.")})


class NeedBand(models.Model):
    """At least ``threshold`` on the indicator gives ``points`` (the highest band reached counts)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="need_bands")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator"))
    threshold = models.DecimalField(_("vanaf waarde"), max_digits=12, decimal_places=3)
    points = models.DecimalField(_("punten"), **POINTS, validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        ordering = ["call", "indicator__code", "threshold"]
        verbose_name = _("behoefteband")
        verbose_name_plural = _("behoeftebanden")
        constraints = [
            models.UniqueConstraint(fields=["call", "indicator", "threshold"], name="unique_band_threshold"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} ≥ {self.threshold}: {self.points}"


class BonusRule(models.Model):
    """Voorrangspunten, e.g. '+5 for an NPLV focus area' or '+5 if not funded in an earlier call'."""

    class Kind(models.TextChoices):
        NETWORK = "network", _("Lid van een netwerk")
        NOT_FUNDED_BEFORE = "not_funded_before", _("Niet eerder gefinancierd binnen de regeling")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="bonus_rules")
    kind = models.CharField(_("soort"), max_length=30, choices=Kind.choices)
    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("netwerk")
    )
    label = models.CharField(_("omschrijving"), max_length=150)
    points = models.DecimalField(_("punten"), **POINTS, validators=[MinValueValidator(Decimal("0"))])
    min_reviewer_score = models.DecimalField(
        _("alleen vanaf beoordelingsscore"),
        **POINTS,
        null=True,
        blank=True,
        help_text=_("Leeg: altijd toepassen."),
    )

    class Meta:
        ordering = ["call", "pk"]
        verbose_name = _("voorrangsregel")
        verbose_name_plural = _("voorrangsregels")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="network") & Q(network__isnull=False))
                | (~Q(kind="network") & Q(network__isnull=True)),
                name="bonus_rule_network_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        if self.kind == self.Kind.NETWORK and not self.network_id:
            raise ValidationError({"network": _("Kies het netwerk waarvoor deze punten gelden.")})
        if self.kind != self.Kind.NETWORK and self.network_id:
            raise ValidationError({"network": _("Alleen een netwerkregel hoort bij een netwerk.")})


class ReviewAssignment(models.Model):
    """A reviewer assigned to an application. Declaring a conflict of interest ends the assignment;
    the record stays so administrators see it."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("beoordelaar"),
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(_("toegewezen op"), default=timezone.now)
    active = models.BooleanField(_("actief"), default=True)
    conflict_reason = models.TextField(_("reden belangenconflict"), blank=True, **limited(textlimits.REASON))
    conflict_declared_at = models.DateTimeField(_("belangenconflict gemeld op"), null=True, blank=True)
    unassigned_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)

    class Meta:
        ordering = ["application", "assigned_at"]
        verbose_name = _("toewijzing")
        verbose_name_plural = _("toewijzingen")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"],
                condition=Q(active=True),
                name="one_active_assignment_per_reviewer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} → {self.reviewer}"


class ReviewQuerySet(models.QuerySet):
    def submitted(self) -> ReviewQuerySet:
        return self.filter(status=Review.Status.SUBMITTED)

    def counting(self) -> ReviewQuerySet:
        """The reviews that count: submitted, by a reviewer still assigned (a conflict or an unassignment
        takes a reviewer's scores out)."""
        return self.filter(status=Review.Status.SUBMITTED, assignment__active=True)


class Review(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Concept")
        SUBMITTED = "submitted", _("Ingediend")

    assignment = models.OneToOneField(ReviewAssignment, on_delete=models.CASCADE, related_name="review")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    overall_comment = models.TextField(_("algemene toelichting"), blank=True, **limited(textlimits.CONTENT))
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(_("ingediend op"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("heropend op"), null=True, blank=True)
    reopen_reason = models.TextField(_("reden heropenen"), blank=True, **limited(textlimits.REASON))

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("beoordeling")
        verbose_name_plural = _("beoordelingen")

    def __str__(self) -> str:
        return f"{self.assignment}: {self.get_status_display()}"


class ReviewScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    motivation = models.TextField(_("motivering"), blank=True, **limited(textlimits.MESSAGE))

    class Meta:
        ordering = ["review", "criterion__order", "criterion__pk"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion")]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class PointsBreakdown(models.Model):
    """The points of a reviewed application, stored with every component so each point is explained."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="points")
    reviewer_score = models.DecimalField(_("beoordelingsscore"), **POINTS)
    need_score = models.DecimalField(_("behoeftescore"), **POINTS)
    bonus_score = models.DecimalField(_("voorrangspunten"), **POINTS)
    total = models.DecimalField(_("totaal"), **POINTS)
    review_count = models.PositiveSmallIntegerField(_("aantal beoordelingen"))
    spread_flagged = models.BooleanField(_("grote spreiding"), default=False)
    meets_minimum = models.BooleanField(_("haalt het minimum"), default=True)
    minimum_reason = models.CharField(_("reden minimum"), max_length=255, blank=True)
    computed_at = models.DateTimeField(_("berekend op"), default=timezone.now)

    class Meta:
        verbose_name = _("puntenopbouw")
        verbose_name_plural = _("puntenopbouw")
        constraints = [
            # Compared in hundredths (the points' two decimals), rounded: SQLite adds decimals as binary floats
            # (1,01 + 0,13 is not 1,14 there), PostgreSQL exactly; both agree on the rounded hundredths.
            models.CheckConstraint(
                condition=Exact(
                    Round(models.F("total") * 100),
                    Round((models.F("reviewer_score") + models.F("need_score") + models.F("bonus_score")) * 100),
                ),
                name="points_total_is_sum_of_parts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.reference}: {self.total}"


class PointsComponent(models.Model):
    class Kind(models.TextChoices):
        CRITERION = "criterion", _("Criterium")
        INDICATOR = "indicator", _("Indicator")
        BONUS = "bonus", _("Voorrangsregel")

    breakdown = models.ForeignKey(PointsBreakdown, on_delete=models.CASCADE, related_name="components")
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=60)
    label = models.CharField(_("omschrijving"), max_length=200)
    points = models.DecimalField(_("punten"), **POINTS)
    # Mean, weight and scores of a criterion; the value of an indicator; whether a rule applied. Numbers
    # are stored as strings and read back as Decimal, never as floats.
    detail = models.JSONField(default=dict, blank=True)
    flagged = models.BooleanField(_("grote spreiding"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["breakdown", "order"]
        verbose_name = _("puntencomponent")
        verbose_name_plural = _("puntencomponenten")

    def __str__(self) -> str:
        return f"{self.label}: {self.points}"
