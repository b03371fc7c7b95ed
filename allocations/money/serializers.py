"""The shapes of the money overview in the API: money as a string with two decimals (DESIGN.md §10); spent and
settled are null until figures or a settlement are in."""

from __future__ import annotations

from rest_framework import serializers


def _money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True, read_only=True, **kwargs)


class MoneyFiguresSerializer(serializers.Serializer):
    awarded = _money(help_text="Toegekend bij de verzonden beschikking.")
    paid = _money(help_text="Betaalde termijnen.")
    still_due = _money(help_text="Termijnen nog te betalen (zonder en in een betaalopdracht).")
    lapsed = _money(help_text="Vervallen termijnen (bij de vaststelling of een later besluit).")
    spent = _money(allow_null=True, help_text="Cumulatieve besteding zoals laatst verantwoord; null zonder cijfers.")
    settled = _money(allow_null=True, help_text="Het laatst vastgestelde bedrag; null zolang niet vastgesteld.")
    reclaimed = _money(help_text="Teruggevorderd bij de goedgekeurde vaststellingen.")


class DecisionMoneySerializer(serializers.Serializer):
    decision = serializers.IntegerField(source="decision.pk")
    decision_number = serializers.CharField(source="decision.number")
    call = serializers.IntegerField(source="call.pk")
    call_code = serializers.CharField(source="call.code")
    cbs_code = serializers.CharField(source="municipality.cbs_code")
    municipality = serializers.CharField(source="municipality.name")
    figures = MoneyFiguresSerializer()
    adds_up = serializers.BooleanField(
        help_text="Niet vastgesteld: toegekend = betaald + nog te betalen + vervallen; vastgesteld: vastgesteld = "
        "betaald − teruggevorderd + nog te betalen."
    )


class MoneyGroupSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="key")
    code = serializers.CharField(help_text="De code van de ronde, of de CBS-code van de gemeente.")
    name = serializers.CharField(source="label")
    decisions = serializers.IntegerField(source="count")
    figures = MoneyFiguresSerializer(source="total")


class MoneyOverviewSerializer(serializers.Serializer):
    total = MoneyFiguresSerializer()
    calls = MoneyGroupSerializer(many=True, source="per_call")
    municipalities = MoneyGroupSerializer(many=True, source="per_municipality")


class PaginatedDecisionMoneySerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = DecisionMoneySerializer(many=True)
