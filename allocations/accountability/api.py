"""API for accountability: the statements a person may see, a municipality's report for one year, the SiSa
import (administrators) and what is due. The same selectors and services as the pages, so the rules and the
audit are the same. 400 with field errors, 403 for another role, 404 for a decision outside your organisation.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_permissions import AdministratorsOnly, PortalAccess
from allocations.accountability import deadlines, selectors, services
from allocations.accountability.models import Statement
from allocations.accountability.permissions import can_report_on
from allocations.accountability.serializers import (
    DueSerializer,
    ImportRefusedSerializer,
    ImportResultSerializer,
    ImportUploadSerializer,
    ReportSerializer,
    StatementSerializer,
)
from allocations.letters.deadlines import local_today


class StatementsView(APIView):
    permission_classes = [PortalAccess]

    @extend_schema(
        responses={200: StatementSerializer(many=True)},
        description="De verantwoordingen die u mag zien: het ministerie alle, een gemeente de hare.",
    )
    def get(self, request):
        statements = (
            Statement.objects.visible_to(request.user)
            .select_related("decision__application__municipality")
            .order_by("decision__number", "year")
        )
        return Response(StatementSerializer(statements, many=True).data)

    @extend_schema(
        request=ReportSerializer,
        responses={
            201: StatementSerializer,
            404: OpenApiResponse(description="Geen verzonden toekenning met dit nummer in uw organisatie."),
        },
        description=(
            "De besteding over één jaar van een eigen toekenning; de cumulatieve besteding volgt uit de jaren "
            "ervoor. 400 met de reden als de beschikking het niet toestaat (boven het toegekende bedrag, buiten "
            "de bestedingsperiode, na de eindverantwoording). De eindverantwoording van een subsidie gaat met "
            "een verslag via het portaal. 404 voor een beschikking buiten uw organisatie."
        ),
    )
    def post(self, request):
        data = ReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision = (
            selectors.accountable_decisions(request.user).filter(number=data.validated_data["decision_number"]).first()
        )
        if decision is None or not can_report_on(request.user, decision):
            raise Http404
        statement = services.record_statement(
            decision=decision,
            year=data.validated_data["year"],
            spent=data.validated_data["spent"],
            final=data.validated_data["final"],
            finished=data.validated_data["finished"],
            by=request.user,
        )
        return Response(StatementSerializer(statement).data, status=status.HTTP_201_CREATED)


class ImportView(APIView):
    permission_classes = [AdministratorsOnly]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportResultSerializer, 400: ImportRefusedSerializer},
        description=(
            "Importeer SiSa-cijfers (CSV). Elke regel wordt gecontroleerd; bij één fout wordt niets "
            "geïmporteerd en geeft het antwoord de fouten per regel."
        ),
    )
    def post(self, request):
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        try:
            batch = services.import_statements(
                content=file.read(services.IMPORT_MAX_BYTES + 1), file_name=file.name, by=request.user
            )
        except services.ImportRefused as refused:
            body = {
                "file": [_("Het bestand is niet geïmporteerd; er is niets opgeslagen.")],
                "errors": [{"line": e.line, "message": e.message} for e in refused.errors[:500]],
            }
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            {"file_name": batch.file_name, "rows": batch.rows, "statements": batch.statements},
            status=status.HTTP_201_CREATED,
        )


class DueView(APIView):
    permission_classes = [PortalAccess]

    @extend_schema(
        responses={200: DueSerializer(many=True)},
        description="Wat nog verantwoord moet worden, met de uiterste datum en of die verstreken is.",
    )
    def get(self, request):
        today = local_today()
        dues = selectors.dues_of(request.user, today=today)
        rows = [
            {"decision": d.decision, "year": d.year, "due_on": d.due_on, "overdue": deadlines.overdue(d, today)}
            for d in dues
        ]
        return Response(DueSerializer(rows, many=True).data)


urlpatterns = [
    path("accountability/statements/", StatementsView.as_view(), name="api_accountability_statements"),
    path("accountability/imports/", ImportView.as_view(), name="api_accountability_import"),
    path("accountability/due/", DueView.as_view(), name="api_accountability_due"),
]
