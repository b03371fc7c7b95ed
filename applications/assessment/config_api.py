"""API for the assessment configuration of a call: its settings, criteria, need bands and bonus rules
(administrators write), and balanced assignment of its reviewers."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from accounts.api_errors import CONFLICT, ServiceErrorsMixin, api_errors
from accounts.api_permissions import READ_METHODS, AdministratorsOnly, MinistryOnly
from applications.assessment import config, points
from applications.assessment import selectors as assessment_selectors
from applications.assessment import services as assessment
from applications.assessment.config_serializers import (
    AssessmentSettingsSerializer,
    BonusRuleSerializer,
    CriterionSerializer,
    NeedBandSerializer,
)
from applications.assessment.serializers import (
    CONFIG_TAGS,
    ERRORS,
    SCORES,
    AutoAssignInputSerializer,
    AutoAssignResultSerializer,
)
from applications.models import (
    BonusRule,
    Call,
    Criterion,
    NeedBand,
)

# --- Configuration per call ------------------------------------------------------------------------


@extend_schema(tags=CONFIG_TAGS)
class CallAssessmentViewSet(ServiceErrorsMixin, viewsets.GenericViewSet):
    """How a call is assessed, and balanced assignment of its reviewers (administrators only)."""

    permission_classes = [AdministratorsOnly]
    serializer_class = AssessmentSettingsSerializer

    def get_queryset(self):
        return Call.objects.order_by("pk")

    @extend_schema(
        methods=["GET"],
        summary="Beoordelingsinstellingen van een ronde (beheerders)",
        description="Zolang ze niet zijn ingesteld, de standaardwaarden.",
        responses=AssessmentSettingsSerializer,
    )
    @extend_schema(
        methods=["PUT"],
        summary="Beoordelingsinstellingen wijzigen (beheerders)",
        request=AssessmentSettingsSerializer,
        responses=AssessmentSettingsSerializer,
        description="Alleen de meegestuurde velden veranderen; `null` maakt een minimum of deadline leeg. "
        "Opgeslagen punten veranderen pas na `recompute-points/`. " + ERRORS,
    )
    @action(detail=True, methods=["get", "put"])
    def assessment(self, request, pk=None):
        call = self.get_object()
        context = {**self.get_serializer_context(), "call": call}
        if request.method == "PUT":
            with transaction.atomic():
                Call.objects.select_for_update().filter(pk=call.pk).first()  # one writer creates the row
                serializer = AssessmentSettingsSerializer(
                    points.assessment_settings(call), data=request.data, context=context
                )
                serializer.is_valid(raise_exception=True)
                settings = serializer.save()
        else:
            settings = points.assessment_settings(call)
        return Response(AssessmentSettingsSerializer(settings, context=context).data)

    @extend_schema(
        summary="Beoordelaars automatisch toewijzen (beheerders)",
        request=AutoAssignInputSerializer,
        responses={200: AutoAssignResultSerializer, 400: OpenApiResponse(description="Ongeldige invoer.")},
        description="Geeft elke ingediende aanvraag (of aanvraag in beoordeling) van de ronde genoeg "
        "beoordelaars. Er wordt steeds de beoordelaar met de minste toewijzingen gekozen. "
        "Gelieerde beoordelaars en beoordelaars met een gemeld belangenconflict worden "
        "overgeslagen. Opnieuw aanroepen vult alleen aan. " + ERRORS,
    )
    @action(detail=True, methods=["post"], url_path="auto-assign")
    def auto_assign(self, request, pk=None):
        call = self.get_object()
        serializer = AutoAssignInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            result = assessment.auto_assign(
                call=call, by=request.user, per_application=serializer.validated_data.get("per_application")
            )
        except DjangoValidationError as exc:
            errors = api_errors(exc, SCORES)
            if "reviewer" in errors:  # the pool is empty: not a field of this request
                errors.setdefault(api_settings.NON_FIELD_ERRORS_KEY, []).extend(errors.pop("reviewer"))
            raise serializers.ValidationError(errors) from exc
        created = (
            assessment_selectors.assignments_with_context()
            .filter(pk__in=[a.pk for a in result.assignments])
            .order_by("application__reference", "assigned_at", "pk")
        )
        data = {"assignments": created, "shortfalls": result.shortfalls}
        return Response(AutoAssignResultSerializer(data, context=self.get_serializer_context()).data)


CALL_ID = OpenApiParameter("call_id", int, OpenApiParameter.PATH, description="Id van de aanvraagronde.")


def _child_schema(serializer, noun: str, plural: str, *, readers: str, extra: str = ""):
    """Documentation of the CRUD endpoints of one kind of configuration row of a call."""

    def doc(summary: str, description: str = "", **kwargs):
        return extend_schema(
            summary=summary,
            tags=CONFIG_TAGS,
            parameters=[CALL_ID],
            description=f"{description} {ERRORS}".strip(),
            **kwargs,
        )

    name = noun.capitalize()
    return extend_schema_view(
        list=doc(f"{plural} van een ronde ({readers})"),
        retrieve=doc(f"Eén {noun} ({readers})"),
        create=doc(f"{name} toevoegen (beheerders)", extra, responses={201: serializer, 409: CONFLICT}),
        update=doc(f"{name} wijzigen (beheerders)", extra, responses={200: serializer, 409: CONFLICT}),
        partial_update=doc(f"{name} deels wijzigen (beheerders)", extra, responses={200: serializer, 409: CONFLICT}),
        destroy=doc(f"{name} verwijderen (beheerders)", extra, responses={204: None, 409: CONFLICT}),
    )


class CallChildViewSet(ServiceErrorsMixin, viewsets.ModelViewSet):
    """Rows that configure one call, under ``calls/{call_id}/``. A call that does not exist gives 404,
    but only after the role check, so officers get 403 everywhere."""

    read_permission = AdministratorsOnly
    in_use_message = gettext_lazy("Dit is al in gebruik en kan niet worden verwijderd.")

    def get_permissions(self):
        if self.request is not None and self.request.method in READ_METHODS:
            return [self.read_permission()]
        return [AdministratorsOnly()]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.call = get_object_or_404(Call, pk=kwargs["call_id"])

    def rows(self) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.serializer_class.Meta.model.objects.none()
        return self.rows().filter(call_id=self.kwargs["call_id"])

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "call": getattr(self, "call", None)}

    def check_changeable(self) -> None:
        """Refuse (409) before parsing the request when the call's state forbids changing these rows."""

    def create(self, request, *args, **kwargs):
        self.check_changeable()
        return super().create(request, *args, **kwargs)

    def update(self, request, *args, **kwargs):
        self.check_changeable()
        return super().update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        self.check_changeable()
        return super().destroy(request, *args, **kwargs)

    def perform_destroy(self, instance) -> None:
        config.delete(row=instance, by=self.request.user, in_use_message=self.in_use_message)


