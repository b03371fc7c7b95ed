"""API for reconsidering a decision of a final run (an objection); administrators only.

Thin: parse, call the service, render. 400 with field errors for bad corrections or an application the run
did not divide, 403 for another role, 404 for an unknown run or reconsideration, 409 for a run that is not
final.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_permissions import AdministratorsOnly
from accounts.money import cents
from allocations.runs import reconsideration_services as service
from allocations.runs import selectors
from allocations.runs.api import BAD_INPUT, CONFLICT, FORBIDDEN, TAGS
from allocations.runs.models import AllocationRun
from allocations.runs.reconsideration_models import Reconsideration
from allocations.runs.reconsideration_serializers import (
    PaginatedReconsiderationsSerializer,
    ReconsiderationCheckSerializer,
    ReconsiderationInputSerializer,
    ReconsiderationSerializer,
)
from applications.models import Application

NOT_FOUND = OpenApiResponse(description="Onbekende verdeling of heroverweging.")


def _data(record: Reconsideration) -> dict:
    return ReconsiderationSerializer(ReconsiderationSerializer.represent(record)).data


def _records():
    return Reconsideration.objects.select_related("computed_by", "replaced_by").order_by("-computed_at", "-pk")


class _View(APIView):
    permission_classes = [AdministratorsOnly]

    def run(self, pk: int) -> AllocationRun:
        run = selectors.run_for(pk)
        if run is None:
            raise exceptions.NotFound()
        return run


class ReconsiderationListView(_View):
    @extend_schema(
        tags=TAGS,
        responses={200: PaginatedReconsiderationsSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="De heroverwegingen van een verdeling",
    )
    def get(self, request, pk: int):
        run = self.run(pk)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(_records().filter(run=run), request, view=self)
        return paginator.get_paginated_response([_data(r) for r in page])

    @extend_schema(
        tags=TAGS,
        request=ReconsiderationInputSerializer,
        responses={201: ReconsiderationSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        summary="Een besluit heroverwegen (bezwaar)",
        description="Rekent de definitieve verdeling opnieuw uit op haar vastgelegde invoer, met alleen de "
        "correcties op de aanvraag van de bezwaarmaker (artikel 4:25, derde lid, Awb): hetzelfde plafond, dezelfde "
        "andere aanvragen, hetzelfde beleid en startgetal. Geen ander besluit verandert; het extra bedrag komt uit "
        "de reserve voor zover die strekt, de rest bovenop het plafond. De bezwaarmaker krijgt nooit minder dan "
        "eerder (artikel 7:11 Awb). 409 als de verdeling niet definitief is.",
    )
    def post(self, request, pk: int):
        run = self.run(pk)
        serializer = ReconsiderationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        application = Application.objects.filter(pk=data["application"]).first()
        if application is None:
            raise exceptions.ValidationError({"application": [_("Onbekende aanvraag.")]})
        corrections: dict = {}
        if data.get("requested") is not None:
            corrections["requested"] = cents(data["requested"])
        if data.get("eligible") is not None:
            corrections["eligible"] = data["eligible"]
        points = {
            name: f"{data[name]:.2f}"
            for name in ("reviewer_score", "need_score", "bonus_score")
            if data.get(name) is not None
        }
        if points:
            corrections["points"] = points
        record = service.reconsider(
            run=run, application=application, corrections=corrections, reason=data["reason"], by=request.user
        )
        record = _records().get(pk=record.pk)
        return Response(_data(record), status=status.HTTP_201_CREATED)


class ReconsiderationDetailView(_View):
    @extend_schema(
        tags=TAGS,
        responses={200: ReconsiderationSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Een heroverweging: oud en nieuw, de andere regels (ongewijzigd) en het extra bedrag",
    )
    def get(self, request, pk: int):
        return Response(_data(get_object_or_404(_records(), pk=pk)))


class ReconsiderationVerifyView(_View):
    @extend_schema(
        tags=TAGS,
        request=None,
        responses={200: ReconsiderationCheckSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Een heroverweging controleren",
        description="Rekent de heroverweging opnieuw uit op de vastgelegde invoer van de verdeling met de "
        "vastgelegde correcties en vergelijkt elke waarde; controleert ook de hashes.",
    )
    def post(self, request, pk: int):
        record = get_object_or_404(_records(), pk=pk)
        check = service.verify(reconsideration_record=record, by=request.user)
        return Response(ReconsiderationCheckSerializer({**vars(check), "ok": check.ok}).data)


urlpatterns = [
    path(
        "allocation-runs/<int:pk>/reconsiderations/",
        ReconsiderationListView.as_view(),
        name="api-allocation-run-reconsiderations",
    ),
    path("reconsiderations/<int:pk>/", ReconsiderationDetailView.as_view(), name="api-reconsideration"),
    path("reconsiderations/<int:pk>/verify/", ReconsiderationVerifyView.as_view(), name="api-reconsideration-verify"),
]
