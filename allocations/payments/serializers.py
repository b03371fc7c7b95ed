"""The shapes of instalments and payment figures in the API: money as a string with two decimals, dates
as ISO 8601 (DESIGN.md §10)."""

from __future__ import annotations

from rest_framework import serializers

from allocations.payments.models import InstalmentStatus


def _money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True, **kwargs)


class InstalmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True, help_text="Het betalingskenmerk dat bij de betaling staat.")
    decision_number = serializers.CharField(source="decision.number", read_only=True)
    application = serializers.IntegerField(source="decision.application_id", read_only=True)
    call = serializers.CharField(source="decision.application.call.code", read_only=True)
    cbs_code = serializers.CharField(source="decision.application.municipality.cbs_code", read_only=True)
    municipality = serializers.CharField(source="decision.application.municipality.name", read_only=True)
    sequence = serializers.IntegerField(read_only=True, help_text="De termijn: 1, 2, … in de volgorde van de jaren.")
    year = serializers.IntegerField(read_only=True)
    due_on = serializers.DateField(read_only=True, help_text="De uiterste betaaldatum, zoals de beschikking zegt.")
    amount = _money(read_only=True)
    status = serializers.ChoiceField(choices=InstalmentStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    ordered_at = serializers.DateTimeField(read_only=True, allow_null=True)
    paid_on = serializers.DateField(read_only=True, allow_null=True)
    cancel_reason = serializers.CharField(read_only=True)


class PaginatedInstalmentsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = InstalmentSerializer(many=True)


class PaidSerializer(serializers.Serializer):
    paid_on = serializers.DateField(help_text="De dag waarop de termijn is betaald (jjjj-mm-dd).")


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="Waarom de termijn vervalt.")


class PaymentOrderSerializer(serializers.Serializer):
    pay_date = serializers.DateField(help_text="De uiterste betaaldatum waarvoor de betaalopdracht wordt gegeven.")


class SumsSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Aantal termijnen.")
    awarded = _money(help_text="Toegekend: betaald + nog te betalen + vervallen.")
    paid = _money()
    still_due = _money(help_text="Nog te betalen: zonder betaalopdracht en in een betaalopdracht.")
    ordered = _money(help_text="Waarvan in een betaalopdracht.")
    cancelled = _money()


class OrderResultSerializer(serializers.Serializer):
    pay_date = serializers.DateField()
    ordered = InstalmentSerializer(many=True)


class CallPaymentsSerializer(serializers.Serializer):
    call = serializers.IntegerField(source="call_id")
    code = serializers.CharField()
    title = serializers.CharField()
    decided = _money(help_text="De toekenningen van de verzonden beschikkingen van de ronde.")
    sums = SumsSerializer()


class MunicipalityPaymentsSerializer(serializers.Serializer):
    cbs_code = serializers.CharField()
    name = serializers.CharField()
    sums = SumsSerializer()


class OverviewSerializer(serializers.Serializer):
    totals = SumsSerializer()
    calls = CallPaymentsSerializer(many=True)
