"""The shapes of settlements and their figures in the API: money as a string with two decimals, dates and
times as ISO 8601 (DESIGN.md §10)."""

from __future__ import annotations

from rest_framework import serializers

from allocations.settlements.models import SettlementGround, SettlementStatus


def _money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True, **kwargs)


class SetOffSerializer(serializers.Serializer):
    instalment = serializers.IntegerField(source="instalment_id", read_only=True)
    instalment_reference = serializers.CharField(source="instalment.reference", read_only=True)
    decision_number = serializers.CharField(source="instalment.decision.number", read_only=True)
    amount = _money(read_only=True)
    remainder = serializers.CharField(source="remainder.reference", read_only=True, allow_null=True, default=None)
    applied_at = serializers.DateTimeField(read_only=True, allow_null=True)


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    letter_date = serializers.DateField(read_only=True)
    sha256 = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    superseded_at = serializers.DateTimeField(read_only=True, allow_null=True)
    sent_at = serializers.DateTimeField(read_only=True, allow_null=True)


class SettlementSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True, help_text="Het beschikkingsnummer en het volgnummer (V1, V2…).")
    decision = serializers.IntegerField(source="decision_id", read_only=True)
    decision_number = serializers.CharField(source="decision.number", read_only=True)
    call = serializers.IntegerField(source="decision.application.call_id", read_only=True)
    cbs_code = serializers.CharField(source="decision.application.municipality.cbs_code", read_only=True)
    municipality = serializers.CharField(source="decision.application.municipality.name", read_only=True)
    sequence = serializers.IntegerField(read_only=True)
    corrects = serializers.IntegerField(source="corrects_id", read_only=True, allow_null=True)
    status = serializers.ChoiceField(choices=SettlementStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    kind = serializers.CharField(read_only=True, help_text="specific_grant (SPUK) of subsidy (Awb).")
    awarded = _money(read_only=True)
    paid = _money(read_only=True, help_text="Betaald bij het voorstel, min wat een eerdere vaststelling terugvorderde.")
    open = _money(read_only=True, help_text="Nog te betalen bij het voorstel; vervalt bij de goedkeuring.")
    spent = _money(read_only=True, help_text="Cumulatieve besteding volgens de eindverantwoording.")
    ground = serializers.CharField(read_only=True)
    proposed = _money(read_only=True, allow_null=True)
    motivation = serializers.CharField(read_only=True)
    inputs_sha256 = serializers.CharField(read_only=True)
    settled = _money(read_only=True)
    lapsed = _money(read_only=True)
    final_payment = _money(read_only=True)
    reclaim = _money(read_only=True, help_text="Onverschuldigd betaald: terug te betalen plus verrekend.")
    set_off = _money(read_only=True, help_text="Verrekend met termijnen van een andere beschikking (art. 4:57 Awb).")
    reclaim_to_pay = _money(read_only=True, help_text="Terug te betalen: de terugvordering min de verrekening.")
    set_offs = SetOffSerializer(many=True, read_only=True)
    letters = DocumentSerializer(many=True, read_only=True, source="documents.all")
    reclaim_number = serializers.CharField(read_only=True)
    reclaim_due_on = serializers.DateField(read_only=True, allow_null=True)
    sample = serializers.BooleanField(read_only=True)
    proposed_at = serializers.DateTimeField(read_only=True)
    checked_at = serializers.DateTimeField(read_only=True, allow_null=True)
    approved_at = serializers.DateTimeField(read_only=True, allow_null=True)
    settled_on = serializers.DateField(read_only=True, allow_null=True)
    final_instalment = serializers.CharField(source="final_instalment.reference", read_only=True, allow_null=True)


class PaginatedSettlementsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SettlementSerializer(many=True)


class ProposeSerializer(serializers.Serializer):
    ground = serializers.ChoiceField(
        choices=SettlementGround.choices,
        required=False,
        allow_blank=True,
        help_text="Alleen voor een subsidie die lager wordt vastgesteld (art. 4:46 lid 2 Awb).",
    )
    proposed = _money(required=False, allow_null=True, help_text="Het lagere bedrag; alleen met een grond.")
    motivation = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    sample = serializers.BooleanField(required=False, default=False)
    set_off = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Ids van open termijnen van een andere beschikking van dezelfde gemeente en regeling om een "
        "terugvordering mee te verrekenen (art. 4:57 Awb), de vroegste eerst.",
    )


class CheckSerializer(serializers.Serializer):
    reclaim_number = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text="Verplicht bij een terugvordering."
    )
    set_off = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Vervangt de gekozen verrekening (ids van termijnen; leeg: geen); weglaten houdt haar.",
    )


