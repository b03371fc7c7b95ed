"""Serializers for the assessment configuration of a call: settings, criteria, need bands, bonus rules."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from accounts.models import Indicator, Network
from applications.assessment import config
from applications.models import (
    AssessmentSettings,
    BonusRule,
    Criterion,
    NeedBand,
)
from applications.validation import plausible_moment

POINTS = {"max_digits": 9, "decimal_places": 2}


class CallConfigurationSerializer(serializers.ModelSerializer):
    """One configuration row of a call (``context["call"]``), saved by ``applications.assessment.config``:
    the API refuses what the admin refuses, with the same Dutch messages, and the same audit events."""

    def create(self, validated_data):
        row = self.Meta.model(call=self.context["call"])
        return config.save(row=row, values=validated_data, by=self.context["request"].user)

    def update(self, instance, validated_data):
        return config.save(row=instance, values=validated_data, by=self.context["request"].user)


class AssessmentSettingsSerializer(CallConfigurationSerializer):
    """How a call is assessed: reviewers per application, deadline, minimums and the indicators' year."""

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
            "review_deadline": {
                "help_text": "Tot wanneer beoordelaars hun beoordeling kunnen indienen (tussen 2000 en 2100).",
                "validators": [plausible_moment],
            },
            "min_reviewer_score": {"min_value": Decimal(0)},
            "min_total_points": {"min_value": Decimal(0)},
            "spread_threshold": {"min_value": Decimal(0)},
            "need_reference_year": {"min_value": 2000, "max_value": 2100},
        }


class CriterionSerializer(CallConfigurationSerializer):
    """A scored aspect of a call: reviewers give a whole number on its scale; the mean times the weight
    counts as points."""

    class Meta:
        model = Criterion
        fields = ["id", "name", "guidance", "scale_min", "scale_max", "weight", "required", "order"]
        extra_kwargs = {
            "order": {"required": False, "help_text": "Volgorde in het scoreformulier; leeg: achteraan."},
            "weight": {"help_text": "Punten per schaalpunt: de gemiddelde score maal de weging."},
            "required": {"help_text": "Of een beoordelaar dit criterium moet scoren voordat hij indient."},
        }


class NeedBandSerializer(CallConfigurationSerializer):
    """From ``threshold`` on an indicator, ``points`` of need score (the highest band reached counts)."""

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


class BonusRuleSerializer(CallConfigurationSerializer):
    """Voorrangspunten: for network membership or for not being funded in an earlier call of the scheme,
    optionally only from a reviewer score on."""

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
