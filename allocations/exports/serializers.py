"""API shapes of export jobs and of the JSON exports. The CSV and XLSX exports are files.

The JSON documents are streamed by the writers (allocations/exports/writers.py), not rendered by these
serializers: they only document the shape in the API schema. Their line fields follow the export's columns
and their summary fields the export's figures (``selectors.decision_summary``), so a column or figure added
there appears here; a test checks that the two agree.
"""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from allocations.exports.models import ExportFormat, ExportJob
from allocations.exports.selectors import DECISION_COLUMNS, PUBLICATION_COLUMNS
from allocations.exports.writers import Column


class ExportJobInputSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=ExportFormat.choices)


class ExportJobSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "run",
            "format",
            "status",
            "progress",
            "rows_total",
            "size",
            "sha256",
            "error",
            "created_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, job: ExportJob) -> str | None:
        return reverse("api-export-job-download", args=[job.pk]) if job.is_done else None


# ------------------------------------------------------------------------------------- JSON documents


def _money(help_text, **kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, help_text=help_text, **kwargs)


def _column_field(column: Column) -> serializers.Field:
    """The schema of one column's value in a JSON line: money and points as strings, never floats."""
    help_text = column.header
    if column.kind == "money":
        return _money(help_text)
    if column.kind == "decimal":
        return serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True, help_text=help_text)
    if column.kind == "integer":
        return serializers.IntegerField(allow_null=True, help_text=help_text)
    if column.kind == "date":
        return serializers.DateField(allow_null=True, help_text=help_text)
    if column.kind == "datetime":
        return serializers.DateTimeField(allow_null=True, help_text=help_text)
    return serializers.CharField(allow_blank=True, help_text=help_text)


def _line_serializer(name: str, columns: list[Column]) -> type[serializers.Serializer]:
    fields = {column.key: _column_field(column) for column in columns}
    return type(name, (serializers.Serializer,), fields)


DecisionExportLineSerializer = _line_serializer("DecisionExportLineSerializer", DECISION_COLUMNS)
PublicationExportLineSerializer = _line_serializer("PublicationExportLineSerializer", PUBLICATION_COLUMNS)


class BudgetFiguresSerializer(serializers.Serializer):
    """The run's money, the same five fields in every JSON export (``selectors.budget_figures``)."""

    ceiling = _money("Het gepubliceerde subsidieplafond, zoals de verdeling het las.")
    reserve = _money("De reserve die buiten de verdeling bleef (voor bezwaren).")
    distributed = _money(
        "Wat de verdeling verdeelde: het plafond min de reserve (of minder als de potten samen minder hebben)."
    )
    awarded = _money("Toegekend: de som van de regels.")
    unspent = _money("Niet besteed van het verdeelde bedrag.")


class DecisionTotalsSerializer(serializers.Serializer):
    requested = _money("Som van de regels: aangevraagd.")
    awarded = _money("Som van de regels: toegekend (gelijk aan awarded van de verdeling).")


class PublicationTotalsSerializer(serializers.Serializer):
    awarded = _money("Som van de regels: toegekend (gelijk aan awarded van de verdeling).")


class DecisionExportSerializer(BudgetFiguresSerializer):
    """The decisions of a final run as JSON: the run, its money, every line with its reason, the totals."""

    run = serializers.IntegerField(help_text="Id van de verdeling.")
    call = serializers.CharField(help_text="Code van de ronde.")
    number = serializers.IntegerField(help_text="Volgnummer van de verdeling in de ronde.")
    method = serializers.CharField(help_text="Verdeelmethode: ranked, pro_rata of formula.")
    approved_at = serializers.DateTimeField(allow_null=True)
    input_hash = serializers.CharField(help_text="SHA-256 van de invoer van de verdeling.")
    requested = _money("Aangevraagd, alle regels samen.")
    lines = DecisionExportLineSerializer(
        many=True,
        help_text=(
            "Een regel per meegenomen aanvraag, op rang. `reason` is de code van de grond die het bedrag "
            "bepaalde, `reason_text` dezelfde grond als Nederlandse zin."
        ),
    )
    totals = DecisionTotalsSerializer()


class PublicationExportSerializer(BudgetFiguresSerializer):
    """A call's publication list as JSON: the awards, the money of the final run, the total."""

    call = serializers.CharField(help_text="Code van de ronde.")
    title = serializers.CharField(help_text="Titel van de ronde.")
    run = serializers.IntegerField(help_text="Id van de definitieve verdeling.")
    lines = PublicationExportLineSerializer(many=True)
    totals = PublicationTotalsSerializer()
