"""People and organisations: users with their role, municipalities, network memberships, indicator
values, personal API tokens and the append-only audit trail."""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts import textlimits
from accounts.textlimits import limited

CBS_CODE_VALIDATOR = RegexValidator(
    r"^GM\d{4}$", _("Een CBS-gemeentecode bestaat uit 'GM' en vier cijfers, bijvoorbeeld GM0363.")
)


class Province(models.TextChoices):
    GRONINGEN = "Groningen", "Groningen"
    FRYSLAN = "Fryslân", "Fryslân"
    DRENTHE = "Drenthe", "Drenthe"
    OVERIJSSEL = "Overijssel", "Overijssel"
    FLEVOLAND = "Flevoland", "Flevoland"
    GELDERLAND = "Gelderland", "Gelderland"
    UTRECHT = "Utrecht", "Utrecht"
    NOORD_HOLLAND = "Noord-Holland", "Noord-Holland"
    ZUID_HOLLAND = "Zuid-Holland", "Zuid-Holland"
    ZEELAND = "Zeeland", "Zeeland"
    NOORD_BRABANT = "Noord-Brabant", "Noord-Brabant"
    LIMBURG = "Limburg", "Limburg"


class Municipality(models.Model):
    """A gemeente, identified by its CBS code; the organisation of grant officers."""

    cbs_code = models.CharField(_("CBS-code"), max_length=6, unique=True, validators=[CBS_CODE_VALIDATOR])
    name = models.CharField(_("naam"), max_length=100)
    province = models.CharField(_("provincie"), max_length=20, choices=Province.choices)
    inhabitants = models.PositiveIntegerField(_("inwoners"))
    inhabitants_year = models.PositiveSmallIntegerField(_("peiljaar inwoners"))
    # The postal address that award letters are sent to ("Het college van burgemeester en wethouders").
    postal_address = models.CharField(
        _("postadres"), max_length=100, blank=True, help_text=_("Bijvoorbeeld ‘Postbus 1’ of straat en huisnummer.")
    )
    postal_code = models.CharField(
        _("postcode"),
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^[1-9][0-9]{3} ?[A-Z]{2}$", _("Een postcode zoals 3430 AA."))],
    )
    postal_city = models.CharField(_("plaats"), max_length=100, blank=True)
    address_is_demo = models.BooleanField(
        _("demo-adres"), default=False, help_text=_("Het adres is verzonnen voor de demo.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")

    def __str__(self) -> str:
        return f"{self.name} ({self.cbs_code})"

    @property
    def postal_lines(self) -> tuple[str, ...]:
        """The address lines under the addressee of a letter; empty while no address is known."""
        city_line = " ".join(part for part in (self.postal_code, self.postal_city.upper()) if part)
        return tuple(line for line in (self.postal_address, city_line) if line)


class Network(models.Model):
    """A network of municipalities that a call can be reserved for (NPLV, M50, New Town Alliantie)."""

    NPLV = "NPLV"
    M50 = "M50"
    NEW_TOWN = "NEW_TOWN"

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("naam"), max_length=100)
    description = models.TextField(_("toelichting"), blank=True, **limited(textlimits.MESSAGE))

    class Meta:
        ordering = ["code"]
        verbose_name = _("netwerk")
        verbose_name_plural = _("netwerken")

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date) -> MembershipQuerySet:
        """The memberships that count on ``day`` (the same rule as ``Membership.is_active_on``)."""
        return self.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class Membership(models.Model):
    """Membership of a municipality (for NPLV: one of its focus areas) in a network, over a period."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("gemeente")
    )
    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("netwerk")
    )
    area_name = models.CharField(_("focusgebied"), max_length=100, blank=True)
    valid_from = models.DateField(_("geldig vanaf"))
    valid_to = models.DateField(_("geldig tot en met"), null=True, blank=True)
    source = models.TextField(_("bron"), blank=True, **limited(textlimits.REASON))

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["network__code", "municipality__name", "area_name"]
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "network", "area_name"], name="unique_membership_per_area"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="membership_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        area = f" – {self.area_name}" if self.area_name else ""
        return f"{self.municipality.name}: {self.network.code}{area}"

    def is_active_on(self, day: datetime.date) -> bool:
        """From ``valid_from`` up to and including ``valid_to`` (the same rule as ``objects.active_on``)."""
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


class Role(models.TextChoices):
    OFFICER = "officer", _("Aanvrager (gemeente)")
    REVIEWER = "reviewer", _("Beoordelaar (ministerie)")
    ADMINISTRATOR = "administrator", _("Beheerder (ministerie)")


MINISTRY_ROLES = (Role.REVIEWER, Role.ADMINISTRATOR)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("Een gebruiker heeft een e-mailadres nodig.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("role", Role.ADMINISTRATOR)
        extra["is_superuser"] = True
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person with exactly one role. Officers belong to one municipality; ministry staff to none."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mailadres"), unique=True)
    full_name = models.CharField(_("naam"), max_length=150, blank=True)
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
        verbose_name=_("gemeente"),
    )
    linked_municipalities = models.ManyToManyField(
        Municipality,
        blank=True,
        related_name="linked_staff",
        verbose_name=_("gelieerde gemeenten"),
        help_text=_("Gemeenten waarmee deze medewerker een band heeft; nooit beoordelaar van hun aanvragen."),
    )
    invited_at = models.DateTimeField(_("uitgenodigd op"), null=True, blank=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="officer") & Q(municipality__isnull=False))
                | (~Q(role="officer") & Q(municipality__isnull=True)),
                name="officer_has_municipality_and_staff_has_none",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        if self.role == Role.OFFICER and not self.municipality_id:
            raise ValidationError({"municipality": _("Een aanvrager hoort bij een gemeente.")})
        if self.role in MINISTRY_ROLES and self.municipality_id:
            raise ValidationError({"municipality": _("Ministeriemedewerkers horen niet bij een gemeente.")})

    def save(self, *args, **kwargs) -> None:
        # The Django admin is a ministry configuration tool: administrators only.
        self.is_staff = self.role == Role.ADMINISTRATOR
        # set_password() since the last save: a new password, set by any road (allauth's pages, the admin's
        # password form, manage.py changepassword). Tokens made with the old credentials end with it.
        password_changed = self._password is not None and not self._state.adding
        super().save(*args, **kwargs)
        if password_changed:
            from accounts.services import revoke_all_api_tokens

            revoke_all_api_tokens(user=self, reason="password_changed")

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    @property
    def is_officer(self) -> bool:
        return self.role == Role.OFFICER

    @property
    def is_reviewer(self) -> bool:
        return self.role == Role.REVIEWER

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR

    @property
    def is_ministry(self) -> bool:
        return self.role in MINISTRY_ROLES

    @property
    def organisation_name(self) -> str:
        from django.conf import settings

        return self.municipality.name if self.municipality_id else settings.MINISTRY_NAME


class Indicator(models.Model):
    """A need indicator, e.g. the share of homes in a Leefbaarometer area scored 'zwak' or lower."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("naam"), max_length=200)
    description = models.TextField(_("toelichting"), blank=True, **limited(textlimits.MESSAGE))
    unit = models.CharField(_("eenheid"), max_length=20, default="%")

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicatoren")

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="values", verbose_name=_("indicator")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="indicator_values", verbose_name=_("gemeente")
    )
    year = models.PositiveSmallIntegerField(_("jaar"))
    value = models.DecimalField(_("waarde"), max_digits=12, decimal_places=3)
    is_demo = models.BooleanField(
        _("demogegevens"), default=False, help_text=_("Gegenereerd voor de demo; geen echte meting.")
    )
    source = models.CharField(_("bron"), max_length=255, blank=True)
    imported_at = models.DateTimeField(_("geïmporteerd op"), auto_now=True)

    class Meta:
        ordering = ["indicator__code", "municipality__name", "year"]
        verbose_name = _("indicatorwaarde")
        verbose_name_plural = _("indicatorwaarden")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "municipality", "year"], name="unique_indicator_value_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.municipality.cbs_code} {self.year}: {self.value}"


