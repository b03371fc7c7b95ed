"""Applications (aanvragen) with their budget lines, attachments, information requests and PDF copies."""

from __future__ import annotations

import datetime
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import textlimits
from accounts.models import Municipality
from accounts.textlimits import limited
from applications.models.calls import MONEY, Call, RequiredAttachment, Theme


class Status(models.TextChoices):
    DRAFT = "draft", _("Concept")
    SUBMITTED = "submitted", _("Ingediend")
    INFO_REQUESTED = "info_requested", _("Aanvulling gevraagd")
    IN_REVIEW = "in_review", _("In beoordeling")
    REVIEWED = "reviewed", _("Beoordeeld")
    AWARDED = "awarded", _("Toegekend")
    PARTIALLY_AWARDED = "partially_awarded", _("Gedeeltelijk toegekend")
    REJECTED = "rejected", _("Afgewezen")
    LETTER_SENT = "letter_sent", _("Beschikking verzonden")
    WITHDRAWN = "withdrawn", _("Ingetrokken")


# States in which the municipality may still change the content.
EDITABLE_STATES = (Status.DRAFT, Status.INFO_REQUESTED)
# States in which reviewers can be assigned (the assessment's services, selectors, filters and pages).
ASSIGNABLE_STATES = (Status.SUBMITTED, Status.IN_REVIEW)

# The fields of an application's content: what the municipality writes (the budget lines apart).
CONTENT_FIELDS = (
    "title",
    "area_name",
    "goals",
    "approach",
    "partners",
    "residents_involvement",
    "requested_amount",
    "cofinancing_amount",
    "cofinancing_sources",
)
MONEY_FIELDS = {"requested_amount": False, "cofinancing_amount": True}  # field -> zero allowed