@_child_schema(
    CriterionSerializer,
    "criterium",
    "Beoordelingscriteria",
    readers="beheerders en beoordelaars",
    extra="Zodra een beoordeling van de ronde is ingediend, liggen de criteria vast (409).",
)
class CriterionViewSet(CallChildViewSet):
    """Reviewers read the criteria they score with; only administrators change them, and only until the
    first review of the call is submitted (the scores would otherwise no longer fit)."""

    serializer_class = CriterionSerializer
    read_permission = MinistryOnly
    in_use_message = gettext_lazy("Op dit criterium zijn al scores gegeven; het kan niet meer worden verwijderd.")

    def rows(self):
        return Criterion.objects.order_by("order", "pk")

    def check_changeable(self) -> None:
        config.check_criteria_changeable(self.call)


@_child_schema(
    NeedBandSerializer,
    "behoefteband",
    "Behoeftebanden",
    readers="beheerders",
    extra="Per indicator telt de hoogste band die de waarde bereikt. Opgeslagen punten veranderen pas na "
    "`recompute-points/`.",
)
class NeedBandViewSet(CallChildViewSet):
    serializer_class = NeedBandSerializer

    def rows(self):
        return NeedBand.objects.select_related("indicator").order_by("indicator__code", "threshold", "pk")


@_child_schema(
    BonusRuleSerializer,
    "voorrangsregel",
    "Voorrangsregels",
    readers="beheerders",
    extra="Soort `network` met een netwerkcode, of `not_funded_before`. Opgeslagen punten veranderen pas "
    "na `recompute-points/`.",
)
class BonusRuleViewSet(CallChildViewSet):
    serializer_class = BonusRuleSerializer

    def rows(self):
        return BonusRule.objects.select_related("network").order_by("pk")
