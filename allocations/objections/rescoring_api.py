"""API for the reopened scoring of an objection (Awb 7:11): list and reopen a case's, read one with its new
reviewers and the old breakdown beside the recomputed one, and assign a reviewer. Administrators only.

Thin: the same selectors and services as the pages. 400 with field errors, 403 for another role and for a
reviewer who scored the application before, 404 for a case outside the caller's organisation, 409 when the
case's or the scoring's state forbids the step.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import textlimits
from accounts.api_permissions import PortalAccess
from accounts.models import Role, User
from accounts.money import cents
from accounts.permissions import require
from allocations.objections import rescoring, selectors
from allocations.objections import rescoring_selectors as scoring_selectors
from allocations.objections.api import CONFLICT, INVALID, NOT_FOUND, TAGS
from allocations.objections.permissions import can_handle_objections
from allocations.objections.rescoring_models import ReopenedScoring, Rescore
from allocations.runs.reconsideration_models import Reconsideration
from allocations.runs.reconsideration_serializers import ReconsiderationSerializer

FORBIDDEN = OpenApiResponse(
    description="Uw rol mag dit niet, of de beoordelaar heeft de aanvraag al eerder beoordeeld; `detail` zegt waarom."
)


class RescoreSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.display_name", read_only=True)

    class Meta:
        model = Rescore
        fields = ["id", "reviewer", "status", "assigned_at", "submitted_at"]


class ComparedRowSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="criterion, indicator, bonus, of sum voor de delen en het totaal.")
    label = serializers.CharField()
    old = serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True, help_text="Bij het besluit.")
    new = serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True, help_text="Herberekend.")


class ReopenedScoringSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id", read_only=True)
    application = serializers.IntegerField(source="application_id", read_only=True)
    reference = serializers.CharField(source="application.reference", read_only=True)
    opened_by = serializers.CharField(source="opened_by.email", read_only=True)
    is_open = serializers.BooleanField(read_only=True)
    rescores = RescoreSerializer(many=True, read_only=True)
    compared = serializers.SerializerMethodField()

    class Meta:
        model = ReopenedScoring
        fields = [
            "id",
            "case",
            "application",
            "reference",
            "reason",
            "opened_by",
            "opened_at",
            "closed_at",
            "is_open",
            "reviewer_score",
            "need_score",
            "bonus_score",
            "total",
            "sha256",
            "rescores",
            "compared",
        ]

    @extend_schema_field(ComparedRowSerializer(many=True))
    def get_compared(self, scoring: ReopenedScoring) -> list:
        return ComparedRowSerializer(scoring_selectors.compared(scoring), many=True).data


class PaginatedReopenedScoringsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ReopenedScoringSerializer(many=True)


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=textlimits.MESSAGE)


class AssignSerializer(serializers.Serializer):
    reviewer = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(role=Role.REVIEWER, is_active=True))


def _staff_case(request, pk: int):
    case = selectors.visible_case(pk, viewer=request.user)
    require(can_handle_objections.test(request.user, case))
    return case


class ReopenedScoringsView(APIView):
    permission_classes = [PortalAccess]

    @extend_schema(
        tags=TAGS,
        responses={200: PaginatedReopenedScoringsSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="De heropende beoordelingen van een bezwaar",
        operation_id="objections_reopened_scorings_list",
    )
    def get(self, request, pk: int):
        case = _staff_case(request, pk)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(scoring_selectors.scorings_of(case), request, view=self)
        return paginator.get_paginated_response(ReopenedScoringSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        request=ReopenSerializer,
        responses={201: ReopenedScoringSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        summary="De beoordeling heropenen (Awb 7:11)",
        operation_id="objections_reopened_scorings_create",
        description="Op een lopend bezwaar (niet afgehandeld, geen beslissing ter goedkeuring): de aanvraag wordt "
        "opnieuw beoordeeld door beoordelaars die haar nog niet beoordeelden. Eén heropende beoordeling tegelijk; "
        "een tweede is 409.",
    )
    def post(self, request, pk: int):
        case = _staff_case(request, pk)
        serializer = ReopenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        scoring = rescoring.reopen_scoring(case=case, by=request.user, reason=serializer.validated_data["reason"])
        scoring = scoring_selectors.scorings_of(case).get(pk=scoring.pk)
        return Response(ReopenedScoringSerializer(scoring).data, status=status.HTTP_201_CREATED)


def _scoring(request, pk: int) -> ReopenedScoring:
    scoring = scoring_selectors.scoring_for(pk, cases=selectors.cases_for(request.user))
    _staff_case(request, scoring.case_id)
    return scoring


class ReopenedScoringDetailView(APIView):
    permission_classes = [PortalAccess]

    @extend_schema(
        tags=TAGS,
        responses={200: ReopenedScoringSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Eén heropende beoordeling: de nieuwe beoordelaars en de puntenopbouw oud naast nieuw",
        operation_id="reopened_scorings_retrieve",
    )
    def get(self, request, pk: int):
        scoring = _scoring(request, pk)
        return Response(ReopenedScoringSerializer(scoring_selectors.scorings_of(scoring.case).get(pk=pk)).data)


class ReopenedScoringAssignView(APIView):
    permission_classes = [PortalAccess]

    @extend_schema(
        tags=TAGS,
        request=AssignSerializer,
        responses={201: RescoreSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        summary="Een beoordelaar toewijzen aan een heropende beoordeling",
        operation_id="reopened_scorings_assign",
        description="Alleen een beoordelaar die de aanvraag nog niet beoordeelde (anders 403 met de reden), niet "
        "gelieerd aan de gemeente en zonder gemeld belangenconflict (anders 400). Een herberekende beoordeling of "
        "een afgehandeld bezwaar is 409.",
    )
    def post(self, request, pk: int):
        scoring = _scoring(request, pk)
        serializer = AssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rescore = rescoring.assign_rescorer(
            scoring=scoring, reviewer=serializer.validated_data["reviewer"], by=request.user
        )
        return Response(RescoreSerializer(rescore).data, status=status.HTTP_201_CREATED)


class ReconsiderWithScoringSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=textlimits.MESSAGE)
    requested = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, help_text="Gecorrigeerd aangevraagd bedrag."
    )
    eligible = serializers.BooleanField(required=False, allow_null=True, help_text="Gecorrigeerde subsidiabiliteit.")


class ReopenedScoringReconsiderView(APIView):
    permission_classes = [PortalAccess]

    @extend_schema(
        tags=TAGS,
        request=ReconsiderWithScoringSerializer,
        responses={201: ReconsiderationSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        summary="Herberekenen met de punten van een heropende beoordeling",
        operation_id="reopened_scorings_reconsider",
        description="De herberekende puntenopbouw wordt de correctie `points` van een heroverweging van de "
        "beschikking van het bezwaar (naast eventueel `requested` en `eligible`); de heroverweging legt de "
        "heropende beoordeling vast als herkomst (`sources.points`) en wordt aan het bezwaar gekoppeld. 409 zolang "
        "niet alle nieuwe beoordelingen binnen zijn, of voor een afgehandeld bezwaar.",
    )
    def post(self, request, pk: int):
        scoring = _scoring(request, pk)
        serializer = ReconsiderWithScoringSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        corrections: dict = {}
        if data.get("requested") is not None:
            corrections["requested"] = cents(data["requested"])
        if data.get("eligible") is not None:
            corrections["eligible"] = data["eligible"]
        record = rescoring.reconsider_with_scoring(
            case=scoring.case, scoring=scoring, by=request.user, reason=data["reason"], corrections=corrections
        )
        record = Reconsideration.objects.select_related("computed_by").get(pk=record.pk)
        return Response(
            ReconsiderationSerializer(ReconsiderationSerializer.represent(record)).data, status=status.HTTP_201_CREATED
        )


urlpatterns = [
    path(
        "objections/<int:pk>/reopened-scorings/",
        ReopenedScoringsView.as_view(),
        name="api-objection-reopened-scorings",
    ),
    path("reopened-scorings/<int:pk>/", ReopenedScoringDetailView.as_view(), name="api-reopened-scoring"),
    path(
        "reopened-scorings/<int:pk>/reviewers/",
        ReopenedScoringAssignView.as_view(),
        name="api-reopened-scoring-assign",
    ),
    path(
        "reopened-scorings/<int:pk>/reconsideration/",
        ReopenedScoringReconsiderView.as_view(),
        name="api-reopened-scoring-reconsider",
    ),
]
