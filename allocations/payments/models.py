"""Instalments (voorschotten/betalingen): what a sent award promises to pay, and when (DESIGN.md §7b).

One row per instalment of the letter's payment schedule (``schedule.payment_schedule``), made when the letter
is sent. Its lifecycle is ``transitions.INSTALMENT_WORKFLOW``: ``due → ordered → paid``, or ``cancelled``
before it is paid. The amounts of a decision's instalments add up to its award, to the cent; awarded = paid +
still due (+ cancelled, which only a later decision explains).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.workflow import TransitionNotAllowed
from allocations.runs.models import Decision
from applications.models import MONEY


class InstalmentStatus(models.TextChoices):
    DUE = "due", _("Te betalen")
    ORDERED = "ordered", _("Betaalopdracht gegeven")
    PAID = "paid", _("Betaald")
    CANCELLED = "cancelled", _("Vervallen")


#: Still to be paid: counted as "still due" in every overview.
OPEN_STATES = (InstalmentStatus.DUE, InstalmentStatus.ORDERED)


class PaidSource(models.TextChoices):
    PAGE = "page", _("vastgelegd op de betalingenpagina")
    IMPORT = "import", _("ingelezen uit het financiële systeem")
    API = "api", _("vastgelegd via de API")


#: What an instalment promises; these never change once it is made, and an instalment is never deleted: one
#: that will not be paid is cancelled, with its reason.
INSTALMENT_FROZEN_FIELDS = ("decision", "sequence", "year", "due_on", "amount", "reference")


class InstalmentChanged(TransitionNotAllowed):
    """An instalment's amount, date or number was about to change, or it was about to be deleted (HTTP 409)."""

    def __init__(self) -> None:
        super().__init__(
            str(
                _(
                    "Een termijn volgt de verzonden beschikking en verandert niet. Een termijn die niet wordt "
                    "betaald, laat u vervallen, met de reden."
                )
            )
        )


class InstalmentQuerySet(models.QuerySet):
    def update(self, **kwargs):
        frozen = {name for field in INSTALMENT_FROZEN_FIELDS for name in (field, f"{field}_id")}
        if frozen.intersection(kwargs) and self.exists():
            raise InstalmentChanged
        return super().update(**kwargs)

    def delete(self):
        if self.exists():
            raise InstalmentChanged
        return super().delete()

    def open(self) -> InstalmentQuerySet:
        """Still to be paid (``OPEN_STATES``)."""
        return self.filter(status__in=OPEN_STATES)

    def visible_to(self, user) -> InstalmentQuerySet:
        """The instalments ``user`` may see: ministry staff all, an officer those of their own municipality's
        sent decisions (there are no others: instalments are made when the letter is sent), anyone else none.
        The list form of ``permissions.can_view_instalment``."""
        from accounts.permissions import is_ministry, is_officer

        if is_ministry(user):
            return self
        if is_officer(user) and user.municipality_id:
            return self.filter(
                decision__application__municipality_id=user.municipality_id, decision__sent_at__isnull=False
            )
        return self.none()


class Instalment(models.Model):
    """One payment of a decision's schedule: its year, due date, amount and the reference the financial system
    quotes with it (``reference``: the decision number and the sequence)."""

    Status = InstalmentStatus

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="instalments", verbose_name=_("beschikking")
    )
    sequence = models.PositiveSmallIntegerField(_("termijn"))
    year = models.PositiveSmallIntegerField(_("jaar"))
    due_on = models.DateField(_("uiterste betaaldatum"))
    amount = models.DecimalField(_("bedrag"), **MONEY)
    reference = models.CharField(_("betalingskenmerk"), max_length=60, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=InstalmentStatus.choices, default=InstalmentStatus.DUE
    )
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    ordered_at = models.DateTimeField(_("betaalopdracht gegeven op"), null=True, blank=True)
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    paid_on = models.DateField(_("betaald op"), null=True, blank=True)
    paid_source = models.CharField(_("betaling vastgelegd"), max_length=10, choices=PaidSource.choices, blank=True)
    paid_recorded_at = models.DateTimeField(_("betaling vastgelegd op"), null=True, blank=True)
    paid_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("vervallen op"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(_("reden van vervallen"), max_length=500, blank=True)

    objects = InstalmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "decision__number", "sequence"]
        verbose_name = _("termijnbetaling")
        verbose_name_plural = _("termijnbetalingen")
        constraints = [
            models.UniqueConstraint(fields=["decision", "sequence"], name="one_instalment_per_decision_sequence"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_amount_positive"),
            models.CheckConstraint(
                condition=Q(status="paid", paid_on__isnull=False) | (~Q(status="paid") & Q(paid_on__isnull=True)),
                name="instalment_paid_has_date",
            ),
        ]
        indexes = [models.Index(fields=["due_on", "status"], name="instalment_due_status")]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs):
        if self.pk is not None:
            self._refuse_change(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise InstalmentChanged

    def _refuse_change(self, update_fields) -> None:
        fields = [
            self._meta.get_field(name)
            for name in INSTALMENT_FROZEN_FIELDS
            if update_fields is None or name in update_fields or f"{name}_id" in update_fields
        ]
        if not fields:
            return
        stored = Instalment.objects.filter(pk=self.pk).values(*(f.attname for f in fields)).first()
        if stored is not None and any(stored[f.attname] != f.to_python(getattr(self, f.attname)) for f in fields):
            raise InstalmentChanged

    @property
    def is_open(self) -> bool:
        """The same rule as ``InstalmentQuerySet.open``."""
        return self.status in OPEN_STATES


def instalment_reference(decision_number: str, sequence: int) -> str:
    """What the financial system quotes with the payment and sends back with its paid date:
    ``NPLV-2027-000123-T1``: the decision number (Vermeld daarbij het beschikkingsnummer) and the term."""
    return f"{decision_number}-T{sequence}"
