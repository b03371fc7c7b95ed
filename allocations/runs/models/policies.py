"""An allocation policy: how a call's budget is divided (method, pots, reservations, rounding, ties)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality, Network
from applications.models import MONEY, Call
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
