"""API for the assessment configuration of a call: criteria, need bands and bonus rules (administrators write)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import ProtectedError, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from accounts import audit
from accounts.api_errors import Conflict
from applications.assessment_api import (
    CONFIG_TAGS,
    CONFLICT,
    ERRORS,
    READ_METHODS,
    AdministratorsOnly,
    AssessmentErrorsMixin,
    MinistryOnly,
)
from applications.assessment_config_serializers import (
    BonusRuleSerializer,
    CriterionSerializer,
    NeedBandSerializer,
)
from applications.models import (
    BonusRule,
    Call,
    Criterion,
    NeedBand,
    Review,
)

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


class CallChildViewSet(AssessmentErrorsMixin, viewsets.ModelViewSet):
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
        """Raise ``Conflict`` when the call's state forbids changing these rows."""

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
        name = self.serializer_class.audit_name
        try:
            with transaction.atomic():
                audit.record(
                    actor=self.request.user,
                    verb=f"{name}.deleted",
                    target=self.call,
                    data={name: instance.pk, "label": str(instance)},
                )
                instance.delete()
        except ProtectedError as exc:
            raise Conflict(str(self.in_use_message)) from exc


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
        if Review.objects.filter(assignment__application__call=self.call, status=Review.Status.SUBMITTED).exists():
            raise Conflict(
                _(
                    "Deze aanvraagronde heeft al ingediende beoordelingen; daarmee liggen de "
                    "criteria vast. Heropen eerst die beoordelingen als een criterium echt moet "
                    "veranderen."
                )
            )


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
