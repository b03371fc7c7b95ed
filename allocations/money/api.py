"""The money overview in the API (read-only): the totals per call and per municipality, every sent award's
figures, one decision's, one municipality's and one call's, and the overview as a CSV, XLSX or JSON file.

Thin: the same selector as the pages (``selectors.money_overview``), scoped to the caller: the ministry sees
every municipality, an officer their own; another municipality's decision or page is a 404, a call's overview
is the ministry's (403 for an officer).
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
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_permissions import MinistryOnly, PortalAccess
from accounts.selectors import municipalities_for
from allocations.exports.models import ExportFormat
from allocations.money import exports, selectors
from allocations.money.serializers import (
    DecisionMoneySerializer,
    MoneyOverviewSerializer,
    PaginatedDecisionMoneySerializer,
)
from applications.models import Call

TAGS = ["geldoverzicht"]
ONLY_MINISTRY = OpenApiResponse(description="Alleen voor het ministerie.")
CALL_PARAMETER = OpenApiParameter("call", int, description="Alleen de beschikkingen van deze aanvraagronde (id).")


def _call_id(request: Request) -> int | None:
    value = request.query_params.get("call", "")
    if not value:
        return None
    if not value.isdigit():
        raise ValidationError({"call": [_("Geef het id van een aanvraagronde.")]})
    return int(value)


class MoneyOverviewView(APIView):
    permission_classes = [PortalAccess]

    @extend_schema(
        tags=TAGS,
        parameters=[CALL_PARAMETER],
        responses={200: MoneyOverviewSerializer},
        operation_id="money_overview",
        summary="Geldoverzicht: per ronde en per gemeente toegekend, betaald, besteed, vastgesteld, teruggevorderd",
        description="Het ministerie ziet alle gemeenten, een gemeente alleen haar eigen beschikkingen.",
    )
    def get(self, request):
        overview = selectors.money_overview(request.user, call_id=_call_id(request))
        return Response(MoneyOverviewSerializer(overview).data)


class DecisionMoneyListView(APIView):
    permission_classes = [PortalAccess]

    @extend_schema(
        tags=TAGS,
        parameters=[CALL_PARAMETER],
        responses={200: PaginatedDecisionMoneySerializer},
        operation_id="money_decisions_list",
        summary="Het geld van elke verzonden toekenning",
    )
    def get(self, request):
        rows = selectors.money_overview(request.user, call_id=_call_id(request)).rows
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(DecisionMoneySerializer(page, many=True).data)


class DecisionMoneyView(APIView):
    permission_classes = [PortalAccess]

    @extend_schema(
        tags=TAGS,
        responses={
            200: DecisionMoneySerializer,
            404: OpenApiResponse(description="Onbekend, of buiten uw organisatie."),
        },
        summary="Het geld van één beschikking",
    )
    def get(self, request, pk: int):
        row = selectors.decision_money_for(request.user, pk)
        if row is None:
            raise Http404
        return Response(DecisionMoneySerializer(row).data)


class MunicipalityMoneyView(APIView):
    permission_classes = [PortalAccess]

    @extend_schema(
        tags=TAGS,
        responses={
            200: MoneyOverviewSerializer,
            404: OpenApiResponse(description="Onbekende gemeente, of een andere dan de uwe."),
        },
        summary="Het geld van één gemeente, per ronde",
    )
    def get(self, request, cbs_code: str):
        municipality = get_object_or_404(municipalities_for(request.user), cbs_code=cbs_code.upper())
        overview = selectors.money_overview(request.user, municipality_id=municipality.pk)
        return Response(MoneyOverviewSerializer(overview).data)


class CallMoneyView(APIView):
    permission_classes = [MinistryOnly]

    @extend_schema(
        tags=TAGS,
        responses={
            200: MoneyOverviewSerializer,
            403: ONLY_MINISTRY,
            404: OpenApiResponse(description="Onbekende aanvraagronde."),
        },
        summary="Het geld van één aanvraagronde, per gemeente",
    )
    def get(self, request, pk: int):
        call = get_object_or_404(Call, pk=pk)
        return Response(MoneyOverviewSerializer(selectors.money_overview(request.user, call_id=call.pk)).data)


class MoneyFileView(APIView):
    permission_classes = [PortalAccess]

    @extend_schema(
        tags=TAGS,
        parameters=[
            CALL_PARAMETER,
            OpenApiParameter("export_format", str, OpenApiParameter.PATH, enum=ExportFormat.values),
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="Het geldoverzicht als CSV."),
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiResponse(
                OpenApiTypes.BINARY, description="Het geldoverzicht als XLSX."
            ),
            (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT, description="Het geldoverzicht als JSON."),
            404: OpenApiResponse(description="Onbekend formaat."),
        },
        summary="Het geldoverzicht als bestand (CSV, XLSX of JSON), met de totalen",
        description="Dezelfde regels als het overzicht, voor de aanroeper afgebakend. Elke download komt in de "
        "audittrail.",
    )
    def get(self, request, export_format: str):
        call_id = _call_id(request)
        overview = selectors.money_overview(request.user, call_id=call_id)
        scope = {"scope": f"API, ronde {call_id}" if call_id else "API"}
        return exports.export_money(
            overview=overview, scope=scope, stem="geldoverzicht", by=request.user, fmt=export_format
        ).response()


urlpatterns = [
    path("money/", MoneyOverviewView.as_view(), name="api-money"),
    path("money/decisions/", DecisionMoneyListView.as_view(), name="api-money-decisions"),
    path("money/decisions/<int:pk>/", DecisionMoneyView.as_view(), name="api-money-decision"),
    path("money/municipalities/<str:cbs_code>/", MunicipalityMoneyView.as_view(), name="api-money-municipality"),
    path("money/calls/<int:pk>/", CallMoneyView.as_view(), name="api-money-call"),
    path("money/export/<str:export_format>/", MoneyFileView.as_view(), name="api-money-file"),
]
