"""The exports in the API (DESIGN.md §10): a final run's decisions as CSV, XLSX or JSON, export jobs for
large runs, and a call's publication list. Administrators only: other roles get a 403, an unknown run a
404, a run that is not final a 409. Every export is audited by the service that makes it."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_permissions import AdministratorsOnly
from accounts.downloads import private_file
from allocations.exports import services
from allocations.exports.models import ExportFormat, ExportJob
from allocations.exports.serializers import (
    DecisionExportSerializer,
    ExportJobInputSerializer,
    ExportJobSerializer,
    PublicationExportSerializer,
)

TAGS = ["exports"]
FORMAT_PARAMETER = OpenApiParameter(
    "export_format",
    str,
    OpenApiParameter.PATH,
    enum=ExportFormat.values,
    description="csv (komma, decimale punt), csv_nl (puntkomma, decimale komma), xlsx of json",
)


def file_responses(document) -> dict:
    """The answers of a download: one file per format, the JSON document described by ``document``."""
    return {
        (200, "text/csv"): OpenApiResponse(
            OpenApiTypes.BINARY,
            description=(
                "CSV met BOM: csv (komma, decimale punt; bestandsnaam ….csv) of csv_nl (puntkomma, decimale "
                "komma; …-puntkomma.csv). Alleen de tabel: het plafond, de reserve en het verdeelde bedrag "
                "staan in de JSON- en XLSX-export."
            ),
        ),
        (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiResponse(
            OpenApiTypes.BINARY,
            description="Een XLSX-werkmap (xlsx): de regels, en op het tweede blad de samenvatting met dezelfde "
            "velden als de JSON-export.",
        ),
        (200, "application/json"): OpenApiResponse(document, description="De gegevens als JSON (json)."),
        403: OpenApiResponse(description="Alleen voor beheerders."),
        404: OpenApiResponse(description="Onbekende verdeling of ronde."),
        409: OpenApiResponse(description="De verdeling is niet definitief, of te groot om direct te downloaden."),
    }


class RunExportView(APIView):
    permission_classes = [AdministratorsOnly]

    @extend_schema(
        tags=TAGS,
        parameters=[FORMAT_PARAMETER],
        responses=file_responses(DecisionExportSerializer),
        summary="Besluiten van een definitieve verdeling",
    )
    def get(self, request, pk: int, export_format: str):
        run = services.exportable_run(run_id=pk, by=request.user)
        return services.export_decisions(run=run, by=request.user, fmt=export_format).response()


class RunExportJobsView(APIView):
    permission_classes = [AdministratorsOnly]

    @extend_schema(
        tags=TAGS,
        request=ExportJobInputSerializer,
        responses={202: ExportJobSerializer},
        summary="Start een exporttaak (voor grote verdelingen)",
    )
    def post(self, request, pk: int):
        run = services.exportable_run(run_id=pk, by=request.user)
        data = ExportJobInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.start_export_job(run=run, by=request.user, fmt=data.validated_data["format"])
        return Response(ExportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ExportJobView(APIView):
    permission_classes = [AdministratorsOnly]

    @extend_schema(tags=TAGS, responses=ExportJobSerializer, summary="Status en voortgang van een exporttaak")
    def get(self, request, pk: int):
        job = get_object_or_404(ExportJob, pk=pk)
        return Response(ExportJobSerializer(job).data)


class ExportJobDownloadView(APIView):
    permission_classes = [AdministratorsOnly]

    @extend_schema(
        tags=TAGS,
        responses=file_responses(DecisionExportSerializer),
        summary="Download het bestand van een klare exporttaak",
    )
    def get(self, request, pk: int):
        job = services.job_for_download(job_id=pk, by=request.user)
        return private_file(job.file.open("rb"), filename=job.filename, content_type=job.content_type)


class PublicationView(APIView):
    permission_classes = [AdministratorsOnly]

    @extend_schema(
        tags=TAGS,
        parameters=[FORMAT_PARAMETER],
        responses=file_responses(PublicationExportSerializer),
        summary="Publicatielijst van een ronde: toegekende gemeenten en bedragen",
    )
    def get(self, request, pk: int, export_format: str):
        call, run = services.publishable_call(call_id=pk, by=request.user)
        return services.export_publication(call=call, run=run, by=request.user, fmt=export_format).response()


urlpatterns = [
    path("allocation-runs/<int:pk>/export/<str:export_format>/", RunExportView.as_view(), name="api-run-export"),
    path("allocation-runs/<int:pk>/export-jobs/", RunExportJobsView.as_view(), name="api-run-export-jobs"),
    path("export-jobs/<int:pk>/", ExportJobView.as_view(), name="api-export-job"),
    path("export-jobs/<int:pk>/download/", ExportJobDownloadView.as_view(), name="api-export-job-download"),
    path("calls/<int:pk>/publication/<str:export_format>/", PublicationView.as_view(), name="api-publication"),
]
