"""The published rules and the points preview in the API: public, like their pages (no login needed).

``calls/{id}/rules/`` gives the rules document of a published call (the version in force, or ``?version=``)
with its hash and the version history; ``calls/{id}/points-preview/`` computes a municipality's preview.
"""

from __future__ import annotations

import json

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from accounts.models import Municipality
from accounts.permissions import is_officer
from applications.published_rules import selectors
from applications.published_rules.freeze import is_frozen
from applications.published_rules.preview import areas_of, as_data, preview

TAGS = ["published rules"]
NOT_FOUND = OpenApiResponse(description="Geen gepubliceerde aanvraagronde (of versie) met dit nummer.")


class PublicThrottle(AnonRateThrottle):
    """Anyone may read the rules; a visitor without an account is limited per address."""

    scope = "public"


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(source="number")
    sha256 = serializers.CharField()
    published_at = serializers.DateTimeField()


class CallRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()


class CallRulesSerializer(serializers.Serializer):
    call = CallRefSerializer()
    frozen = serializers.BooleanField(help_text="Of de aanvraagtermijn open is gegaan: dan liggen de regels vast.")
    version = serializers.IntegerField(allow_null=True, help_text="Leeg: nog geen regels gepubliceerd.")
    sha256 = serializers.CharField(allow_blank=True, help_text="SHA-256 van de canonieke JSON van `document`.")
    published_at = serializers.DateTimeField(allow_null=True)
    document = serializers.DictField(
        allow_null=True, help_text="De regels; de bytes van de download op de regelspagina hebben de hash `sha256`."
    )
    versions = VersionSerializer(many=True)


class RulesQuerySerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1, max_value=1_000_000)


