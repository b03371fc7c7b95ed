"""API shapes for the allocation policy, runs, lines, approval, verification and comparison.

Money is a string with two decimals; the engine's cents are converted here, never through a float.
"""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Municipality, Network
from accounts.money import euros
from allocations.runs.models import (
    AllocationLine,
    AllocationPolicy,
    AllocationRun,
    FormulaWeight,
    Method,
    RoundingUnit,
    TieBreak,
)
from allocations.runs.services import PHASES


def money(cents: int) -> str:
    return f"{euros(cents):.2f}"


def _money_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


class PotSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    budget = _money_field(min_value=Decimal("0"))
    network = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Network.objects.all(),
        allow_null=True,
        required=False,
        default=None,
        help_text="Code van het netwerk waarvan de leden deze pot krijgen; null: iedere aanvrager.",
    )
    spill_to = serializers.CharField(
        max_length=60,
        allow_blank=True,
        required=False,
        default="",
        help_text="Naam van een latere pot die het restant krijgt.",
    )


class ReservationSerializer(serializers.Serializer):
    municipality = serializers.SlugRelatedField(slug_field="cbs_code", queryset=Municipality.objects.all())
    area_name = serializers.CharField(max_length=150, allow_blank=True, required=False, default="")
    amount = _money_field(min_value=Decimal("0"))


class PolicySerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=Method.choices, default=Method.RANKED)
    cap_amount = _money_field(allow_null=True, required=False, default=None)
    cap_pct = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True, required=False, default=None)
    min_points = serializers.DecimalField(
        max_digits=9,
        decimal_places=2,
        allow_null=True,
        required=False,
        default=None,
        help_text="Leeg: het minimum uit de beoordeling van de ronde (min_points_default).",
    )
    min_points_default = serializers.DecimalField(max_digits=9, decimal_places=2, read_only=True, allow_null=True)
    partial_last = serializers.BooleanField(default=True)
    unit = serializers.ChoiceField(choices=RoundingUnit.choices, default=RoundingUnit.CENTS)
    tiebreak = serializers.ChoiceField(choices=TieBreak.choices, default=TieBreak.NEED_SCORE)
    seed = serializers.IntegerField(min_value=0, default=0)
    reserve = _money_field(min_value=Decimal("0"), default=Decimal("0"))
    formula_weight = serializers.ChoiceField(choices=FormulaWeight.choices, allow_blank=True, default="")
    pots = PotSerializer(many=True, default=list)
    reservations = ReservationSerializer(many=True, default=list)
    revision = serializers.IntegerField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    @staticmethod
    def represent(policy: AllocationPolicy, default_min) -> dict:
        saved = policy.pk is not None
        return {
            **{
                k: getattr(policy, k)
                for k in (
                    "method",
                    "cap_amount",
                    "cap_pct",
                    "min_points",
                    "partial_last",
                    "unit",
                    "tiebreak",
                    "seed",
                    "reserve",
                    "formula_weight",
                )
            },
            "min_points_default": default_min,
            "pots": [
                {
                    "name": p.name,
                    "budget": p.budget,
                    "network": p.network,
                    "spill_to": p.spill_to.name if p.spill_to_id else "",
                }
                for p in (policy.pots.all() if saved else [])
            ],
            "reservations": [
                {"municipality": r.municipality, "area_name": r.area_name, "amount": r.amount}
                for r in (policy.reservations.all() if saved else [])
            ],
            "revision": policy.revision if saved else 0,
            "updated_at": policy.updated_at if saved else None,
        }


class PotTotalSerializer(serializers.Serializer):
    name = serializers.CharField()
    budget = serializers.CharField()
    received = serializers.CharField()
    spent = serializers.CharField()
    passed_on = serializers.CharField()
    unspent = serializers.CharField()


class RunSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    phase_display = serializers.SerializerMethodField()
    started_by = serializers.CharField(source="started_by.display_name", read_only=True)
    approved_by = serializers.CharField(source="approved_by.display_name", read_only=True, allow_null=True)
    total_budget = _money_field(read_only=True)
    total_requested = _money_field(read_only=True)
    total_awarded = _money_field(read_only=True)
    total_unspent = _money_field(read_only=True)
    pot_totals = serializers.SerializerMethodField()

    class Meta:
        model = AllocationRun
        fields = [
            "id",
            "call",
            "number",
            "status",
            "status_display",
            "phase",
            "phase_display",
            "progress",
            "error",
            "method",
            "parameters",
            "input_hash",
            "rules_hash",
            "engine_version",
            "total_budget",
            "total_requested",
            "total_awarded",
            "total_unspent",
            "funded_count",
            "pot_totals",
            "started_by",
            "created_at",
            "finished_at",
            "approved_by",
            "approved_at",
            "attempts",
        ]
        read_only_fields = fields

    def get_phase_display(self, run: AllocationRun) -> str:
        return str(PHASES.get(run.phase, run.phase))

    @extend_schema_field(PotTotalSerializer(many=True))
    def get_pot_totals(self, run: AllocationRun) -> list[dict]:
        return [
            {"name": p["name"], **{k: money(p[k]) for k in ("budget", "received", "spent", "passed_on", "unspent")}}
            for p in run.pot_totals
        ]


class PaginatedRunsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = RunSerializer(many=True)


class SplitSerializer(serializers.Serializer):
    theme = serializers.CharField(source="theme.name")
    year = serializers.IntegerField()
    requested = _money_field()
    awarded = _money_field()


# The amounts of a ground, in cents in the run, as money strings in the API (DESIGN.md §10).
GROUND_AMOUNTS = ("left", "left_at_tie", "wanted", "reservation", "cap", "cap_amount")


def ground_for_api(ground: dict) -> dict:
    return {
        key: money(value) if key in GROUND_AMOUNTS and value is not None else value for key, value in ground.items()
    }


class LineSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="application.reference")
    municipality = serializers.CharField(source="application.municipality.cbs_code")
    municipality_name = serializers.CharField(source="application.municipality.name")
    reason_display = serializers.CharField(source="reason_label")
    ground = serializers.SerializerMethodField(
        help_text=(
            "De grond die het bedrag bepaalde, met haar getallen: `code` (gelijk aan `reason`) en per code "
            "bijvoorbeeld `pot`, `left`, `wanted`, `cutoff_rank`, `reservation`, `cap`, `cap_pct`, `ratio`, "
            "`share`, `score`, `minimum`, `measure`, `source`, `against`. Bedragen als tekst met twee decimalen."
        )
    )
    funded_from = serializers.SerializerMethodField()
    requested = _money_field()
    ceiling = _money_field()
    awarded = _money_field()
    splits = SplitSerializer(many=True)

    class Meta:
        model = AllocationLine
        fields = [
            "application",
            "reference",
            "municipality",
            "municipality_name",
            "included",
            "rank",
            "pot",
            "funded_from",
            "requested",
            "ceiling",
            "awarded",
            "reason",
            "reason_display",
            "ground",
            "eligible",
            "reviewer_score",
            "need_score",
            "bonus_score",
            "total_points",
            "breakdown",
            "is_cutoff",
            "splits",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField())
    def get_ground(self, line: AllocationLine) -> dict:
        return ground_for_api(line.ground)

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_funded_from(self, line: AllocationLine) -> dict[str, str]:
        return {name: money(cents) for name, cents in line.funded_from.items()}


class PaginatedLinesSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = LineSerializer(many=True)


class RunDetailSerializer(RunSerializer):
    lines = PaginatedLinesSerializer(read_only=True, help_text="De regels, per pagina (?page=).")

    class Meta(RunSerializer.Meta):
        fields = [*RunSerializer.Meta.fields, "lines"]
        read_only_fields = fields


class ChangeSerializer(serializers.Serializer):
    reference = serializers.CharField(allow_blank=True)
    application = serializers.IntegerField(allow_null=True)
    change = serializers.CharField()
    fields = serializers.ListField(child=serializers.CharField())


class RefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()
    changes = ChangeSerializer(many=True, required=False)
    missing = serializers.ListField(child=serializers.CharField(), required=False)


class DifferenceSerializer(serializers.Serializer):
    reference = serializers.CharField(
        allow_blank=True,
        help_text="Een regel: het kenmerk van de aanvraag; een besluit: het beschikkingsnummer; een brief: "
        "beschikkingsnummer en versie ('… v2'); leeg voor de verdeling zelf (totalen, invoer).",
    )
    field = serializers.CharField(
        help_text="Het veld van de regel (awarded, rank, …), van de verdeling (total_awarded, pot_totals, …), "
        "van het besluit (decision, decision.line, decision.amount, decision.outcome) of van de brief "
        "(letter.amount, letter.sha256, letter.file)."
    )
    stored = serializers.CharField(help_text="Wat is vastgelegd (bedragen in centen).")
    computed = serializers.CharField(help_text="Wat de nieuwe berekening geeft of het bestand nu is.")


class RulesCheckSerializer(serializers.Serializer):
    applied_hash = serializers.CharField(help_text="SHA-256 van de regels die de verdeling toepaste.")
    published_hash = serializers.CharField(help_text="SHA-256 van de gepubliceerde regels (leeg: geen).")
    published_version = serializers.IntegerField(allow_null=True)
    ok = serializers.BooleanField()


class VerificationSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    hash_ok = serializers.BooleanField()
    stored_hash = serializers.CharField()
    computed_hash = serializers.CharField()
    engine_version = serializers.CharField()
    differences = DifferenceSerializer(many=True)
    decisions_checked = serializers.IntegerField(help_text="Aantal vergeleken besluiten (0 bij een concept).")
    letters_checked = serializers.IntegerField(
        help_text="Aantal vergeleken brieven: elke verzonden en elke huidige versie (0 bij een concept)."
    )
    rules = RulesCheckSerializer()


class CompareRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    requested = _money_field()
    award_a = _money_field()
    award_b = _money_field()
    difference = _money_field()


class ComparisonSerializer(serializers.Serializer):
    run_a = RunSerializer()
    run_b = RunSerializer()
    municipalities = CompareRowSerializer(many=True)
    networks = CompareRowSerializer(many=True)
    pots = CompareRowSerializer(many=True)
    total = CompareRowSerializer()
    funded_a = serializers.IntegerField()
    funded_b = serializers.IntegerField()


class StartedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
