"""API for allocation policies and runs (DESIGN.md §6, §10); administrators only.

Thin: parse, call a service or selector, render. 400 with field errors for bad input, 403 for another
role (and for approving your own run, with the reason), 404 for an unknown call or run, 409 when the run's
state (or a change of its inputs) forbids the step.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_permissions import AdministratorsOnly
from allocations.runs import compare, policies, selectors, services
from allocations.runs.models import AllocationRun
from allocations.runs.policies import PotInput, ReservationInput
from allocations.runs.serializers import (
    ComparisonSerializer,
    LineSerializer,
    PaginatedRunsSerializer,
    PolicySerializer,
    RefusalSerializer,
    RunDetailSerializer,
    RunSerializer,
    StartedSerializer,
    VerificationSerializer,
)
from applications.models import Call

TAGS = ["verdeling"]
FORBIDDEN = OpenApiResponse(description="Uw rol mag dit niet (alleen beheerders van het ministerie).")
NOT_FOUND = OpenApiResponse(description="Onbekende ronde of verdeling.")
BAD_INPUT = OpenApiResponse(description='Ongeldige invoer: {"veld": ["melding"]}.')
CONFLICT = OpenApiResponse(RefusalSerializer, description="De huidige status laat dit niet toe.")


class _AllocationView(APIView):
    permission_classes = [AdministratorsOnly]

    def call(self, call_id: int) -> Call:
        return get_object_or_404(Call.objects.all(), pk=call_id)

    def run(self, pk: int) -> AllocationRun:
        run = selectors.run_for(pk)
        if run is None:
            raise exceptions.NotFound()
        return run


class PolicyView(_AllocationView):
    @extend_schema(
        tags=TAGS,
        responses={200: PolicySerializer, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Het verdeelbeleid van een ronde",
    )
    def get(self, request, pk: int):
        call = self.call(pk)
        policy = selectors.policy_with_parts(selectors.policy_of(call))
        return Response(PolicySerializer(PolicySerializer.represent(policy, selectors.assessment_minimum(call))).data)

    @extend_schema(
        tags=TAGS,
        request=PolicySerializer,
        responses={200: PolicySerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        summary="Het verdeelbeleid vervangen",
        description="Vervangt het hele beleid, met zijn potten en reserveringen. Een aanvrager in meerdere "
        "netwerken valt in de eerste pot (op volgorde) die hem neemt. 409 als de ronde al een definitieve "
        "verdeling heeft.",
    )
    def put(self, request, pk: int):
        call = self.call(pk)
        serializer = PolicySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        pots = [PotInput(p["name"], p["budget"], p.get("network"), p.get("spill_to", "")) for p in data.pop("pots")]
        reservations = [
            ReservationInput(r["municipality"], r["amount"], r.get("area_name", "")) for r in data.pop("reservations")
        ]
        policy = policies.save_policy(call=call, by=request.user, values=data, pots=pots, reservations=reservations)
        policy = selectors.policy_with_parts(policy)
        return Response(PolicySerializer(PolicySerializer.represent(policy, selectors.assessment_minimum(call))).data)


class RunListView(_AllocationView):
    @extend_schema(
        tags=TAGS,
        responses={200: PaginatedRunsSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="De verdelingen van een ronde",
    )
    def get(self, request, pk: int):
        call = self.call(pk)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.runs_of(call), request, view=self)
        return paginator.get_paginated_response(RunSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        request=None,
        responses={202: StartedSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        summary="Een verdeling berekenen",
        description="Maakt een verdeling aan en zet de berekening in de wachtrij; volg de voortgang op "
        "allocation-runs/{id}/.",
    )
    def post(self, request, pk: int):
        run = services.start_run(call=self.call(pk), by=request.user)
        return Response({"id": run.pk}, status=status.HTTP_202_ACCEPTED)


class RunDetailView(_AllocationView):
    @extend_schema(
        tags=TAGS,
        responses={200: RunDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
        parameters=[OpenApiParameter("page", int, description="Pagina van de regels.")],
        summary="Een verdeling: status, voortgang, totalen en regels",
    )
    def get(self, request, pk: int):
        run = self.run(pk)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.lines_with_splits(run), request, view=self)
        data = RunSerializer(run).data
        data["lines"] = {
            "count": paginator.page.paginator.count,
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
            "results": LineSerializer(page, many=True).data,
        }
        return Response(data)


class RetryView(_AllocationView):
    @extend_schema(
        tags=TAGS,
        request=None,
        responses={202: StartedSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        summary="Een mislukte verdeling opnieuw",
    )
    def post(self, request, pk: int):
        run = services.retry_run(run=self.run(pk), by=request.user)
        return Response({"id": run.pk}, status=status.HTTP_202_ACCEPTED)


class ApproveView(_AllocationView):
    @extend_schema(
        tags=TAGS,
        request=None,
        responses={
            200: RunSerializer,
            403: OpenApiResponse(
                description="Een andere rol, of u hebt deze verdeling zelf gestart "
                "(vier-ogenprincipe); de melding zegt waarom."
            ),
            404: NOT_FOUND,
            409: OpenApiResponse(
                RefusalSerializer,
                description="Geen concept, de invoer is gewijzigd "
                "(changes noemt welke aanvragen en velden) of niet alle aanvragen zijn "
                "meegenomen (missing).",
            ),
        },
        summary="Een verdeling goedkeuren (vier ogen)",
    )
    def post(self, request, pk: int):
        run = self.run(pk)
        try:
            run = services.approve_run(run=run, by=request.user)
        except services.OwnRunApproval as exc:
            raise exceptions.PermissionDenied(detail=str(exc)) from exc
        return Response(RunSerializer(selectors.run_for(run.pk)).data)


class VerifyView(_AllocationView):
    @extend_schema(
        tags=TAGS,
        request=None,
        responses={200: VerificationSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        summary="Een verdeling controleren",
        description="Rekent de verdeling opnieuw uit op de vastgelegde invoer en vergelijkt elke regel en de "
        "totalen; controleert ook de hash van de invoer. Bij een definitieve verdeling ook elk besluit (bestaat, "
        "hoort bij de juiste regel, bedrag en uitkomst) en elke verzonden of huidige brief (het bedrag in de brief "
        "en de SHA-256 van het bestand).",
    )
    def post(self, request, pk: int):
        result = services.verify_run(run=self.run(pk), by=request.user)
        return Response(VerificationSerializer({**vars(result), "ok": result.ok}).data)


class CompareView(_AllocationView):
    @extend_schema(
        tags=TAGS,
        responses={200: ComparisonSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Twee verdelingen van een ronde naast elkaar",
    )
    def get(self, request, pk: int, other: int):
        run_a, run_b = self.run(pk), self.run(other)
        if run_a.call_id != run_b.call_id:
            raise exceptions.ValidationError({"other": ["Vergelijk alleen verdelingen van dezelfde ronde."]})
        result = compare.compare(run_a, run_b)
        data = {**vars(result), "total": result.total}
        return Response(ComparisonSerializer(data).data)


urlpatterns = [
    path("calls/<int:pk>/allocation-policy/", PolicyView.as_view(), name="api-allocation-policy"),
    path("calls/<int:pk>/allocation-runs/", RunListView.as_view(), name="api-allocation-runs"),
    path("allocation-runs/<int:pk>/", RunDetailView.as_view(), name="api-allocation-run"),
    path("allocation-runs/<int:pk>/approve/", ApproveView.as_view(), name="api-allocation-run-approve"),
    path("allocation-runs/<int:pk>/verify/", VerifyView.as_view(), name="api-allocation-run-verify"),
    path("allocation-runs/<int:pk>/retry/", RetryView.as_view(), name="api-allocation-run-retry"),
    path("allocation-runs/<int:pk>/compare/<int:other>/", CompareView.as_view(), name="api-allocation-run-compare"),
]
