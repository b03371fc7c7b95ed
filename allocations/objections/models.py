"""Objections (bezwaar, DESIGN.md §7a): one case per objection against a sent decision, with the dates the law
counts from, its repair term, its hearing or the waiver of it, a postponement and its outcome.

Its lifecycle is the table in ``transitions.py``; ``services.py`` makes every change. The terms come from
``deadlines.py`` and are never stored: they follow from the dates here, so a corrected date corrects them.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import textlimits
from accounts.models import Municipality
from accounts.textlimits import limited
from allocations.letters.deadlines import local_today
from allocations.objections import deadlines
from allocations.runs.models import Decision
from allocations.runs.reconsideration_models import Reconsideration


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portaal")
    POST = "post", _("Post")
    EMAIL = "email", _("E-mail")


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("In behandeling")
    REPAIR = "repair", _("Wacht op herstel")
    HEARING_PLANNED = "hearing_planned", _("Hoorzitting gepland")
    READY = "ready", _("Klaar voor beslissing")
    CLOSED = "closed", _("Afgehandeld")


OPEN_STATUSES = (CaseStatus.RECEIVED, CaseStatus.REPAIR, CaseStatus.HEARING_PLANNED, CaseStatus.READY)


class CaseOutcome(models.TextChoices):
    INADMISSIBLE = "inadmissible", _("Niet-ontvankelijk")
    UNFOUNDED = "unfounded", _("Ongegrond")
    PARTLY_FOUNDED = "partly_founded", _("Deels gegrond")
    FOUNDED = "founded", _("Gegrond")
    WITHDRAWN = "withdrawn", _("Ingetrokken")


#: Outcomes on the merits: the objector and the interested parties must have been offered a hearing first (7:2).
MERITS = (CaseOutcome.UNFOUNDED, CaseOutcome.PARTLY_FOUNDED, CaseOutcome.FOUNDED)
#: Outcomes that revoke the decision objected to and take a new one (Awb 7:11).
FOUNDED = (CaseOutcome.FOUNDED, CaseOutcome.PARTLY_FOUNDED)
#: The suffix of the number of a decision on an objection: the case number + "-BOB" (beslissing op bezwaar).
RULING_SUFFIX = "-BOB"


class WaiverGround(models.TextChoices):
    """The grounds of Awb 7:3 on which the hearing may be left out, and no other."""

    MANIFESTLY_INADMISSIBLE = "a", _("a. het bezwaar is kennelijk niet-ontvankelijk")
    MANIFESTLY_UNFOUNDED = "b", _("b. het bezwaar is kennelijk ongegrond")
    DECLINED = "c", _("c. de belanghebbenden hebben verklaard niet gehoord te willen worden")
    NO_ANSWER = "d", _("d. de belanghebbenden hebben niet binnen de gestelde termijn gevraagd om gehoord te worden")
    FULLY_MET = "e", _("e. aan het bezwaar wordt volledig tegemoetgekomen zonder andere belanghebbenden te schaden")


class ObjectionQuerySet(models.QuerySet):
    def open(self) -> ObjectionQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def visible_to(self, user) -> ObjectionQuerySet:
        """The cases ``user`` may see: ministry staff all, an officer those of their own municipality (as the
        objector, or as the addressee of the decision objected to), anyone else none. The list form of
        ``permissions.can_view_case``."""
        from accounts.permissions import is_ministry, is_officer

        if is_ministry(user):
            return self
        if is_officer(user) and user.municipality_id:
            return self.filter(
                Q(objector_id=user.municipality_id) | Q(decision__application__municipality_id=user.municipality_id)
            )
        return self.none()


class ObjectionCase(models.Model):
    """One objection against one sent decision (``decision``, by its number). Dates are Amsterdam days."""

    Status = CaseStatus
    Outcome = CaseOutcome

    number = models.CharField(_("zaaknummer"), max_length=60, unique=True)
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="objections", verbose_name=_("beschikking")
    )
    objector = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="objections", verbose_name=_("indiener")
    )
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.RECEIVED)
    channel = models.CharField(_("ontvangen via"), max_length=10, choices=Channel.choices)
    received_on = models.DateField(_("ontvangen op"))
    posted_on = models.DateField(_("datum poststempel"), null=True, blank=True)
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ingediend of geregistreerd door"),
    )
    lodged_at = models.DateTimeField(_("vastgelegd op"), default=timezone.now)
    grounds = models.TextField(_("gronden van het bezwaar"), blank=True, **limited(textlimits.CONTENT))
    pro_forma = models.BooleanField(_("pro forma (gronden volgen)"), default=False)
    # Timeliness (6:9) as computed when the case was lodged, and a person's override with its reason (6:11).
    timely_computed = models.BooleanField(_("tijdig volgens de termijn"))
    timely_override = models.BooleanField(_("tijdigheid vastgesteld"), null=True, blank=True)
    timely_reason = models.TextField(_("reden voor de vaststelling"), blank=True, **limited(textlimits.REASON))
    advisory_committee = models.BooleanField(_("adviescommissie (Awb 7:13)"), default=False)
    # The repair term (6:6), also the term for the grounds of a pro-forma objection.
    repair_requested_on = models.DateField(_("herstel gevraagd op"), null=True, blank=True)
    repair_deadline = models.DateField(_("hersteltermijn tot en met"), null=True, blank=True)
    repair_missing = models.TextField(_("wat ontbreekt"), blank=True, **limited(textlimits.REASON))
    repair_ended_on = models.DateField(_("herstel afgesloten op"), null=True, blank=True)
    repaired = models.BooleanField(_("verzuim hersteld"), null=True, blank=True)
    # The hearing (7:2) or its waiver (7:3).
    hearing_on = models.DateField(_("datum hoorzitting"), null=True, blank=True)
    invited = models.ManyToManyField(
        Municipality, blank=True, related_name="+", verbose_name=_("uitgenodigd voor de hoorzitting")
    )
    hearing_held_on = models.DateField(_("gehoord op"), null=True, blank=True)
    hearing_notes = models.TextField(_("verslag (samenvatting)"), blank=True, **limited(textlimits.MESSAGE))
    waiver_ground = models.CharField(
        _("grond om niet te horen (Awb 7:3)"), max_length=1, choices=WaiverGround.choices, blank=True
    )
    waiver_reason = models.TextField(_("toelichting"), blank=True, **limited(textlimits.REASON))
    # One postponement of the decision term (7:10 lid 3).
    postponed_weeks = models.PositiveSmallIntegerField(
        _("verdaagd met (weken)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(deadlines.MAX_POSTPONEMENT_WEEKS)],
    )
    postponed_on = models.DateField(_("verdaagd op"), null=True, blank=True)
    postponement_reason = models.TextField(_("reden van verdaging"), blank=True, **limited(textlimits.REASON))
    # The outcome.
    outcome = models.CharField(_("uitkomst"), max_length=20, choices=CaseOutcome.choices, blank=True)
    outcome_reason = models.TextField(_("motivering"), blank=True, **limited(textlimits.MESSAGE))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("beslist op"), null=True, blank=True)
    # The re-run as of the original decision (Awb 4:25 lid 3, 7:11) this case decides on.
    reconsideration = models.ForeignKey(
        Reconsideration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objection_cases",
        verbose_name=_("heroverweging"),
    )
    # Four eyes: a founded outcome that changes money is prepared by one administrator and approved by another.
    proposed_outcome = models.CharField(
        _("voorgestelde uitkomst"), max_length=20, choices=CaseOutcome.choices, blank=True
    )
    proposed_reason = models.TextField(_("voorgestelde motivering"), blank=True, **limited(textlimits.MESSAGE))
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("voorbereid door"),
    )
    prepared_at = models.DateTimeField(_("voorbereid op"), null=True, blank=True)
    # The number of the decision on the objection (beslissing op bezwaar), given when the case closes with an
    # outcome other than withdrawn: a founded one revokes the old decision (Awb 7:11) and the old letter names it.
    ruling_number = models.CharField(_("nummer beslissing op bezwaar"), max_length=80, blank=True)
    # The payment of the difference of a founded decision that awards more (``outcome.approve_decision``).
    extra_instalment = models.ForeignKey(
        "allocations.Instalment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("betaling van het verschil"),
    )

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        ordering = ["-lodged_at", "-pk"]
        verbose_name = _("bezwaar")
        verbose_name_plural = _("bezwaren")
        constraints = [
            # One open case per objector per decision: a second letter about it belongs in the same case.
            models.UniqueConstraint(
                fields=["decision", "objector"],
                condition=~Q(status="closed"),
                name="one_open_objection_per_objector",
            ),
            models.CheckConstraint(
                condition=Q(status="closed") | Q(outcome=""), name="objection_outcome_only_when_closed"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    # --- the dates the law counts ------------------------------------------------------------------------

    @property
    def sent_on(self) -> datetime.date:
        """The day the decision was sent, in Amsterdam: the day after it the objection term starts (6:8)."""
        return local_today(self.decision.sent_at)

    @property
    def objection_term_end(self) -> datetime.date:
        return deadlines.objection_term_end(self.sent_on)

    @property
    def timeliness(self) -> deadlines.Timeliness:
        return deadlines.timeliness(sent_on=self.sent_on, received_on=self.received_on, posted_on=self.posted_on)

    @property
    def is_timely(self) -> bool:
        """The computed timeliness, unless a person decided otherwise with a reason (6:11)."""
        return self.timely_computed if self.timely_override is None else self.timely_override

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def revokes_decision(self) -> bool:
        """A closed case with a (partly) founded outcome revoked the decision objected to (Awb 7:11)."""
        return self.status == CaseStatus.CLOSED and self.outcome in FOUNDED

    @property
    def awaits_approval(self) -> bool:
        """A founded outcome with money is prepared and waits for a second administrator's approval."""
        return self.is_open and bool(self.proposed_outcome)

    def suspensions(self) -> list[deadlines.Suspension]:
        """The repair term as a suspension of the decision term (7:10 lid 2). While it runs it counts as
        running to its deadline, the furthest it can go; once it ended, to the day it ended."""
        if self.repair_requested_on is None:
            return []
        ended = self.repair_ended_on or self.repair_deadline
        return [deadlines.Suspension(requested_on=self.repair_requested_on, ended_on=ended)]

    @property
    def decision_term_end(self) -> datetime.date:
        return deadlines.decision_term_end(
            sent_on=self.sent_on,
            committee=self.advisory_committee,
            suspensions=self.suspensions(),
            postponement_weeks=self.postponed_weeks or 0,
        )

    def next_deadline(self) -> tuple[str, datetime.date] | None:
        """What is due next and by when, for the deadline board: a running repair term first, then the
        decision term. A closed case has none."""
        if not self.is_open:
            return None
        if self.status == CaseStatus.REPAIR and self.repair_deadline:
            return ("repair", self.repair_deadline)
        return ("decision", self.decision_term_end)


class TermReminder(models.Model):
    """The e-mail to the case's staff a week before its decision term ends, once per term end: written with the
    queued e-mail, so a second beat sends nothing again, and a postponed term (a new end) gets its own."""

    case = models.ForeignKey(ObjectionCase, on_delete=models.CASCADE, related_name="+")
    term_end = models.DateField(_("einde beslistermijn"))
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "term_end"], name="one_reminder_per_term_end")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.term_end}"
