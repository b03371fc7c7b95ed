"""Instalments in the API (DESIGN.md §10): lists and details for whoever may see them (the ministry every
instalment, a municipality those of its own sent decisions), and for administrators ordering a pay date's
payments, recording a paid date, letting an instalment lapse, the payment order as CSV or XLSX, and the
overview (awarded = paid + still due).

Thin: the same selectors and services as the pages. 400 with field errors, 403 for another role, 404 for an
instalment outside the caller's organisation, 409 when its state forbids the step.
"""

from __future__ import annotations

import datetime

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
from accounts.permissions import require
from allocations.letters.permissions import can_view_application_letters
from allocations.payments import exports, selectors, services
from allocations.payments.models import Instalment, InstalmentStatus, PaidSource
from allocations.payments.serializers import (
    CancelSerializer,
    InstalmentSerializer,
    MunicipalityPaymentsSerializer,
    OrderResultSerializer,
    OverviewSerializer,
    PaginatedInstalmentsSerializer,
    PaidSerializer,
    PaymentOrderSerializer,
)
from allocations.runs.permissions import can_view_decision
from applications.models import Application, Call

TAGS = ["betalingen"]
FORBIDDEN = OpenApiResponse(description="Uw rol mag dit niet (alleen beheerders van het ministerie).")
NOT_FOUND = OpenApiResponse(description="Onbekende termijn, of een termijn buiten uw organisatie.")
CONFLICT = OpenApiResponse(description="De status van de termijn staat deze stap niet toe; de melding zegt waarom.")


def _pay_date(value: str) -> datetime.date:
    """A pay date in a path, as ISO 8601 (2027-04-12); anything else is no such address (404)."""
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise Http404 from exc


def _visible(request, pk: int) -> Instalment:
    instalment = selectors.instalments().visible_to(request.user).filter(pk=pk).first()
    if instalment is None:
        raise Http404
    return instalment


class InstalmentListView(APIView):
    permission_classes = [PortalAccess]

    @extend_schema(
        tags=TAGS,
        parameters=[
            OpenApiParameter("call", int, description="Alleen de termijnen van deze aanvraagronde (id)."),
            OpenApiParameter("municipality", str, description="Alleen deze gemeente (CBS-code, GM0363)."),
            OpenApiParameter("status", str, enum=InstalmentStatus.values),
            OpenApiParameter("due_on", OpenApiTypes.DATE, description="Alleen deze uiterste betaaldatum."),
        ],
        responses={200: PaginatedInstalmentsSerializer},
        operation_id="instalments_list",
        summary="Termijnen",
        description="Het ministerie ziet alle termijnen, een gemeente die van haar eigen verzonden beschikkingen.",
    )
    def get(self, request):
        rows = selectors.instalments().visible_to(request.user).order_by("due_on", "decision__number", "sequence")
        params = request.query_params
        if params.get("call"):
            if not params["call"].isdigit():
                raise ValidationError({"call": [_("Geef het id van een aanvraagronde.")]})
            rows = rows.filter(decision__application__call_id=int(params["call"]))
        if params.get("municipality"):
            rows = rows.filter(decision__application__municipality__cbs_code=params["municipality"])
        if params.get("status"):
            if params["status"] not in InstalmentStatus.values:
                raise ValidationError(
                    {"status": [_("Kies uit %(choices)s.") % {"choices": ", ".join(InstalmentStatus.values)}]}
                )
            rows = rows.filter(status=params["status"])
        if params.get("due_on"):
            try:
                rows = rows.filter(due_on=datetime.date.fromisoformat(params["due_on"]))
            except ValueError:
                raise ValidationError({"due_on": [_("Geef een datum als jjjj-mm-dd.")]}) from None
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(InstalmentSerializer(page, many=True).data)


class InstalmentDetailView(APIView):
    permission_classes = [PortalAccess]

    @extend_schema(tags=TAGS, responses={200: InstalmentSerializer, 404: NOT_FOUND}, summary="Eén termijn")
    def get(self, request, pk: int):
        return Response(InstalmentSerializer(_visible(request, pk)).data)


class ApplicationInstalmentsView(APIView):
    permission_classes = [PortalAccess]

    @extend_schema(
        tags=TAGS,
        responses={200: InstalmentSerializer(many=True), 404: OpenApiResponse(description="Onbekende aanvraag.")},
        summary="De termijnen van de beschikking op een aanvraag",
        description="Leeg zolang de beschikking niet is verzonden (of een afwijzing is). 404 voor een aanvraag "
        "buiten uw organisatie.",
    )
    def get(self, request, pk: int):
        application = get_object_or_404(Application, pk=pk)
        require(can_view_application_letters.test(request.user, application), not_found=True)
        if not can_view_decision(request.user, application):
            return Response([])
        rows = selectors.instalments().visible_to(request.user).filter(decision__application=application)
        return Response(InstalmentSerializer(rows.order_by("sequence"), many=True).data)


