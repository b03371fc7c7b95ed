"""The API's shapes for accountability: statements, the statement a municipality reports, the import's
answer and what is due. Amounts as decimal strings, never floats."""

from __future__ import annotations

from rest_framework import serializers

from allocations.accountability.models import Statement


class StatementSerializer(serializers.ModelSerializer):
    decision_number = serializers.CharField(source="decision.number", read_only=True)
    municipality = serializers.CharField(source="decision.application.municipality.cbs_code", read_only=True)
    has_report = serializers.SerializerMethodField()

    class Meta:
        model = Statement
        fields = [
            "id",
            "decision_number",
            "municipality",
            "year",
            "spent",
            "spent_to_date",
            "final",
            "finished",
            "source",
            "entered_at",
            "has_report",
        ]
        read_only_fields = fields

    def get_has_report(self, statement: Statement) -> bool:
        return bool(statement.report)


class ReportSerializer(serializers.Serializer):
    decision_number = serializers.CharField(max_length=40, help_text="Het beschikkingsnummer uit de beschikking.")
    year = serializers.IntegerField(min_value=2000, max_value=2100, help_text="Het jaar van besteding.")
    spent = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, help_text="De besteding in het jaar, in euro's."
    )
    final = serializers.BooleanField(default=False, help_text="Dit is de eindverantwoording.")
    finished = serializers.BooleanField(default=False, help_text="Het project is afgerond.")


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="Het SiSa-bestand (CSV) met de kolommen uit de README.")


class ImportResultSerializer(serializers.Serializer):
    file_name = serializers.CharField()
    rows = serializers.IntegerField()
    statements = serializers.IntegerField()


class RowErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="De regel in het bestand; de kopregel is regel 1.")
    message = serializers.CharField()


class ImportRefusedSerializer(serializers.Serializer):
    """A 400 is about the file, as a field error; a file that was read but refused also lists its errors."""

    file = serializers.ListField(child=serializers.CharField())
    errors = RowErrorSerializer(many=True, required=False)


class DueSerializer(serializers.Serializer):
    decision_number = serializers.CharField(source="decision.number")
    municipality = serializers.CharField(source="decision.application.municipality.cbs_code")
    year = serializers.IntegerField()
    due_on = serializers.DateField()
    overdue = serializers.BooleanField()
