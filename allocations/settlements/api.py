"""Settlements in the API (DESIGN.md §10), for ministry staff: the settlements and a call's overview (awarded,
paid, settled, reclaimed per decision, adding up), the assessor's proposal, the auditor's check, the
coordinator's approval and withdrawing a proposal.

Thin: the same selectors and services as the pages. 400 with field errors, 403 for another role or for the same
person taking a second step (four eyes), 404 for an unknown object, 409 when its state forbids the step.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_permissions import AdministratorsOnly, MinistryOnly, PortalAccess
from accounts.downloads import private_file
from allocations.letters.deadlines import local_today
from allocations.runs.models import Decision
from allocations.settlements import batches, documents, selectors, services
from allocations.settlements.models import Settlement, SettlementBatch, SettlementDocument
from allocations.settlements.serializers import (
    BatchStartedSerializer,
    BatchVerificationSerializer,
    CallOverviewSerializer,
    CheckSerializer,
    PaginatedSettlementsSerializer,
    ProposeSerializer,
    SettlementBatchDetailSerializer,
    SettlementBatchSerializer,
    SettlementSerializer,
    StartBatchSerializer,
)
from applications.models import Call

TAGS = ["vaststelling"]
FORBIDDEN = OpenApiResponse(description="Uw rol mag dit niet.")
NOT_FOUND = OpenApiResponse(description="Onbekende vaststelling.")
CONFLICT = OpenApiResponse(
    description="De status staat deze stap niet toe, u zette al een stap, de cijfers zijn veranderd of de vijf "
    "jaren (art. 4:49 lid 3, 4:57 lid 4 Awb) zijn verstreken; de melding zegt waarom."
)


def _settlement(pk: int) -> Settlement:
    settlement = selectors.settlement_for(pk)
    if settlement is None:
        raise Http404
    return settlement


def _out(settlement: Settlement) -> dict:
    return SettlementSerializer(_settlement(settlement.pk)).data


class SettlementListView(APIView):
    permission_classes = [MinistryOnly]

    @extend_schema(
        tags=TAGS,
        parameters=[OpenApiParameter("call", int, description="Alleen de vaststellingen van deze ronde (id).")],
        responses={200: PaginatedSettlementsSerializer, 403: FORBIDDEN},
        operation_id="settlements_list",
        summary="Vaststellingen",
    )
    def get(self, request):
        rows = selectors.settlements().order_by("decision__number", "sequence")
        call = request.query_params.get("call")
        if call:
            if not call.isdigit():
                raise ValidationError({"call": [_("Geef het id van een aanvraagronde.")]})
            rows = rows.filter(decision__application__call_id=int(call))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(SettlementSerializer(page, many=True).data)


class SettlementDetailView(APIView):
    permission_classes = [MinistryOnly]

    @extend_schema(tags=TAGS, responses={200: SettlementSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, pk: int):
        return Response(SettlementSerializer(_settlement(pk)).data)


class ProposeView(APIView):
    permission_classes = [MinistryOnly]

    @extend_schema(
        tags=TAGS,
        request=ProposeSerializer,
        responses={
            201: SettlementSerializer,
            400: OpenApiResponse(description="Een bedrag of grond die de wet niet toelaat; per veld de melding."),
            403: FORBIDDEN,
            404: OpenApiResponse(description="Onbekende of niet verzonden toekenning."),
            409: CONFLICT,
        },
        summary="Een vaststelling voorstellen (beoordelaar)",
        description="Berekent het vast te stellen bedrag uit de cijfers van nu en bewaart die met hun SHA-256.",
    )
    def post(self, request, pk: int):
        decision = get_object_or_404(Decision.objects.filter(sent_at__isnull=False, amount__gt=0), pk=pk)
        serializer = ProposeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        settlement = services.propose_settlement(
            decision=decision,
            by=request.user,
            ground=data.get("ground") or "",
            proposed=data.get("proposed"),
            motivation=data.get("motivation") or "",
            sample=data.get("sample", False),
            set_off=data.get("set_off") or (),
        )
        return Response(_out(settlement), status=201)


class CheckView(APIView):
    permission_classes = [AdministratorsOnly]

    @extend_schema(
        tags=TAGS,
        request=CheckSerializer,
        responses={
            200: SettlementSerializer,
            400: OpenApiResponse(description="Het vorderingsnummer."),
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        summary="De controle vastleggen (interne controleur), met het vorderingsnummer",
    )
    def post(self, request, pk: int):
        settlement = _settlement(pk)
        serializer = CheckSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.check_settlement(
            settlement=settlement,
            by=request.user,
            reclaim_number=serializer.validated_data.get("reclaim_number", ""),
            set_off=serializer.validated_data.get("set_off"),
        )
        return Response(_out(settlement))


class ApproveView(APIView):
    permission_classes = [AdministratorsOnly]

    @extend_schema(
        tags=TAGS,
        request=None,
        responses={200: SettlementSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        summary="De vaststelling goedkeuren (coördinator)",
        description="De open termijnen vervallen, een nabetaling wordt een termijn, een terugvordering is binnen "
        "zes weken te betalen.",
    )
    def post(self, request, pk: int):
        settlement = _settlement(pk)
        services.approve_settlement(settlement=settlement, by=request.user)
        return Response(_out(settlement))


class WithdrawView(APIView):
    permission_classes = [MinistryOnly]

    @extend_schema(
        tags=TAGS,
        request=None,
        responses={200: SettlementSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        summary="Een voorstel tot vaststelling intrekken",
    )
    def post(self, request, pk: int):
        settlement = _settlement(pk)
        services.withdraw_settlement(settlement=settlement, by=request.user)
        return Response(_out(settlement))


class CallSettlementsView(APIView):
    permission_classes = [MinistryOnly]

    @extend_schema(
        tags=TAGS,
        responses={
            200: CallOverviewSerializer,
            403: FORBIDDEN,
            404: OpenApiResponse(description="Onbekende aanvraagronde."),
        },
        summary="Een ronde per beschikking: toegekend, betaald, besteed, vastgesteld en teruggevorderd",
    )
    def get(self, request, pk: int):
        call = get_object_or_404(Call, pk=pk)
        return Response(CallOverviewSerializer(selectors.call_overview(call, today=local_today())).data)


class SettlementLetterPdfView(APIView):
    permission_classes = [PortalAccess]

    @extend_schema(
        tags=TAGS,
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="Een versie van de brief als PDF/A-2A."
            ),
            404: OpenApiResponse(description="Onbekende brief, of (voor een gemeente) niet verzonden."),
        },
        summary="De brief van een vaststelling (een versie)",
        description="Ministeriemedewerkers elke versie, de gemeente de verzonden versie; elke download komt in de "
        "audittrail. De ids staan bij de vaststelling onder letters.",
    )
    def get(self, request, pk: int):
        document = get_object_or_404(
            SettlementDocument.objects.visible_to(request.user).select_related("settlement__decision__application"),
            pk=pk,
        )
        try:
            handle = documents.open_document(document=document, by=request.user, via="api")
        except FileNotFoundError as exc:
            raise Http404 from exc
        name = f"vaststelling-{document.settlement.reference}-v{document.version}.pdf"
        return private_file(handle, filename=name, content_type="application/pdf")


def _batch(pk: int) -> SettlementBatch:
    batch = selectors.batch_for(pk)
    if batch is None:
        raise Http404
    return batch


def _with_progress(rows: list[SettlementBatch]) -> list[SettlementBatch]:
    progresses = selectors.batch_progresses(rows)
    for batch in rows:
        batch.progress = progresses[batch.pk]  # type: ignore[attr-defined]
    return rows


class CallSettlementBatchesView(APIView):
    permission_classes = [MinistryOnly]

    @extend_schema(
        tags=TAGS,
        responses={200: SettlementBatchSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
        operation_id="call_settlement_batches_list",
        summary="De vaststellingsbatches van een ronde, met hun voortgang",
    )
    def get(self, request, pk: int):
        call = get_object_or_404(Call, pk=pk)
        rows = _with_progress(list(selectors.batches_of(call)))
        return Response(SettlementBatchSerializer(rows, many=True).data)

    @extend_schema(
        tags=TAGS,
        request=StartBatchSerializer,
        responses={
            202: BatchStartedSerializer,
            400: OpenApiResponse(description="Het percentage van de steekproef."),
            403: FORBIDDEN,
            404: OpenApiResponse(description="Onbekende aanvraagronde."),
            409: OpenApiResponse(description="Er loopt al een batch voor de ronde, of geen beschikking is klaar."),
        },
        operation_id="call_settlement_batches_start",
        summary="Een vaststellingsbatch starten (beoordelaar)",
        description="Stelt op de achtergrond voor elke beschikking die klaar is een vaststelling voor, op de "
        "cijfers die de batch met hun SHA-256 bewaart; volg de voortgang op de batch.",
    )
    def post(self, request, pk: int):
        call = get_object_or_404(Call, pk=pk)
        serializer = StartBatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        batch = batches.start_batch(
            call=call, by=request.user, sample_percent=serializer.validated_data.get("sample_percent")
        )
        return Response({"id": batch.pk}, status=202)


class SettlementBatchView(APIView):
    permission_classes = [MinistryOnly]

    @extend_schema(
        tags=TAGS,
        responses={200: SettlementBatchDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Een vaststellingsbatch: voortgang, bewaarde cijfers per beschikking en de steekproef",
    )
    def get(self, request, pk: int):
        batch = _with_progress([_batch(pk)])[0]
        batch.job_rows = list(selectors.batch_jobs(batch))  # type: ignore[attr-defined]
        return Response(SettlementBatchDetailSerializer(batch).data)


class SettlementBatchVerifyView(APIView):
    permission_classes = [MinistryOnly]

    @extend_schema(
        tags=TAGS,
        request=None,
        responses={200: BatchVerificationSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Een vaststellingsbatch narekenen uit de bewaarde cijfers",
    )
    def post(self, request, pk: int):
        result = batches.verify_batch(batch=_batch(pk), by=request.user)
        return Response(BatchVerificationSerializer(result).data)


urlpatterns = [
    path("settlements/", SettlementListView.as_view(), name="api-settlements"),
    path("settlements/<int:pk>/", SettlementDetailView.as_view(), name="api-settlement-detail"),
    path("settlements/<int:pk>/check/", CheckView.as_view(), name="api-settlement-check"),
    path("settlements/<int:pk>/approve/", ApproveView.as_view(), name="api-settlement-approve"),
    path("settlements/<int:pk>/withdraw/", WithdrawView.as_view(), name="api-settlement-withdraw"),
    path("decisions/<int:pk>/settlements/", ProposeView.as_view(), name="api-decision-settlements"),
    path("calls/<int:pk>/settlements/", CallSettlementsView.as_view(), name="api-call-settlements"),
    path("settlement-letters/<int:pk>/pdf/", SettlementLetterPdfView.as_view(), name="api-settlement-letter-pdf"),
    path("calls/<int:pk>/settlement-batches/", CallSettlementBatchesView.as_view(), name="api-call-settlement-batches"),
    path("settlement-batches/<int:pk>/", SettlementBatchView.as_view(), name="api-settlement-batch"),
    path(
        "settlement-batches/<int:pk>/verify/", SettlementBatchVerifyView.as_view(), name="api-settlement-batch-verify"
    ),
]