class InstalmentPaidView(APIView):
    permission_classes = [AdministratorsOnly]

    @extend_schema(
        tags=TAGS,
        request=PaidSerializer,
        responses={
            200: InstalmentSerializer,
            400: OpenApiResponse(description="`paid_on` ontbreekt, ligt in de toekomst of vóór de verzending."),
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        summary="De betaaldatum van een termijn vastleggen",
        description="Alleen voor een termijn waarvoor de betaalopdracht is gegeven.",
    )
    def post(self, request, pk: int):
        instalment = _visible(request, pk)
        serializer = PaidSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instalment = services.record_paid(
            instalment=instalment, paid_on=serializer.validated_data["paid_on"], by=request.user, source=PaidSource.API
        )
        return Response(InstalmentSerializer(_visible(request, instalment.pk)).data)


class InstalmentCancelView(APIView):
    permission_classes = [AdministratorsOnly]

    @extend_schema(
        tags=TAGS,
        request=CancelSerializer,
        responses={
            200: InstalmentSerializer,
            400: OpenApiResponse(description="De reden ontbreekt."),
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        summary="Een termijn laten vervallen",
        description="Alleen een termijn die nog niet is betaald; de reden wordt vastgelegd.",
    )
    def post(self, request, pk: int):
        instalment = _visible(request, pk)
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.cancel_instalment(instalment=instalment, reason=serializer.validated_data["reason"], by=request.user)
        return Response(InstalmentSerializer(_visible(request, instalment.pk)).data)


class PaymentOrderView(APIView):
    permission_classes = [AdministratorsOnly]

    @extend_schema(
        tags=TAGS,
        request=PaymentOrderSerializer,
        responses={
            200: OrderResultSerializer,
            400: OpenApiResponse(description="`pay_date` ontbreekt."),
            403: FORBIDDEN,
            409: OpenApiResponse(description="Op die datum staat niets meer te bestellen."),
        },
        summary="De betaalopdracht van een betaaldatum geven",
        description="Alle termijnen met deze uiterste betaaldatum die nog geen betaalopdracht hebben, krijgen er "
        "een; elke termijn komt in de audittrail.",
    )
    def post(self, request):
        serializer = PaymentOrderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pay_date = serializer.validated_data["pay_date"]
        ordered = services.order_payments(pay_date=pay_date, by=request.user)
        rows = selectors.instalments().filter(pk__in=[i.pk for i in ordered]).order_by("decision__number", "sequence")
        return Response({"pay_date": pay_date, "ordered": InstalmentSerializer(rows, many=True).data})


class PaymentOrderFileView(APIView):
    permission_classes = [AdministratorsOnly]

    @extend_schema(
        tags=TAGS,
        parameters=[
            OpenApiParameter(
                "export_format",
                str,
                OpenApiParameter.PATH,
                enum=[str(f) for f in exports.ORDER_FORMATS],
                description="csv (komma, decimale punt), csv_nl (puntkomma, decimale komma) of xlsx",
            ),
            OpenApiParameter("pay_date", OpenApiTypes.DATE, OpenApiParameter.PATH),
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="De betaalopdracht als CSV."),
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiResponse(
                OpenApiTypes.BINARY, description="De betaalopdracht als XLSX."
            ),
            403: FORBIDDEN,
            404: OpenApiResponse(description="Onbekend formaat."),
            409: OpenApiResponse(description="Voor die datum is nog geen betaalopdracht gegeven."),
        },
        summary="De betaalopdracht van een betaaldatum, voor het financiële systeem",
        description="Per termijn het betalingskenmerk, het beschikkingsnummer, de gemeente en haar CBS-code, het "
        "bedrag en de uiterste betaaldatum. Elke download komt in de audittrail.",
    )
    def get(self, request, pay_date: str, export_format: str):
        day = _pay_date(pay_date)
        return exports.export_payment_order(pay_date=day, by=request.user, fmt=export_format).response()


class PaymentsOverviewView(APIView):
    permission_classes = [MinistryOnly]

    @extend_schema(
        tags=TAGS,
        responses={200: OverviewSerializer, 403: OpenApiResponse(description="Alleen voor het ministerie.")},
        summary="Overzicht: toegekend = betaald + nog te betalen, in totaal en per aanvraagronde",
    )
    def get(self, request):
        return Response(OverviewSerializer({"totals": selectors.totals(), "calls": selectors.per_call()}).data)


class CallPaymentsView(APIView):
    permission_classes = [MinistryOnly]

    @extend_schema(
        tags=TAGS,
        responses={
            200: MunicipalityPaymentsSerializer(many=True),
            403: OpenApiResponse(description="Alleen voor het ministerie."),
            404: OpenApiResponse(description="Onbekende aanvraagronde."),
        },
        summary="De betalingen van een aanvraagronde per gemeente",
    )
    def get(self, request, pk: int):
        call = get_object_or_404(Call, pk=pk)
        return Response(MunicipalityPaymentsSerializer(selectors.per_municipality(call_id=call.pk), many=True).data)


urlpatterns = [
    path("instalments/", InstalmentListView.as_view(), name="api-instalments"),
    path("instalments/<int:pk>/", InstalmentDetailView.as_view(), name="api-instalment-detail"),
    path("instalments/<int:pk>/paid/", InstalmentPaidView.as_view(), name="api-instalment-paid"),
    path("instalments/<int:pk>/cancel/", InstalmentCancelView.as_view(), name="api-instalment-cancel"),
    path(
        "applications/<int:pk>/instalments/", ApplicationInstalmentsView.as_view(), name="api-application-instalments"
    ),
    path("payment-orders/", PaymentOrderView.as_view(), name="api-payment-orders"),
    path(
        "payment-orders/<str:pay_date>/<str:export_format>/",
        PaymentOrderFileView.as_view(),
        name="api-payment-order-file",
    ),
    path("payments/", PaymentsOverviewView.as_view(), name="api-payments"),
    path("calls/<int:pk>/payments/", CallPaymentsView.as_view(), name="api-call-payments"),
]
