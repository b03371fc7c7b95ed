"""Schemes (regelingen) with their themes, and calls (aanvraagrondes) with their rules."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import textlimits
from accounts.models import Membership, Municipality, Network
from accounts.textlimits import limited

MONEY = {"max_digits": 14, "decimal_places": 2}


class Scheme(models.Model):
    """A legal funding scheme, e.g. "SPUK Kansrijke Wijk 2026–2028"."""

    class Kind(models.TextChoices):
        SPECIFIC_GRANT = "specific_grant", _("Specifieke uitkering (SPUK)")
        SUBSIDY = "subsidy", _("Subsidie")
        FUND = "fund", _("Fondsbijdrage")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("naam"), max_length=200)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices, default=Kind.SPECIFIC_GRANT)
    description = models.TextField(_("omschrijving"), blank=True, **limited(textlimits.CONTENT))
    legal_basis = models.TextField(
        _("wettelijke grondslag"),
        **limited(textlimits.MESSAGE),
        help_text=_("Vermeld in elke beschikking, bijvoorbeeld de regeling en artikel."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("regeling")
        verbose_name_plural = _("regelingen")

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    """A spending purpose (bestedingsdoel); budget lines are per theme per year."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="themes", verbose_name=_("regeling"))
    name = models.CharField(_("naam"), max_length=200)
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        ordering = ["scheme", "order", "name"]
        verbose_name = _("bestedingsdoel")
        verbose_name_plural = _("bestedingsdoelen")
        constraints = [models.UniqueConstraint(fields=["scheme", "name"], name="unique_theme_per_scheme")]

    def __str__(self) -> str:
        return self.name


class CallQuerySet(models.QuerySet):
    def open_at(self, moment: datetime.datetime) -> CallQuerySet:
        return self.filter(opens_at__lte=moment, closes_at__gt=moment)

    def visible(self) -> CallQuerySet:
        return self.filter(is_published=True)

    def open_to(self, municipality: Municipality, on: datetime.date) -> CallQuerySet:
        """Calls this municipality may apply to: open to all, or to a network it belongs to on that day."""
        networks = Membership.objects.active_on(on).filter(municipality=municipality).values("network_id")
        return self.filter(Q(eligible_networks__isnull=True) | Q(eligible_networks__in=networks)).distinct()


class Call(models.Model):
    """One application window of a scheme, with its budget ceiling and rules."""

    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("Binnenkort open")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Gesloten")

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="calls", verbose_name=_("regeling"))
    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True, **limited(textlimits.CONTENT))
    opens_at = models.DateTimeField(_("open vanaf"))
    closes_at = models.DateTimeField(_("sluit op"))
    budget = models.DecimalField(_("subsidieplafond"), **MONEY, validators=[MinValueValidator(0)])
    year_from = models.PositiveSmallIntegerField(_("eerste jaar"))
    year_to = models.PositiveSmallIntegerField(_("laatste jaar"))
    eligible_networks = models.ManyToManyField(
        Network,
        blank=True,
        related_name="calls",
        verbose_name=_("open voor netwerken"),
        help_text=_("Leeg: open voor alle gemeenten."),
    )
    multiple_per_municipality = models.BooleanField(
        _("meerdere aanvragen per gemeente"),
        default=False,
        help_text=_("Dan één aanvraag per gebied."),
    )
    min_cofinancing_pct = models.DecimalField(
        _("minimale cofinanciering (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    max_per_application = models.DecimalField(
        _("maximum per aanvraag"), **MONEY, null=True, blank=True, validators=[MinValueValidator(0)]
    )

    class AttachmentFormats(models.TextChoices):
        PDF = "pdf", _("Alleen PDF")
        PDF_OFFICE = "pdf_office", _("PDF, Excel (XLSX) en Word (DOCX)")

    attachment_formats = models.CharField(
        _("toegestane bijlagen"),
        max_length=20,
        choices=AttachmentFormats.choices,
        default=AttachmentFormats.PDF,
    )
    max_attachment_mb = models.PositiveSmallIntegerField(
        _("maximale grootte bijlage (MB)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    prefix = models.CharField(
        _("kenmerkvoorvoegsel"),
        max_length=12,
        blank=True,
        help_text=_("Begin van het kenmerk van aanvragen, bijvoorbeeld LBF27. Leeg: afgeleid van de code."),
    )
    is_published = models.BooleanField(_("gepubliceerd"), default=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at", "title"]
        verbose_name = _("aanvraagronde")
        verbose_name_plural = _("aanvraagrondes")
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="call_window_ordered"),
            models.CheckConstraint(condition=Q(year_to__gte=models.F("year_from")), name="call_years_ordered"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("De sluitingsdatum moet na de openingsdatum liggen.")
        if self.year_from and self.year_to and self.year_to < self.year_from:
            errors["year_to"] = _("Het laatste jaar mag niet voor het eerste jaar liggen.")
        if errors:
            raise ValidationError(errors)

    def status_at(self, moment: datetime.datetime | None = None) -> str:
        moment = moment or timezone.now()
        if moment < self.opens_at:
            return self.Status.UPCOMING
        if moment >= self.closes_at:
            return self.Status.CLOSED
        return self.Status.OPEN

    @property
    def status(self) -> str:
        return self.status_at()

    def get_status_display(self) -> str:
        return self.Status(self.status).label

    @property
    def years(self) -> list[int]:
        return list(range(self.year_from, self.year_to + 1))

    @property
    def reference_prefix(self) -> str:
        return (self.prefix or self.code.replace("-", "")[:10]).upper()

    @property
    def allowed_formats(self) -> tuple[str, ...]:
        return ("pdf", "xlsx", "docx") if self.attachment_formats == self.AttachmentFormats.PDF_OFFICE else ("pdf",)

    def is_open_to(self, municipality: Municipality, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        networks = list(self.eligible_networks.all())
        if not networks:
            return True
        return Membership.objects.active_on(on).filter(municipality=municipality, network__in=networks).exists()


class RequiredAttachment(models.Model):
    """A document every application in the call must include, e.g. a 'plan van aanpak'."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="required_attachments")
    name = models.CharField(_("naam"), max_length=150)
    description = models.TextField(_("toelichting"), blank=True, **limited(textlimits.MESSAGE))
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        ordering = ["call", "order", "name"]
        verbose_name = _("verplichte bijlage")
        verbose_name_plural = _("verplichte bijlagen")
        constraints = [models.UniqueConstraint(fields=["call", "name"], name="unique_required_attachment_per_call")]

    def __str__(self) -> str:
        return self.name
