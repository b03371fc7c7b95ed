"""API representations of award letters: metadata only; the PDF has its own endpoint."""

from rest_framework import serializers

from allocations.letters.models import Letter


class LetterSerializer(serializers.ModelSerializer):
    decision_number = serializers.CharField(source="decision.number", read_only=True)
    application = serializers.IntegerField(source="decision.application_id", read_only=True)
    application_reference = serializers.CharField(source="decision.application.reference", read_only=True)
    municipality = serializers.CharField(source="decision.application.municipality.cbs_code", read_only=True)
    outcome = serializers.CharField(source="decision.outcome", read_only=True)
    amount = serializers.DecimalField(source="decision.amount", max_digits=14, decimal_places=2, read_only=True)
    run = serializers.IntegerField(source="decision.run_id", read_only=True)
    sent_at = serializers.DateTimeField(source="decision.sent_at", read_only=True)
    is_current = serializers.BooleanField(read_only=True)
    pdf = serializers.SerializerMethodField()

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
            "sha256",
            "size",
            "created_at",
            "sent_at",
            "pdf",
        ]
        read_only_fields = fields

    def get_pdf(self, letter: Letter) -> str:
        request = self.context.get("request")
        path = f"/api/v1/letters/{letter.pk}/pdf/"
        return request.build_absolute_uri(path) if request else path
