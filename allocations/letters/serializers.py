"""API representations of award letters (metadata only; the PDF has its own endpoint), of a run's letter
batch, and of a call's letter texts; and the input the letter endpoints accept."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from allocations.letters.models import Letter, LetterBatch, LetterText
from allocations.letters.services import TEXT_FIELDS


class LetterSerializer(serializers.ModelSerializer):
    decision_number = serializers.CharField(source="decision.number", read_only=True)
    application = serializers.IntegerField(source="decision.application_id", read_only=True)
    application_reference = serializers.CharField(source="decision.application.reference", read_only=True)
    municipality = serializers.CharField(source="decision.application.municipality.cbs_code", read_only=True)
    outcome = serializers.CharField(source="decision.outcome", read_only=True)
    amount = serializers.DecimalField(source="decision.amount", max_digits=14, decimal_places=2, read_only=True)
    run = serializers.IntegerField(source="decision.run_id", read_only=True)
    is_current = serializers.BooleanField(read_only=True)
    pdf = serializers.SerializerMethodField()
    revoked_by = serializers.SerializerMethodField(
        help_text="Het nummer van de beslissing op bezwaar die deze beschikking herriep (Awb 7:11), of null. De "
        "brief blijft bestaan."
    )

    class Meta:
        model = Letter
        fields = [
            "id",
            "decision_number",
            "application",
            "application_reference",
            "municipality",
            "run",
            "outcome",
            "amount",
            "version",
            "is_current",
            "superseded_at",
            "text_version",
            "letter_date",
            "sha256",
            "size",
            "created_at",
            "sent_at",
            "revoked_by",
            "pdf",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True})
    def get_revoked_by(self, letter: Letter) -> str | None:
        return getattr(letter, "revoked_by", None)

    def get_pdf(self, letter: Letter) -> str:
        request = self.context.get("request")
        path = f"/api/v1/letters/{letter.pk}/pdf/"
        return request.build_absolute_uri(path) if request else path


class PrepareSerializer(serializers.Serializer):
    send_on = serializers.DateField(
        help_text="De dag waarop de brieven worden verzonden (JJJJ-MM-DD): een werkdag, vandaag of later. De "
        "brieven dragen deze datum en de bezwaartermijn telt vanaf deze dag."
    )


class ProgressSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Brieven in de batch (één per besluit).")
    done = serializers.IntegerField()
    failed = serializers.IntegerField()
    pending = serializers.IntegerField()
    claimed = serializers.IntegerField()
    sent = serializers.IntegerField()
    percent = serializers.IntegerField()
    finished = serializers.BooleanField()


class BatchSerializer(serializers.ModelSerializer):
    """A run's letter batch: its send date (the letters' date), the progress of making them, and why it
    cannot be sent now (empty when it can)."""

    run = serializers.IntegerField(source="run_id", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    send_on = serializers.DateField(read_only=True, allow_null=True)
    objection_last_day = serializers.DateField(
        read_only=True, allow_null=True, help_text="De laatste dag om bezwaar te maken bij deze verzenddatum."
    )
    prepared_by = serializers.SerializerMethodField()
    prepared_at = serializers.DateTimeField(read_only=True, allow_null=True)
    sent_by = serializers.SerializerMethodField()
    progress = ProgressSerializer(read_only=True)
    send_refusal = serializers.CharField(
        read_only=True, help_text="Waarom de batch nu niet als verzonden kan worden gemarkeerd; leeg als het kan."
    )

    class Meta:
        model = LetterBatch
        fields = [
            "run",
            "status",
            "status_display",
            "send_on",
            "objection_last_day",
            "prepared_by",
            "prepared_at",
            "sent_by",
            "sent_at",
            "progress",
            "send_refusal",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_prepared_by(self, batch: LetterBatch) -> str | None:
        return batch.prepared_by.display_name if batch.prepared_by_id else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_sent_by(self, batch: LetterBatch) -> str | None:
        return batch.sent_by.display_name if batch.sent_by_id else None


class LetterTextSerializer(serializers.ModelSerializer):
    """A version of a call's letter texts. A PUT stores a new version; fields left out keep their text."""

    call = serializers.IntegerField(source="call_id", read_only=True)
    created_by = serializers.SerializerMethodField()

    class Meta:
        model = LetterText
        fields = ["call", "version", *TEXT_FIELDS, "created_at", "created_by"]
        read_only_fields = ["call", "version", "created_at", "created_by"]
        extra_kwargs = {name: {"required": False} for name in TEXT_FIELDS}

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_created_by(self, texts: LetterText) -> str | None:
        return texts.created_by.display_name if texts.created_by_id else None
