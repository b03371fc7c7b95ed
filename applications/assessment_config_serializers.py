"""Serializers for the assessment configuration of a call: settings, criteria, need bands, bonus rules."""

from __future__ import annotations

import copy
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.settings import api_settings

from accounts import audit
from accounts.models import Indicator, Network
from applications.models import (
    AssessmentSettings,
    BonusRule,
    Criterion,
    NeedBand,
    ReviewScore,
)

POINTS = {"max_digits": 9, "decimal_places": 2}


def _model_errors(exc: DjangoValidationError) -> serializers.ValidationError:
    detail = serializers.as_serializer_error(exc)
    if "__all__" in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop("__all__")
    return serializers.ValidationError(detail)


def _plain(values: dict) -> dict:
    """Related rows by their code (indicator, network) or id, for the audit trail."""

    def plain(value):
        if hasattr(value, "pk"):
            return getattr(value, "code", None) or value.pk
        return value

    return {key: plain(value) for key, value in values.items()}


class CallConfigurationSerializer(serializers.ModelSerializer):
    """One configuration row of a call (``context["call"]``). Validation runs the model's ``full_clean``
    on a copy, so the API refuses what the admin refuses, with the same Dutch messages; saving records
    ``<audit_name>.created``/``.updated`` on the call with what changed."""

    audit_name = ""

    def _candidate(self, attrs: dict):
        instance = copy.copy(self.instance) if self.instance is not None else self.Meta.model(call=self.context["call"])
        for key, value in attrs.items():
            setattr(instance, key, value)
        return instance

    def validate(self, attrs):
        candidate = self._candidate(attrs)
        try:
            # Uniqueness is checked by ``check_unique`` below, with a message beside the field.
            candidate.full_clean(validate_unique=False, validate_constraints=False)
        except DjangoValidationError as exc:
            raise _model_errors(exc) from exc
        self.check_unique(candidate)
        return attrs

    def check_unique(self, candidate) -> None:
        """Raise a field error when another row of the call already has these values."""

    def prepare_new(self, instance) -> None:
        """Defaults for a new row that depend on the call (e.g. the next order)."""

    def _save(self, instance, validated_data: dict):
        creating = instance is None or instance.pk is None
        before = None if creating else _plain({key: getattr(instance, key) for key in validated_data})
        row = instance if instance is not None else self.Meta.model(call=self.context["call"])
        for key, value in validated_data.items():
            setattr(row, key, value)
        if creating:
            self.prepare_new(row)
        call = self.context["call"]
        with transaction.atomic():
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError as exc:  # the same row created by someone else in the meantime
                raise serializers.ValidationError(
                    {api_settings.NON_FIELD_ERRORS_KEY: [_("Dit bestaat al voor deze aanvraagronde.")]}
                ) from exc
            audit.record(
                actor=self.context["request"].user,
                target=call,
                verb=f"{self.audit_name}.{'created' if creating else 'updated'}",
                data={self.audit_name: row.pk},
                before=before,
                after=_plain(validated_data),
            )
        return row

    def create(self, validated_data):
        return self._save(None, validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


class AssessmentSettingsSerializer(CallConfigurationSerializer):
    """How a call is assessed: reviewers per application, deadline, minimums and the indicators' year."""

    audit_name = "assessment_settings"

    call = serializers.IntegerField(source="call_id", read_only=True)

    class Meta:
        model = AssessmentSettings
        fields = [
            "call",
            "reviewers_per_application",
            "review_deadline",
            "min_reviewer_score",
            "min_total_points",
            "spread_threshold",
            "need_reference_year",
        ]
        extra_kwargs = {
            "reviewers_per_application": {"help_text": "Beoordelaars per aanvraag (minstens 1)."},
            "review_deadline": {"help_text": "Tot wanneer beoordelaars hun beoordeling kunnen indienen."},
            "min_reviewer_score": {"min_value": Decimal(0)},
            "min_total_points": {"min_value": Decimal(0)},
            "spread_threshold": {"min_value": Decimal(0)},
            "need_reference_year": {"min_value": 2000, "max_value": 2100},
        }


class CriterionSerializer(CallConfigurationSerializer):
    """A scored aspect of a call: reviewers give a whole number on its scale; the mean times the weight
    counts as points."""

    audit_name = "criterion"

    class Meta:
        model = Criterion
        fields = ["id", "name", "guidance", "scale_min", "scale_max", "weight", "required", "order"]
        extra_kwargs = {
            "order": {"required": False, "help_text": "Volgorde in het scoreformulier; leeg: achteraan."},
            "weight": {"help_text": "Punten per schaalpunt: de gemiddelde score maal de weging."},
            "required": {"help_text": "Of een beoordelaar dit criterium moet scoren voordat hij indient."},
        }

    def check_unique(self, candidate: Criterion) -> None:
        others = Criterion.objects.filter(call=self.context["call"], name__iexact=candidate.name.strip())
        if others.exclude(pk=candidate.pk).exists():
            raise serializers.ValidationError({"name": [_("Deze aanvraagronde heeft al een criterium met deze naam.")]})
        if candidate.pk is not None:
            outside = ReviewScore.objects.filter(criterion_id=candidate.pk, score__isnull=False).filter(
                Q(score__lt=candidate.scale_min) | Q(score__gt=candidate.scale_max)
            )
            if outside.exists():
                raise serializers.ValidationError(
                    {
                        "scale_max": [
                            _("Er zijn al scores gegeven buiten deze schaal; kies een schaal waar die binnen vallen.")
                        ]
                    }
                )

    def prepare_new(self, criterion: Criterion) -> None:
        if "order" not in self.validated_data:
            last = Criterion.objects.filter(call=self.context["call"]).aggregate(last=Max("order"))["last"]
            criterion.order = 0 if last is None else last + 1


class NeedBandSerializer(CallConfigurationSerializer):
    """From ``threshold`` on an indicator, ``points`` of need score (the highest band reached counts)."""

    audit_name = "need_band"

    indicator = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Indicator.objects.all(),
        help_text="Code van de indicator, bijvoorbeeld leefbaarometer_weak_or_lower.",
    )
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)

    class Meta:
        model = NeedBand
        fields = ["id", "indicator", "indicator_name", "threshold", "points"]
        extra_kwargs = {
            "threshold": {
                "help_text": "Vanaf deze waarde (inclusief) gelden de punten; de hoogste bereikte band telt."
            },
        }

    def check_unique(self, candidate: NeedBand) -> None:
        others = NeedBand.objects.filter(
            call=self.context["call"], indicator=candidate.indicator, threshold=candidate.threshold
        )
        if others.exclude(pk=candidate.pk).exists():
            raise serializers.ValidationError(
                {"threshold": [_("Er is al een band met deze drempel voor deze indicator.")]}
            )


class BonusRuleSerializer(CallConfigurationSerializer):
    """Voorrangspunten: for network membership or for not being funded in an earlier call of the scheme,
    optionally only from a reviewer score on."""

    audit_name = "bonus_rule"

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    network = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Network.objects.all(),
        required=False,
        allow_null=True,
        help_text="Netwerkcode (NPLV, M50, NEW_TOWN); alleen bij soort network.",
    )

    class Meta:
        model = BonusRule
        fields = ["id", "kind", "kind_display", "network", "label", "points", "min_reviewer_score"]
        extra_kwargs = {
            "min_reviewer_score": {"help_text": "Alleen vanaf deze beoordelingsscore; leeg: altijd."},
        }
