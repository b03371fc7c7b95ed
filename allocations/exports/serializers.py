"""API shapes of export jobs. The exports themselves are files (CSV, XLSX) or a streamed JSON document."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from allocations.exports.models import ExportFormat, ExportJob


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
