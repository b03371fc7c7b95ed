"""API for schemes and calls (DESIGN.md §10): everyone logged in reads them, administrators configure
them. Thin: saving and deleting are ``applications.config``'s, like in the admin."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from accounts.api_permissions import READ_METHODS, AdministratorsOnly, PortalAccess
from applications import config, selectors
from applications.config_serializers import CallSerializer, CallWriteSerializer, SchemeSerializer
from applications.models import Call, Scheme


class ConfigurationViewSet(viewsets.ModelViewSet):
    """Everyone logged in reads; only administrators write (others get 403)."""

    def get_permissions(self):
        if self.request is not None and self.request.method not in READ_METHODS:
            return [AdministratorsOnly()]
        return [PortalAccess()]


@extend_schema_view(
    list=extend_schema(summary="Regelingen met hun bestedingsdoelen", tags=["regelingen"]),
    retrieve=extend_schema(summary="Eén regeling", tags=["regelingen"]),
    create=extend_schema(
        summary="Regeling aanmaken (beheerders)",
        tags=["regelingen"],
        description="Met `themes` als lijst van bestedingsdoelen.",
    ),
    update=extend_schema(
        summary="Regeling wijzigen (beheerders)",
        tags=["regelingen"],
        description="`themes` vervangt de lijst: geef het `id` mee om een bestedingsdoel "
        "te houden. Een bestedingsdoel dat al in begrotingen staat, blijft "
        "staan (400).",
    ),
    partial_update=extend_schema(summary="Regeling deels wijzigen (beheerders)", tags=["regelingen"]),
)
class SchemeViewSet(ConfigurationViewSet):
    serializer_class = SchemeSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return Scheme.objects.prefetch_related("themes").order_by("name", "pk")


CALL_STATUS = OpenApiParameter(
    "status", str, enum=list(Call.Status.values), description="Alleen rondes die nu deze status hebben."
)


@extend_schema_view(
    list=extend_schema(
        summary="Aanvraagrondes",
        tags=["aanvraagrondes"],
        parameters=[CALL_STATUS],
        description="Gemeenten zien de gepubliceerde rondes, met `eligible`: of hun gemeente mag aanvragen. "
        "Het ministerie ziet alle rondes.",
    ),
    retrieve=extend_schema(summary="Eén aanvraagronde", tags=["aanvraagrondes"]),
    create=extend_schema(
        summary="Aanvraagronde aanmaken (beheerders)",
        tags=["aanvraagrondes"],
        request=CallWriteSerializer,
        responses={201: CallSerializer},
    ),
    update=extend_schema(
        summary="Aanvraagronde wijzigen (beheerders)",
        tags=["aanvraagrondes"],
        request=CallWriteSerializer,
        responses=CallSerializer,
    ),
    partial_update=extend_schema(
        summary="Aanvraagronde deels wijzigen (beheerders)",
        tags=["aanvraagrondes"],
        request=CallWriteSerializer,
        responses=CallSerializer,
    ),
    destroy=extend_schema(
        summary="Aanvraagronde verwijderen (beheerders)",
        tags=["aanvraagrondes"],
        description="Alleen een ronde zonder aanvragen; anders 409 (zet haar dan op niet gepubliceerd).",
        responses={204: None, 409: OpenApiResponse(description="De ronde heeft al aanvragen.")},
    ),
)
class CallViewSet(ConfigurationViewSet):
    serializer_class = CallSerializer

    def get_queryset(self):
        queryset = selectors.calls_for(self.request.user)
        wanted = self.request.query_params.get("status") if self.action == "list" else None
        if wanted:
            now = timezone.now()
            filters = {Call.Status.UPCOMING: {"opens_at__gt": now}, Call.Status.CLOSED: {"closes_at__lte": now}}
            if wanted == Call.Status.OPEN:
                return queryset.open_at(now)
            if wanted not in filters:
                raise serializers.ValidationError({"status": [_("Onbekende status: %(status)s.") % {"status": wanted}]})
            queryset = queryset.filter(**filters[wanted])
        return queryset

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.request is not None and self.request.user.is_authenticated and self.request.user.is_officer:
            context["eligible_call_ids"] = selectors.eligible_call_ids(self.request.user)
        return context

    def _respond(self, call: Call, code: int = status.HTTP_200_OK) -> Response:
        call = self.get_queryset().get(pk=call.pk)
        return Response(CallSerializer(call, context=self.get_serializer_context()).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = CallWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return self._respond(serializer.save(), status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        serializer = CallWriteSerializer(
            self.get_object(), data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return self._respond(serializer.save())

    def perform_destroy(self, instance: Call) -> None:
        config.delete_call(call=instance, by=self.request.user)