class FiguresSerializer(serializers.Serializer):
    awarded = _money()
    paid = _money()
    still_due = _money()
    lapsed = _money()
    spent = _money(allow_null=True)
    settled = _money(allow_null=True)
    reclaimed = _money(help_text="Teruggevorderd, ook wat daarvan is verrekend met een andere beschikking.")
    set_off = _money(help_text="Wat een andere vaststelling verrekende met termijnen van deze beschikking.")


class RowSerializer(serializers.Serializer):
    decision = serializers.IntegerField(source="decision.pk")
    decision_number = serializers.CharField(source="decision.number")
    cbs_code = serializers.CharField(source="decision.application.municipality.cbs_code")
    municipality = serializers.CharField(source="decision.application.municipality.name")
    figures = FiguresSerializer()
    ready = serializers.BooleanField(help_text="Klaar om vast te stellen.")
    why_not = serializers.CharField(help_text="Waarom nog niet.")
    settlement = serializers.IntegerField(source="current.pk", allow_null=True, default=None)
    proposal = serializers.IntegerField(source="open.pk", allow_null=True, default=None)


class CallOverviewSerializer(serializers.Serializer):
    call = serializers.IntegerField(source="call.pk")
    code = serializers.CharField(source="call.code")
    total = FiguresSerializer()
    rows = RowSerializer(many=True)


# --- Settlement batches -----------------------------------------------------------------------------------------
class BatchProgressSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Beschikkingen in de batch: één taak elk.")
    done = serializers.IntegerField(help_text="Taken die een vaststelling voorstelden.")
    failed = serializers.IntegerField(help_text="Taken die mislukten; de foutmelding staat bij de taak.")
    pending = serializers.IntegerField()
    claimed = serializers.IntegerField(help_text="Taken waar een verwerker nu mee bezig is.")
    sample = serializers.IntegerField(help_text="Beschikkingen in de steekproef.")
    percent = serializers.IntegerField(help_text="Afgehandeld (voorgesteld of mislukt), in procenten.")
    finished = serializers.BooleanField()


class BatchJobSerializer(serializers.Serializer):
    decision = serializers.IntegerField(source="decision_id")
    decision_number = serializers.CharField(source="decision.number")
    status = serializers.CharField()
    kind = serializers.CharField()
    awarded = _money()
    paid = _money()
    open = _money()
    spent = _money(help_text="Cumulatieve besteding volgens de eindverantwoording, toen de batch begon.")
    inputs_sha256 = serializers.CharField()
    sample = serializers.BooleanField()
    settlement = serializers.IntegerField(source="settlement_id", allow_null=True)
    attempts = serializers.IntegerField()
    error = serializers.CharField()


class SettlementBatchSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    call = serializers.IntegerField(source="call_id")
    number = serializers.IntegerField()
    status = serializers.CharField(help_text="running of finished.")
    rules_version = serializers.CharField()
    sample_percent = serializers.IntegerField()
    sample_seed = serializers.IntegerField()
    inputs_sha256 = serializers.CharField(
        help_text="SHA-256 over de cijfers van elke beschikking, de versie en de steekproef."
    )
    started_by = serializers.CharField(source="started_by.email")
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    progress = BatchProgressSerializer()


class SettlementBatchDetailSerializer(SettlementBatchSerializer):
    jobs = BatchJobSerializer(many=True, source="job_rows")


class StartBatchSerializer(serializers.Serializer):
    sample_percent = serializers.IntegerField(
        required=False, min_value=0, max_value=100, help_text="Steekproef in procenten; standaard de instelling."
    )


class BatchStartedSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="De nieuwe vaststellingsbatch.")


class BatchDifferenceSerializer(serializers.Serializer):
    reference = serializers.CharField(help_text="Het beschikkingsnummer, of het kenmerk van de vaststelling.")
    field = serializers.CharField(
        help_text="inputs_sha256, sample, settlement.inputs_sha256, settlement.sample, settled, lapsed, "
        "final_payment, reclaim of rules_version."
    )
    stored = serializers.CharField()
    computed = serializers.CharField()


class BatchVerificationSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    hash_ok = serializers.BooleanField()
    stored_hash = serializers.CharField()
    computed_hash = serializers.CharField()
    rules_version = serializers.CharField()
    jobs_checked = serializers.IntegerField()
    settlements_checked = serializers.IntegerField()
    differences = BatchDifferenceSerializer(many=True)