def api_token_max_age() -> datetime.timedelta:
    return datetime.timedelta(days=settings.API_TOKEN_MAX_AGE_DAYS)


class ApiTokenQuerySet(models.QuerySet):
    def active(self, now: datetime.datetime | None = None) -> ApiTokenQuerySet:
        """Not revoked and younger than API_TOKEN_MAX_AGE_DAYS: a token leaked once stops working."""
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, created_at__gt=now - api_token_max_age())


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token itself is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("omschrijving"), max_length=100)
    prefix = models.CharField(_("begin van de sleutel"), max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    last_used_at = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True)
    revoked_at = models.DateTimeField(pgettext_lazy("API-sleutel", "ingetrokken op"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API-sleutel")
        verbose_name_plural = _("API-sleutels")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def expires_at(self) -> datetime.datetime:
        return self.created_at + api_token_max_age()

    @property
    def is_expired(self) -> bool:
        return self.revoked_at is None and self.expires_at <= timezone.now()

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class AuditEventQuerySet(models.QuerySet):
    """Refuses bulk changes: the trail is append-only."""

    def update(self, **kwargs):
        raise PermissionError("Het auditlog is alleen-toevoegen: gebeurtenissen wijzigen kan niet.")

    def delete(self):
        raise PermissionError("Het auditlog is alleen-toevoegen: gebeurtenissen verwijderen kan niet.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise PermissionError("Het auditlog is alleen-toevoegen: gebeurtenissen wijzigen kan niet.")

    def for_target(self, target: models.Model) -> AuditEventQuerySet:
        return self.filter(target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk))


class AuditEvent(models.Model):
    """Who did what to which object, when, with the state before and after.

    Append-only: the model, its queryset, the admin and the API refuse edits and deletions, and on
    PostgreSQL a trigger refuses UPDATE and DELETE on the table itself.
    """

    created_at = models.DateTimeField(_("tijdstip"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("door")
    )
    actor_label = models.CharField(_("door (naam)"), max_length=254, blank=True)
    verb = models.CharField(_("handeling"), max_length=100, db_index=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=255, blank=True)
    data = models.JSONField(_("gegevens"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("auditgebeurtenis")
        verbose_name_plural = _("auditlog")
        indexes = [models.Index(fields=["target_type", "target_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label or '-'} {self.verb} {self.target_repr}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise PermissionError("Het auditlog is alleen-toevoegen: gebeurtenissen wijzigen kan niet.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Het auditlog is alleen-toevoegen: gebeurtenissen verwijderen kan niet.")
