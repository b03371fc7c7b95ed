"""How a call is assessed: its settings, criteria, need bands and bonus rules. They are saved and deleted
only here, by the API and the admin alike: each checks the rule, validates, writes and records the audit
event on the call. The criteria lock once a review of the call is submitted (the scores would no longer fit).
All of it but the reviewers' guidance, the review deadline, the number of reviewers and the spread threshold
is part of the call's published rules: a change before opening publishes a new version, and from opening
on a change to the rules is refused (applications/published_rules/freeze.py).
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Model, ProtectedError, Q
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import User
from accounts.permissions import require
from accounts.workflow import TransitionNotAllowed
from applications.models import AssessmentSettings, BonusRule, Call, Criterion, NeedBand, Review, ReviewScore
from applications.permissions import can_configure_assessment
from applications.published_rules.freeze import check_changeable, rules_change

ConfigRow = AssessmentSettings | Criterion | NeedBand | BonusRule

AUDIT_NAMES: dict[type[Model], str] = {
    AssessmentSettings: "assessment_settings",
    Criterion: "criterion",
    NeedBand: "need_band",
    BonusRule: "bonus_rule",
}


def criteria_locked(call: Call) -> bool:
    """A submitted review of the call fixes its criteria."""
    return Review.objects.filter(assignment__application__call=call).submitted().exists()


def check_criteria_changeable(call: Call) -> None:
    """Raise ``TransitionNotAllowed`` (a 409) once the criteria of the call are locked."""
    if criteria_locked(call):
        raise TransitionNotAllowed(
            _(
                "Deze aanvraagronde heeft al ingediende beoordelingen; daarmee liggen de "
                "criteria vast. Heropen eerst die beoordelingen als een criterium echt moet "
                "veranderen."
            )
        )


def plain(values: dict) -> dict:
    """Related rows by their code (indicator, network) or id, for the audit trail."""

    def one(value):
        if hasattr(value, "pk"):
            return getattr(value, "code", None) or value.pk
        return value

    return {key: one(value) for key, value in values.items()}


def validate(row: Model) -> None:
    """The model's own rules and the call's uniqueness, as field errors with the portal's messages."""
    # Uniqueness is checked below, with a message beside the field.
    row.full_clean(validate_unique=False, validate_constraints=False)
    if isinstance(row, Criterion):
        _check_criterion(row)
    elif isinstance(row, NeedBand):
        others = NeedBand.objects.filter(call_id=row.call_id, indicator=row.indicator, threshold=row.threshold)
        if others.exclude(pk=row.pk).exists():
            raise ValidationError({"threshold": [_("Er is al een band met deze drempel voor deze indicator.")]})


def _check_criterion(criterion: Criterion) -> None:
    others = Criterion.objects.filter(call_id=criterion.call_id, name__iexact=criterion.name.strip())
    if others.exclude(pk=criterion.pk).exists():
        raise ValidationError({"name": [_("Deze aanvraagronde heeft al een criterium met deze naam.")]})
    if criterion.pk is not None:
        outside = ReviewScore.objects.filter(criterion_id=criterion.pk, score__isnull=False).filter(
            Q(score__lt=criterion.scale_min) | Q(score__gt=criterion.scale_max)
        )
        if outside.exists():
            raise ValidationError(
                {
                    "scale_max": [
                        _("Er zijn al scores gegeven buiten deze schaal; kies een schaal waar die binnen vallen.")
                    ]
                }
            )


def save(*, row: ConfigRow, values: dict, by: User) -> ConfigRow:
    """Set ``values`` on ``row`` (a configuration row of its call, new or existing), check and save it, and
    record ``<name>.created``/``.updated`` on the call with what changed."""
    require(can_configure_assessment(by))
    call = row.call
    creating = row.pk is None
    if creating and not isinstance(row, AssessmentSettings):
        check_changeable(call)  # a new criterion, band or rule always changes the rules
    if isinstance(row, Criterion):
        check_criteria_changeable(call)
    before = None if creating else plain({key: getattr(row, key) for key in values})
    for key, value in values.items():
        setattr(row, key, value)
    validate(row)
    if creating and isinstance(row, Criterion) and "order" not in values:
        last = Criterion.objects.filter(call=call).aggregate(last=Max("order"))["last"]
        row.order = 0 if last is None else last + 1
    name = AUDIT_NAMES[type(row)]
    with rules_change(call, by=by):
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError as exc:  # the same row created by someone else in the meantime
            raise ValidationError({NON_FIELD_ERRORS: [_("Dit bestaat al voor deze aanvraagronde.")]}) from exc
        audit.record(
            actor=by,
            target=call,
            verb=f"{name}.{'created' if creating else 'updated'}",
            data={name: row.pk},
            before=before,
            after=plain(values),
        )
    return row


def delete(*, row: ConfigRow, by: User, in_use_message: str) -> None:
    """Remove a configuration row; one already in use (scores on a criterion) is a 409 with ``in_use_message``."""
    require(can_configure_assessment(by))
    check_changeable(row.call)
    if isinstance(row, Criterion):
        check_criteria_changeable(row.call)
    name = AUDIT_NAMES[type(row)]
    try:
        with rules_change(row.call, by=by):
            audit.record(actor=by, verb=f"{name}.deleted", target=row.call, data={name: row.pk, "label": str(row)})
            row.delete()
    except ProtectedError as exc:
        raise TransitionNotAllowed(str(in_use_message)) from exc
