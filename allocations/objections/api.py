"""API for objection cases and their steps (DESIGN.md §7a, §10).

Thin: the same selectors and services as the pages, so the rules and the audit are the same. 400 with field
errors for invalid input, 403 for a role that may not take a step, 404 for a case (or decision) outside the
caller's organisation, 409 when the case's state forbids the step (a second outcome, a second postponement).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_permissions import AdministratorsOnly, PortalAccess
from accounts.downloads import private_file
from accounts.permissions import is_ministry, require
from allocations.objections import letter_services, outcome, register, selectors, services
from allocations.objections import serializers as s
from allocations.objections.permissions import can_handle_objections
from allocations.objections.transitions import may

TAGS = ["bezwaren"]
NOT_FOUND = OpenApiResponse(description="Onbekend bezwaar, of een bezwaar buiten uw organisatie.")
FORBIDDEN = OpenApiResponse(description="Uw rol mag deze stap niet zetten.")
CONFLICT = OpenApiResponse(description="De status van het bezwaar staat deze stap niet toe; `detail` zegt waarom.")
INVALID = OpenApiResponse(description='Ongeldige invoer: `{"veld": ["melding"]}`.')


def _case_data(case, request) -> dict:
    return s.ObjectionSerializer(case, context={"request": request}).data


class ObjectionsView(APIView):
    permission_classes = [PortalAccess]

    @extend_schema(
        tags=TAGS,
        responses={200: s.PaginatedObjectionsSerializer},
        summary="Bezwaren",
        operation_id="objections_list",
        description="Het ministerie ziet elk bezwaar, een gemeente de bezwaren van en over haar eigen beschikkingen.",
    )
    def get(self, request):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            selectors.cases_for(request.user).prefetch_related("invited"), request, view=self
        )
        return paginator.get_paginated_response(s.ObjectionSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        request=s.RegisterSerializer,
        responses={201: s.ObjectionSerializer, 400: INVALID, 403: FORBIDDEN, 409: CONFLICT},
        summary="Bezwaar maken of registreren",
        operation_id="objections_create",
        description=(
            "Een aanvrager maakt bezwaar tegen een verzonden beschikking van de eigen gemeente (alleen `decision`, "
            "`grounds` en `pro_forma`; ontvangen vandaag, via het portaal). Een beheerder registreert een bezwaar "
            "dat per post of e-mail binnenkwam, met `channel`, `received_on` en bij post `posted_on`. Een te laat "
            "bezwaar wordt geregistreerd en als te laat gemarkeerd. 409 voor een beschikking die niet is verzonden "
            "of waartegen de gemeente al een lopend bezwaar heeft."
        ),
    )
    def post(self, request):
        staff = can_handle_objections.test(request.user, None)
        if not staff and is_ministry(request.user):  # a reviewer neither lodges nor registers
            raise PermissionDenied
        serializer = (s.RegisterSerializer if staff else s.LodgeSerializer)(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        decision = selectors.decision_by_number(data.pop("decision"), viewer=request.user)
        if decision is None:
            raise serializers.ValidationError({"decision": [_unknown_decision()]})
        if staff:
            data["objector"] = data["objector"] or decision.application.municipality
            case = services.register_objection(decision=decision, by=request.user, **data)
        else:
            case = services.lodge_objection(decision=decision, by=request.user, **data)
        return Response(_case_data(case, request), status=status.HTTP_201_CREATED)


def _unknown_decision() -> str:
    from django.utils.translation import gettext as _

    return _("Er is geen beschikking met dit nummer.")


class ObjectionDetailView(APIView):
    permission_classes = [PortalAccess]

    @extend_schema(
        tags=TAGS,
        responses={200: s.ObjectionSerializer, 404: NOT_FOUND},
        summary="Eén bezwaar",
        operation_id="objections_retrieve",
    )
    def get(self, request, pk: int):
        return Response(_case_data(selectors.visible_case(pk, viewer=request.user), request))


class ObjectionLettersView(APIView):
    permission_classes = [PortalAccess]

    @extend_schema(
        tags=TAGS,
        responses={200: s.ObjectionLetterSerializer(many=True), 404: NOT_FOUND},
        summary="Brieven bij een bezwaar",
        operation_id="objections_letters",
        description=(
            "De ontvangstbevestiging, de hersteltermijn, de verdaging en de beslissing op bezwaar. Het ministerie ziet "
            "elke brief, de indiener de brieven die aan haar zijn verzonden."
        ),
    )
    def get(self, request, pk: int):
        case = selectors.visible_case(pk, viewer=request.user)
        letters = selectors.letters_of_case(case, viewer=request.user)
        return Response(s.ObjectionLetterSerializer(letters, many=True, context={"request": request}).data)


class ObjectionLetterPdfView(APIView):
    permission_classes = [PortalAccess]

    @extend_schema(
        tags=TAGS,
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="De brief als PDF/A-2A."),
            404: NOT_FOUND,
        },
        summary="Brief bij een bezwaar (PDF)",
        operation_id="objections_letter_pdf",
        description="De brief als PDF; elke download komt in de audittrail.",
    )
    def get(self, request, pk: int, letter_pk: int):
        case = selectors.visible_case(pk, viewer=request.user)
        letter = selectors.visible_letter(letter_pk, viewer=request.user, case=case)
        try:
            handle = letter_services.open_letter(letter=letter, by=request.user, via="api")
        except FileNotFoundError as exc:
            raise Http404 from exc
        return private_file(handle, filename=letter.filename, content_type="application/pdf")


def _step_view(name: str, action: str, serializer_class, service, summary: str, description: str) -> type[APIView]:
    """One endpoint per step, each with its own input in the schema: POST, answered with the case as it is now."""

    class StepView(APIView):
        permission_classes = [PortalAccess]

        @extend_schema(
            tags=TAGS,
            request=serializer_class,
            responses={200: s.ObjectionSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
            summary=summary,
            description=description,
            operation_id=f"objections_{name}",
        )
        def post(self, request, pk: int):
            case = selectors.visible_case(pk, viewer=request.user)
            require(may(action, request.user, case))
            data = {}
            if serializer_class is not None:
                serializer = serializer_class(data=request.data)
                serializer.is_valid(raise_exception=True)
                data = dict(serializer.validated_data)
            case = service(case=case, by=request.user, **data)
            return Response(_case_data(case, request))

    StepView.__name__ = StepView.__qualname__ = f"Objection{name.title().replace('_', '')}View"
    return StepView


STEP_VIEWS = [
    (
        "repair/",
        _step_view(
            "repair",
            "request_repair",
            s.RepairSerializer,
            services.request_repair,
            "Hersteltermijn geven",
            "Awb 6:6 (ook de termijn voor de gronden van een pro-formabezwaar); schort de beslistermijn op.",
        ),
    ),
    (
        "repair-end/",
        _step_view(
            "repair_end",
            "end_repair",
            s.EndRepairSerializer,
            services.end_repair,
            "Hersteltermijn afsluiten",
            "Hersteld op `on` (met de gronden bij een pro forma), of ongebruikt verstreken (pas na de laatste dag).",
        ),
    ),
    (
        "hearing/",
        _step_view(
            "hearing",
            "plan_hearing",
            s.HearingSerializer,
            services.plan_hearing,
            "Hoorzitting plannen",
            "Awb 7:2. `invited`: CBS-codes van gemeenten uit dezelfde verdeling; de indiener wordt altijd uitgenodigd.",
        ),
    ),
    (
        "hearing-held/",
        _step_view(
            "hearing_held", "record_hearing", s.HeldSerializer, services.record_hearing, "Hoorzitting vastleggen", ""
        ),
    ),
    (
        "hearing-waiver/",
        _step_view(
            "hearing_waiver",
            "waive_hearing",
            s.WaiverSerializer,
            services.waive_hearing,
            "Afzien van horen",
            "Alleen op een grond van Awb 7:3 (a–e), met toelichting.",
        ),
    ),
    (
        "postponement/",
        _step_view(
            "postponement",
            "postpone",
            s.PostponeSerializer,
            services.postpone,
            "Beslistermijn verdagen",
            "Awb 7:10 lid 3: één keer, ten hoogste zes weken, zolang de termijn loopt; een tweede keer is 409.",
        ),
    ),
    (
        "committee/",
        _step_view(
            "committee",
            "set_committee",
            s.CommitteeSerializer,
            services.set_committee,
            "Adviescommissie",
            "Awb 7:13: de beslistermijn is twaalf weken.",
        ),
    ),
    (
        "timeliness/",
        _step_view(
            "timeliness",
            "override_timeliness",
            s.TimelinessSerializer,
            services.override_timeliness,
            "Tijdigheid vaststellen",
            "Awb 6:11: een verschoonbare termijnoverschrijding (of een correctie), met reden.",
        ),
    ),
    (
        "outcome/",
        _step_view(
            "outcome",
            "decide",
            s.OutcomeSerializer,
            outcome.decide,
            "Uitkomst vastleggen",
            "Op de inhoud alleen na horen of afzien daarvan, en voor een tijdig bezwaar met gronden. Een tweede "
            "uitkomst op een afgehandeld bezwaar is 409.",
        ),
    ),
    (
        "approval/",
        _step_view(
            "approval",
            "approve_decision",
            None,
            outcome.approve_decision,
            "Beslissing op bezwaar goedkeuren",
            "Vier ogen: een (deels) gegronde uitkomst met extra geld, voorbereid met `outcome/`, wordt goedgekeurd "
            "door een andere beheerder; de extra toekenning wordt een nieuwe betaaltermijn. Eigen voorbereiding "
            "goedkeuren is 403 (vier ogen), niets ter goedkeuring 409.",
        ),
    ),
    (
        "withdrawal/",
        _step_view(
            "withdrawal", "withdraw", None, services.withdraw, "Bezwaar intrekken", "Door de indiener of een beheerder."
        ),
    ),
]


class ObjectionsRegisterView(APIView):
    permission_classes = [AdministratorsOnly]

    @extend_schema(
        tags=TAGS,
        parameters=[
            OpenApiParameter(
                "export_format",
                str,
                OpenApiParameter.PATH,
                enum=[str(f) for f in register.REGISTER_FORMATS],
                description="csv (komma, decimale punt), csv_nl (puntkomma, decimale komma) of xlsx",
            ),
            OpenApiParameter(
                "year", int, OpenApiParameter.QUERY, required=False, description="Jaar van ontvangst; leeg: alle jaren."
            ),
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="Het bezwarenregister als CSV."),
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiResponse(
                OpenApiTypes.BINARY, description="Het bezwarenregister als XLSX."
            ),
            400: INVALID,
            403: FORBIDDEN,
            404: OpenApiResponse(description="Onbekend formaat."),
        },
        summary="Bezwarenregister voor het jaarverslag",
        operation_id="objections_register",
        description=(
            "Per bezwaar het zaaknummer, het beschikkingsnummer, de gemeente en haar CBS-code, het kanaal, de "
            "ontvangstdatum en poststempel, de tijdigheid, de hoorzitting of de grond om niet te horen, de "
            "adviescommissie, de verdaging, de beslisdatum, de uitkomst, de doorlooptijd in kalenderdagen en het "
            "extra toegekende bedrag. Alleen voor beheerders; elke download komt in de audittrail."
        ),
    )
    def get(self, request, export_format: str):
        year = serializers.IntegerField(min_value=2000, max_value=2100, required=False, allow_null=True)
        raw = request.query_params.get("year") or None
        try:
            value = year.run_validation(raw) if raw is not None else None
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"year": exc.detail}) from exc
        return register.export_register(by=request.user, fmt=export_format, year=value).response()


urlpatterns = [
    path("objections/", ObjectionsView.as_view(), name="api-objections"),
    path("objections/register/<str:export_format>/", ObjectionsRegisterView.as_view(), name="api-objections-register"),
    path("objections/<int:pk>/", ObjectionDetailView.as_view(), name="api-objection-detail"),
    path("objections/<int:pk>/letters/", ObjectionLettersView.as_view(), name="api-objection-letters"),
    path(
        "objections/<int:pk>/letters/<int:letter_pk>/pdf/",
        ObjectionLetterPdfView.as_view(),
        name="api-objection-letter-pdf",
    ),
    *[
        path(f"objections/<int:pk>/{suffix}", view.as_view(), name=f"api-objection-{suffix.rstrip('/')}")
        for suffix, view in STEP_VIEWS
    ],
]