class CallRulesView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [PublicThrottle]

    @extend_schema(
        tags=TAGS,
        summary="De gepubliceerde regels van een aanvraagronde",
        parameters=[RulesQuerySerializer],
        responses={200: CallRulesSerializer, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        call = get_object_or_404(selectors.public_calls(), pk=pk)
        query = RulesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        number = query.validated_data.get("version")
        version = selectors.version_of(call, number) if number else selectors.latest_version(call)
        if number and version is None:
            raise Http404
        data = {
            "call": call,
            "frozen": is_frozen(call),
            "version": version.number if version else None,
            "sha256": version.sha256 if version else "",
            "published_at": version.published_at if version else None,
            "document": json.loads(version.document) if version else None,
            "versions": selectors.versions_of(call),
        }
        return Response(CallRulesSerializer(data).data)


class PreviewQuerySerializer(serializers.Serializer):
    municipality = serializers.CharField(
        required=False, max_length=6, help_text="CBS-code, bijvoorbeeld GM0363. Voor een aanvrager: standaard de eigen."
    )
    area = serializers.CharField(required=False, allow_blank=True, max_length=150)
    funded_before = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Leeg: onbekend (telt als bandbreedte)."
    )
    reviewer_score = serializers.DecimalField(
        required=False, max_digits=9, decimal_places=2, min_value=0, max_value=100000
    )

    def validate(self, attrs):
        request = self.context["request"]
        code = attrs.get("municipality")
        if not code and is_officer(request.user) and request.user.municipality_id:
            code = request.user.municipality.cbs_code
        if not code:
            raise serializers.ValidationError({"municipality": [_("Kies een gemeente (CBS-code).")]})
        municipality = Municipality.objects.filter(cbs_code=code.upper()).first()
        if municipality is None:
            raise serializers.ValidationError({"municipality": [_("Onbekende CBS-code.")]})
        area = (attrs.get("area") or "").strip()
        areas = areas_of(municipality)
        chosen = next((a for a in areas if a.lower() == area.lower()), None)
        if area and chosen is None:
            raise serializers.ValidationError(
                {"area": [_("%(municipality)s heeft geen gebied met die naam.") % {"municipality": municipality.name}]}
            )
        attrs["municipality"] = municipality
        attrs["area"] = chosen or ""
        return attrs


class BandSerializer(serializers.Serializer):
    from_ = serializers.CharField()
    points = serializers.CharField()

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class PreviewIndicatorSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField(allow_blank=True)
    year = serializers.IntegerField(allow_null=True)
    value = serializers.CharField(allow_null=True)
    source = serializers.CharField(allow_blank=True)
    demo = serializers.BooleanField()
    band_from = serializers.CharField(allow_null=True)
    points = serializers.CharField()
    bands = BandSerializer(many=True)


class PreviewNeedSerializer(serializers.Serializer):
    score = serializers.CharField()
    indicators = PreviewIndicatorSerializer(many=True)


class PreviewBonusRuleSerializer(serializers.Serializer):
    label = serializers.CharField()
    kind = serializers.CharField()
    network = serializers.CharField(allow_null=True)
    points = serializers.CharField()
    min_reviewer_score = serializers.CharField(allow_null=True)
    qualifies = serializers.BooleanField(allow_null=True, help_text="Leeg: hangt af van een onbekend feit.")
    low = serializers.CharField()
    high = serializers.CharField()
    at_expected_score = serializers.ListField(child=serializers.CharField(), allow_null=True)


class PreviewBonusSerializer(serializers.Serializer):
    low = serializers.CharField()
    high = serializers.CharField()
    rules = PreviewBonusRuleSerializer(many=True)


class PreviewCriterionSerializer(serializers.Serializer):
    name = serializers.CharField()
    weight = serializers.CharField()
    scale = serializers.ListField(child=serializers.IntegerField())
    low = serializers.CharField()
    high = serializers.CharField()


class PreviewReviewerSerializer(serializers.Serializer):
    low = serializers.CharField()
    high = serializers.CharField()
    expected = serializers.CharField(allow_null=True)
    criteria = PreviewCriterionSerializer(many=True)


class PreviewMinimumsSerializer(serializers.Serializer):
    reviewer_score = serializers.CharField(allow_null=True)
    total_points = serializers.CharField(allow_null=True)
    allocation_points = serializers.CharField(allow_null=True)


class PreviewTotalSerializer(serializers.Serializer):
    low = serializers.CharField()
    high = serializers.CharField()
    at_expected_score = serializers.ListField(child=serializers.CharField(), allow_null=True)


class PreviewRulesSerializer(serializers.Serializer):
    version = serializers.IntegerField(allow_null=True)
    sha256 = serializers.CharField()


class PreviewMunicipalitySerializer(serializers.Serializer):
    cbs_code = serializers.CharField()
    name = serializers.CharField()


class PreviewSerializer(serializers.Serializer):
    notice = serializers.CharField(help_text='Altijd "indicatief, geen besluit".')
    call = CallRefSerializer()
    rules = PreviewRulesSerializer()
    municipality = PreviewMunicipalitySerializer()
    area = serializers.CharField(allow_blank=True)
    on = serializers.DateField()
    funded_before = serializers.BooleanField(allow_null=True)
    need = PreviewNeedSerializer()
    bonus = PreviewBonusSerializer()
    reviewer = PreviewReviewerSerializer()
    minimums = PreviewMinimumsSerializer()
    total = PreviewTotalSerializer()


class PointsPreviewView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [PublicThrottle]

    @extend_schema(
        tags=TAGS,
        summary="Puntenverkenning van een gemeente (indicatief, geen besluit)",
        parameters=[PreviewQuerySerializer],
        responses={200: PreviewSerializer, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        call = get_object_or_404(selectors.public_calls(), pk=pk)
        query = PreviewQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        data = query.validated_data
        result = preview(
            call=call,
            municipality=data["municipality"],
            area=data["area"],
            funded_before=data.get("funded_before"),
            reviewer_score=data.get("reviewer_score"),
        )
        return Response(as_data(result))


urlpatterns = [
    path("calls/<int:pk>/rules/", CallRulesView.as_view(), name="api-call-rules"),
    path("calls/<int:pk>/points-preview/", PointsPreviewView.as_view(), name="api-points-preview"),
]
