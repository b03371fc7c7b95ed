"""API shapes for reconsiderations: the corrections going in, the re-run coming out, and its verification.

Money is a string with two decimals (the stored cents converted here, never through a float); each position
carries its stored ground and the one sentence that says it (``reasons.describe``).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import textlimits
from accounts.money import euros
from allocations.runs.reasons import describe
from allocations.runs.reconsideration_models import Reconsideration
from allocations.runs.serializers import DifferenceSerializer


def _money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


def _points(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True, required=False, **kwargs)


class ReconsiderationInputSerializer(serializers.Serializer):
    application = serializers.IntegerField(help_text="Id van de aanvraag van de bezwaarmaker, in deze verdeling.")
    requested = _money(
        allow_null=True,
        required=False,
        default=None,
        help_text="Het gecorrigeerde aangevraagde bedrag; null: ongewijzigd.",
    )
    eligible = serializers.BooleanField(
        allow_null=True, required=False, default=None, help_text="Komt de aanvraag in aanmerking; null: ongewijzigd."
    )
    reviewer_score = _points(default=None, help_text="Gecorrigeerde beoordelingsscore; null: ongewijzigd.")
    need_score = _points(default=None, help_text="Gecorrigeerde behoeftescore; null: ongewijzigd.")
    bonus_score = _points(default=None, help_text="Gecorrigeerde voorrangspunten; null: ongewijzigd.")
    reason = serializers.CharField(max_length=textlimits.MESSAGE, help_text="De reden van de heroverweging.")


class PositionSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True)
    requested = _money()
    awarded = _money()
    ground = serializers.DictField(help_text="De grond die de regel begrensde, met haar getallen (code, …).")
    reason = serializers.CharField(help_text="De grond in één zin, in de taal van het verzoek.")

    @staticmethod
    def represent(position: dict) -> dict:
        return {
            "rank": position["rank"],
            "requested": euros(position["requested"]),
            "awarded": euros(position["awarded"]),
            "ground": position["ground"],
            "reason": describe(position["ground"]),
        }


class OtherLineSerializer(serializers.Serializer):
    application = serializers.IntegerField()
    reference = serializers.CharField()
    old = PositionSerializer(help_text="Het besluit, dat ongewijzigd blijft.")
    rerun = PositionSerializer(help_text="Wat de herberekening zou hebben gegeven (ter informatie).")
    unchanged = serializers.BooleanField(help_text="Altijd true: het besluit van deze aanvraag blijft ongewijzigd.")


@extend_schema_field({"type": "object", "additionalProperties": True})
class CorrectionsField(serializers.JSONField):
    pass


class ReconsiderationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    run = serializers.IntegerField()
    application = serializers.IntegerField()
    reference = serializers.CharField()
    corrections = CorrectionsField(help_text="De correcties als canonieke JSON (bedragen in centen, punten als tekst).")
    sources = CorrectionsField(
        help_text="Herkomst per correctie, bijvoorbeeld `points` uit een heropende beoordeling: "
        '`{"points": {"reopened_scoring": 7, "sha256": "..."}}`.'
    )
    reason = serializers.CharField()
    replaces = serializers.IntegerField(allow_null=True, help_text="De eerdere heroverweging die deze vervangt.")
    standing = serializers.BooleanField(help_text="False als een latere heroverweging van de aanvraag deze vervangt.")
    old = PositionSerializer()
    new = PositionSerializer()
    awarded = _money(help_text="Wat de bezwaarmaker nu krijgt: nooit minder dan eerder (artikel 7:11 Awb).")
    not_worse_off = serializers.BooleanField(
        help_text="True als de herberekening minder gaf en het oude bedrag blijft."
    )
    extra = _money()
    from_reserve = _money()
    on_top = _money(help_text="Bovenop het plafond (artikel 4:25, derde lid, Awb).")
    reserve = _money()
    reserve_used_before = _money()
    ceiling = _money()
    lines = OtherLineSerializer(many=True)
    snapshot_sha256 = serializers.CharField()
    engine_version = serializers.CharField()
    sha256 = serializers.CharField()
    computed_by = serializers.CharField()
    computed_at = serializers.DateTimeField()

    @staticmethod
    def represent(record: Reconsideration) -> dict:
        result = record.result
        return {
            "id": record.pk,
            "run": record.run_id,
            "application": record.application_id,
            "reference": result["reference"],
            "corrections": record.corrections,
            "sources": record.sources,
            "reason": record.reason,
            "replaces": record.replaces_id,
            "standing": not hasattr(record, "replaced_by"),
            "old": PositionSerializer.represent(result["old"]),
            "new": PositionSerializer.represent(result["new"]),
            **{
                name: euros(result[name])
                for name in ("awarded", "extra", "from_reserve", "on_top", "reserve", "reserve_used_before", "ceiling")
            },
            "not_worse_off": result["not_worse_off"],
            "lines": [
                {
                    "application": line["application"],
                    "reference": line["reference"],
                    "old": PositionSerializer.represent(line["old"]),
                    "rerun": PositionSerializer.represent(line["rerun"]),
                    "unchanged": line["unchanged"],
                }
                for line in result["lines"]
            ],
            "snapshot_sha256": record.snapshot_sha256,
            "engine_version": record.engine_version,
            "sha256": record.sha256,
            "computed_by": record.computed_by.display_name,
            "computed_at": record.computed_at,
        }


class PaginatedReconsiderationsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ReconsiderationSerializer(many=True)


class ReconsiderationCheckSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    hash_ok = serializers.BooleanField(help_text="De hash over invoer, correcties en rekenkern klopt.")
    snapshot_ok = serializers.BooleanField(help_text="De vastgelegde invoer van de verdeling heeft nog haar hash.")
    stored_hash = serializers.CharField()
    computed_hash = serializers.CharField()
    engine_version = serializers.CharField()
    differences = DifferenceSerializer(many=True)