class Application(models.Model):
    """One municipality's request in one call.

    Content is edited in steps while the application is a draft (or while the ministry asks for more
    information); every save bumps ``revision`` so two officers cannot overwrite each other unseen.
    """

    Status = Status

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications", verbose_name=_("ronde"))
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="applications", verbose_name=_("gemeente")
    )
    area_name = models.CharField(
        _("gebied"),
        max_length=150,
        blank=True,
        help_text=_("De wijk of het focusgebied waarvoor u aanvraagt."),
    )
    reference = models.CharField(_("kenmerk"), max_length=40, unique=True)
    title = models.CharField(_("titel"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)

    goals = models.TextField(_("doelen"), blank=True, **limited(textlimits.CONTENT))
    approach = models.TextField(_("aanpak"), blank=True, **limited(textlimits.CONTENT))
    partners = models.TextField(
        _("partners in de lokale alliantie"),
        blank=True,
        **limited(textlimits.CONTENT),
        help_text=_("Welke organisaties werken mee, bijvoorbeeld corporaties, scholen, zorg en politie?"),
    )
    residents_involvement = models.TextField(_("betrokkenheid van bewoners"), blank=True, **limited(textlimits.CONTENT))

    requested_amount = models.DecimalField(
        _("aangevraagd bedrag"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    cofinancing_amount = models.DecimalField(
        _("cofinanciering"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text=_("De eigen bijdrage van de gemeente en partners, in euro."),
    )
    cofinancing_sources = models.TextField(
        _("bronnen van de cofinanciering"),
        blank=True,
        **limited(textlimits.MESSAGE),
        help_text=_("Wie draagt wat bij? Bijvoorbeeld: gemeentebegroting 2027, woningcorporatie."),
    )

    revision = models.PositiveIntegerField(_("versie"), default=1)
    # The PDF copy of the last submission: how often making it failed (reset when it is stored).
    copy_failures = models.PositiveSmallIntegerField(_("mislukte pogingen PDF-kopie"), default=0)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    updated_at = models.DateTimeField(_("laatst gewijzigd"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("aangemaakt door"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("laatst bewerkt door"),
    )
    submitted_at = models.DateTimeField(_("ingediend op"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("aanvraag")
        verbose_name_plural = _("aanvragen")
        constraints = [
            # One per municipality per call, or one per area when the call allows several; a withdrawn
            # application makes room for a new one.
            models.UniqueConstraint(
                fields=["call", "municipality", "area_name"],
                condition=~Q(status="withdrawn"),
                name="one_application_per_area_per_call",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "status"]), models.Index(fields=["call", "status"])]

    def __str__(self) -> str:
        return f"{self.reference} – {self.title}"

    def get_status_display(self) -> str:
        # Django's own builds a dict of every choice, translating each label, on every call: a list page of
        # fifty applications translated the whole lifecycle fifty times.
        try:
            return str(Status(self.status).label)
        except ValueError:
            return str(self.status)

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATES

    @property
    def budget_total(self) -> Decimal:
        if hasattr(self, "_prefetched_objects_cache") and "budget_lines" in self._prefetched_objects_cache:
            return sum((line.amount for line in self.budget_lines.all()), Decimal("0.00"))
        return self.budget_lines.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")

    @property
    def cofinancing_pct(self) -> Decimal | None:
        """Co-financing as a percentage of the requested amount (the Volkshuisvestingsfonds convention)."""
        if not self.requested_amount or self.cofinancing_amount is None:
            return None
        return (self.cofinancing_amount * 100 / self.requested_amount).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


class ReferenceCounter(models.Model):
    """The last number handed out for a call and municipality. References are never reused: deleting a
    draft leaves the counter where it is, and parallel starts are serialised on this row."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["call", "municipality"], name="one_reference_counter_per_call_municipality")
        ]

    def __str__(self) -> str:
        return f"{self.call_id}/{self.municipality_id}: {self.last}"


class BudgetLine(models.Model):
    """Money per theme per year; the lines add up to the requested amount."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="budget_lines", verbose_name=_("bestedingsdoel")
    )
    year = models.PositiveSmallIntegerField(_("jaar"))
    amount = models.DecimalField(_("bedrag"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    description = models.CharField(_("toelichting"), max_length=255, blank=True)

    class Meta:
        ordering = ["application", "year", "theme__order", "theme__name"]
        verbose_name = _("begrotingsregel")
        verbose_name_plural = _("begrotingsregels")
        constraints = [
            models.UniqueConstraint(fields=["application", "theme", "year"], name="one_budget_line_per_theme_year"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="budget_line_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.theme} {self.year}: {self.amount}"


def attachment_path(instance: Attachment, filename: str) -> str:
    """Private storage under a random name; the original name is kept in the database only."""
    import uuid

    today = datetime.date.today()
    return f"attachments/{today:%Y/%m}/{uuid.uuid4().hex}"


# The media type each accepted attachment format is stored and sent with.
ATTACHMENT_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class Attachment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    requirement = models.ForeignKey(
        RequiredAttachment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("soort bijlage"),
    )
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("bestandsnaam"), max_length=255)
    file_format = models.CharField(_("bestandsformaat"), max_length=10)
    size = models.PositiveBigIntegerField(_("grootte (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("toegevoegd op"), default=timezone.now)

    class Meta:
        ordering = ["application", "requirement__order", "uploaded_at"]
        verbose_name = _("bijlage")
        verbose_name_plural = _("bijlagen")

    def __str__(self) -> str:
        return self.original_name

    @property
    def content_type(self) -> str:
        return ATTACHMENT_CONTENT_TYPES[self.file_format]


class InformationRequest(models.Model):
    """The ministry asks the municipality to complete its application; the municipality answers by
    editing and re-submitting."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="information_requests")
    message = models.TextField(_("gevraagde informatie"), **limited(textlimits.MESSAGE))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("gevraagd op"), default=timezone.now)
    # Awb 4:5: the term within which the municipality can complete the application.
    reply_by = models.DateField(_("aanvullen vóór"), null=True, blank=True)
    answer = models.TextField(_("toelichting bij de aanvulling"), blank=True, **limited(textlimits.MESSAGE))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("aangevuld op"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("verzoek om aanvulling")
        verbose_name_plural = _("verzoeken om aanvulling")

    def __str__(self) -> str:
        return f"{self.application.reference}: {self.requested_at:%Y-%m-%d}"


def document_path(instance: ApplicationDocument, filename: str) -> str:
    import uuid

    return f"documents/{instance.application_id}/{uuid.uuid4().hex}.pdf"


class ApplicationDocument(models.Model):
    """A stored PDF copy of the application as submitted; each submission adds a version."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    version = models.PositiveIntegerField(_("versie"))
    file = models.FileField(upload_to=document_path, max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    submitted_at = models.DateTimeField(_("ingediend op"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["application", "-version"]
        verbose_name = _("PDF-kopie van de aanvraag")
        verbose_name_plural = _("PDF-kopieën van aanvragen")
        constraints = [
            models.UniqueConstraint(fields=["application", "version"], name="one_document_per_version"),
            models.UniqueConstraint(fields=["application", "submitted_at"], name="one_document_per_submission"),
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} v{self.version}"
