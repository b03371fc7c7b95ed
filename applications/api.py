"""API for applications (DESIGN.md §10; schemes and calls are in config_api.py). Thin: parse, call a
service or selector, render. State changes go through applications.services, which check the same rules
as the pages."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts.api_errors import Nested, ServiceErrorsMixin
from accounts.api_permissions import READ_METHODS, AdministratorsOnly, OfficersOnly, PortalAccess
from accounts.downloads import private_file
from applications import attachments, documents, selectors, services
from applications.config_api import CallViewSet, SchemeViewSet
from applications.models import ATTACHMENT_CONTENT_TYPES, Application, Status
from applications.serializers import (
    ApplicationCreateSerializer,
    ApplicationListItemSerializer,
    ApplicationSerializer,
    ApplicationUpdateSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    InformationRequestInputSerializer,
    TimelineEntrySerializer,
    WithdrawSerializer,
)
from applications.visibility import STATUS_CHOICES, filter_by_shown_status

BUDGET_LINES = Nested("lines", "budget_lines", numbered=True)  # lines.1.amount -> budget_lines: {1: {amount}}

ERRORS = (
    'Fouten: 400 met `{"veld": ["melding"]}` (meldingen in de taal van `Accept-Language`, standaard '
    "Nederlands; `non_field_errors` voor de aanvraag als geheel), 404 voor een aanvraag buiten uw "
    "organisatie, 403 voor een rol die deze handeling niet mag doen, 409 als de huidige status de handeling "
    "niet toelaat."
)
BUDGET_ERRORS = (
    "Fouten in `budget_lines` komen terug per regel, onder het volgnummer (vanaf 0) van de regel zoals "
    'verstuurd: `{"budget_lines": {"1": {"amount": ["Het bedrag moet groter zijn dan nul."]}}}`.'
)


# --- Applications ----------------------------------------------------------------------------------

APPLICATION_FILTERS = [
    OpenApiParameter(
        "status",
        str,
        enum=[value for value, _label in STATUS_CHOICES],
        description="Alleen aanvragen met deze status, zoals u die ziet (`decision_pending` voor een genomen "
        "besluit waarvan de beschikking nog niet is verzonden).",
    ),
    OpenApiParameter("call", int, description="Alleen aanvragen in deze aanvraagronde (id)."),
]
ATTACHMENT_ID = OpenApiParameter("attachment_id", int, OpenApiParameter.PATH, description="Id van de bijlage.")
PDF_RESPONSE = {(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF-bestand.")}
ATTACHMENT_RESPONSE = {
    (200, content_type): OpenApiResponse(OpenApiTypes.BINARY, description="Het bestand zoals toegevoegd.")
    for content_type in ATTACHMENT_CONTENT_TYPES.values()
}
TAGS = ["aanvragen"]


def _transition_schema(summary: str, description: str, request=None):
    return extend_schema(
        summary=summary,
        description=f"{description} {ERRORS}",
        tags=TAGS,
        request=request,
        responses={200: ApplicationSerializer},
    )


@extend_schema_view(
    list=extend_schema(
        summary="Aanvragen",
        tags=TAGS,
        parameters=APPLICATION_FILTERS,
        description="Een gemeente ziet haar eigen aanvragen, een beheerder alle ingediende. "
        "`available_actions` noemt de stappen die u nu mag zetten (de URL is de naam met een "
        "streepje: `request_information` → `request-information/`).",
    ),
    retrieve=extend_schema(summary="Eén aanvraag", tags=TAGS, description=ERRORS),
    create=extend_schema(
        summary="Aanvraag starten (gemeenten)",
        tags=TAGS,
        request=ApplicationCreateSerializer,
        responses={201: ApplicationSerializer},
        description="Maakt een concept voor uw gemeente; de overige velden en `budget_lines` mogen meteen "
        f"mee. Is iets daarvan ongeldig, dan wordt er niets aangemaakt. {BUDGET_ERRORS} {ERRORS}",
    ),
    update=extend_schema(
        summary="Aanvraag wijzigen (gemeenten)",
        tags=TAGS,
        request=ApplicationUpdateSerializer,
        responses=ApplicationSerializer,
        description="Alleen een concept of een aanvraag waarvoor aanvulling is gevraagd. Alleen de "
        "meegestuurde velden veranderen; `budget_lines` vervangt de hele begroting. Met "
        "`revision` krijgt u 409 als iemand anders de aanvraag intussen wijzigde. "
        f"{BUDGET_ERRORS} {ERRORS}",
    ),
    partial_update=extend_schema(
        summary="Aanvraag deels wijzigen (gemeenten)",
        tags=TAGS,
        request=ApplicationUpdateSerializer,
        responses=ApplicationSerializer,
        description=f"Zoals PUT. {BUDGET_ERRORS} {ERRORS}",
    ),
    destroy=extend_schema(
        summary="Concept verwijderen (gemeenten)",
        tags=TAGS,
        description=f"Alleen een concept; een ingediende aanvraag trekt u in (409). {ERRORS}",
        responses={204: None},
    ),
)
class ApplicationViewSet(ServiceErrorsMixin, viewsets.ModelViewSet):
    serializer_class = ApplicationSerializer
    nested_errors = (BUDGET_LINES,)
    # Officers write their municipality's applications; administrators take the ministry's steps.
    officer_actions = ("create", "update", "partial_update", "destroy", "submit", "withdraw")
    administrator_actions = ("request_information", "start_review")

    def get_permissions(self):
        if self.action in self.officer_actions or (
            self.action in ("attachments", "attachment") and self.request.method not in READ_METHODS
        ):
            return [OfficersOnly()]
        if self.action in self.administrator_actions:
            return [AdministratorsOnly()]
        return [PortalAccess()]

    def get_serializer_class(self):
        return ApplicationListItemSerializer if self.action == "list" else super().get_serializer_class()

    def perform_content_negotiation(self, request, force=False):
        # A download may be asked for with ``Accept: application/pdf``; its errors are still JSON.
        force = force or self.action in ("attachment", "pdf")
        return super().perform_content_negotiation(request, force=force)

    def get_queryset(self):
        queryset = selectors.applications_for(self.request.user)
        if self.action == "list":
            queryset = selectors.application_list_rows(self._filtered(queryset))
        if self.action in ("retrieve", "pdf"):
            queryset = selectors.application_with_parts(queryset)
        return queryset.order_by("-created_at", "-pk")

    def _filtered(self, queryset):
        params = self.request.query_params
        errors = {}
        if params.get("status"):
            if params["status"] not in {value for value, _label in STATUS_CHOICES}:
                errors["status"] = [_("Onbekende status: %(status)s.") % {"status": params["status"]}]
            queryset = filter_by_shown_status(queryset, params["status"], self.request.user)
        if params.get("call"):
            if not (params["call"].isdigit() and int(params["call"]) < 2**63):
                errors["call"] = [_("Geef het id van een aanvraagronde.")]
            else:
                queryset = queryset.filter(call_id=int(params["call"]))
        if errors:
            raise serializers.ValidationError(errors)
        return queryset

    def _represent(self, application: Application, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.application_with_parts(selectors.applications_for(self.request.user)).get(pk=application.pk)
        return Response(ApplicationSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def _save_content(self, application: Application, data: dict, *, revision: int | None = None) -> Application:
        """Content and budget through ``services.save_content``: errors of both come back together (a 400
        shaped by ``BUDGET_LINES``) and nothing is saved. The caller holds the transaction."""
        lines = data.pop("budget_lines", None)
        payload = None
        if lines is not None:
            payload = [
                {
                    "theme": line["theme_id"],
                    "year": line["year"],
                    "amount": line["amount"],
                    "description": line.get("description", ""),
                }
                for line in lines
            ]
        return services.save_content(
            application=application, by=self.request.user, data=data, lines=payload, expected_revision=revision
        )

    def create(self, request, *args, **kwargs):
        context = {**self.get_serializer_context(), "calls": selectors.calls_for(request.user)}
        serializer = ApplicationCreateSerializer(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        call, title, area_name = data.pop("call"), data.pop("title"), data.pop("area_name", "")
        with transaction.atomic():
            application = services.start_application(call=call, by=request.user, title=title, area_name=area_name)
            application = self._save_content(application, data)
        return self._represent(application, status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        application = self.get_object()
        serializer = ApplicationUpdateSerializer(
            data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        revision = data.pop("revision", None)
        with transaction.atomic():
            application = self._save_content(application, data, revision=revision)
        return self._represent(application)

    def perform_destroy(self, instance: Application) -> None:
        services.delete_draft(application=instance, by=self.request.user)

    # --- transitions -----------------------------------------------------------------------------

    @_transition_schema(
        "Aanvraag indienen (gemeenten)",
        "Alleen binnen de openingstijd van de ronde en als de aanvraag compleet is (400 met "
        "per veld wat ontbreekt). Een tweede keer indienen geeft 409.",
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        application = services.submit_application(application=self.get_object(), by=request.user)
        return self._represent(application)

    @_transition_schema(
        "Aanvraag intrekken (gemeenten)",
        "Uit concept, ingediend of aanvulling gevraagd; met een optionele reden.",
        request=WithdrawSerializer,
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = services.withdraw_application(
            application=self.get_object(), by=request.user, reason=serializer.validated_data.get("reason", "")
        )
        return self._represent(application)

    @_transition_schema(
        "Om aanvulling vragen (beheerders)",
        "Bij een ingediende aanvraag of een aanvraag in beoordeling (de beoordelingen wachten dan); de "
        "gemeente krijgt een e-mail met de uiterste datum en kan de aanvraag weer wijzigen en opnieuw indienen. "
        "Was de aanvraag in beoordeling, dan gaat ze na de aanvulling terug in beoordeling.",
        request=InformationRequestInputSerializer,
    )
    @action(detail=True, methods=["post"], url_path="request-information")
    def request_information(self, request, pk=None):
        serializer = InformationRequestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = self.get_object()
        services.request_information(
            application=application,
            by=request.user,
            message=serializer.validated_data["message"],
            reply_by=serializer.validated_data.get("reply_by"),
        )
        return self._represent(application)

    @_transition_schema("In beoordeling nemen (beheerders)", "Bij een ingediende aanvraag.")
    @action(detail=True, methods=["post"], url_path="start-review")
    def start_review(self, request, pk=None):
        application = services.start_review(application=self.get_object(), by=request.user)
        return self._represent(application)

    # --- attachments, history and PDF ------------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        summary="Bijlagen van een aanvraag",
        tags=TAGS,
        responses=AttachmentSerializer(many=True),
        description=ERRORS,
    )
    @extend_schema(
        methods=["POST"],
        summary="Bijlage toevoegen (gemeenten)",
        tags=TAGS,
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer},
        description="Multipart met `file` en optioneel `requirement` (id van een verplichte bijlage van de "
        "ronde). Het formaat wordt aan de inhoud herkend; een geweigerd bestand geeft 400 met de "
        f"reden in `file`. {ERRORS}",
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request, pk=None):
        application = self.get_object()
        if request.method == "POST":
            serializer = AttachmentUploadSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            attachment = attachments.add_attachment(
                application=application,
                by=request.user,
                upload=serializer.validated_data.get("file"),
                requirement=serializer.validated_data.get("requirement"),
            )
            return Response(
                AttachmentSerializer(attachment, context=self.get_serializer_context()).data,
                status=status.HTTP_201_CREATED,
            )
        page = self.paginate_queryset(
            application.attachments.select_related("requirement").order_by("requirement__order", "uploaded_at", "pk")
        )
        return self.get_paginated_response(
            AttachmentSerializer(page, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(
        methods=["GET"],
        summary="Bijlage downloaden",
        tags=TAGS,
        parameters=[ATTACHMENT_ID],
        responses=ATTACHMENT_RESPONSE,
        description=ERRORS,
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Bijlage verwijderen (gemeenten)",
        tags=TAGS,
        parameters=[ATTACHMENT_ID],
        responses={204: None},
        description=f"Alleen zolang de aanvraag gewijzigd mag worden (anders 409). {ERRORS}",
    )
    @action(
        detail=True, methods=["get", "delete"], url_path=r"attachments/(?P<attachment_id>[0-9]+)", url_name="attachment"
    )
    def attachment(self, request, pk=None, attachment_id=None):
        application = self.get_object()
        attachment = application.attachments.filter(pk=attachment_id).first()
        if attachment is None:
            raise Http404
        if request.method == "DELETE":
            attachments.remove_attachment(attachment=attachment, by=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        return private_file(
            attachment.file.open("rb"), filename=attachment.original_name, content_type=attachment.content_type
        )

    @extend_schema(
        summary="Geschiedenis van een aanvraag",
        tags=TAGS,
        responses=TimelineEntrySerializer(many=True),
        description="Uit het auditlog, oudste eerst. Gemeenten zien het ministerie als "
        f"organisatie, zonder namen van medewerkers. {ERRORS}",
    )
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        entries = selectors.timeline(self.get_object(), viewer=request.user)
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(TimelineEntrySerializer(page, many=True).data)

    @extend_schema(
        summary="PDF van de aanvraag",
        tags=TAGS,
        responses=PDF_RESPONSE,
        description="De bewaarde kopie van de laatste indiening; voor een concept (of zolang de "
        f"kopie nog wordt gemaakt) een actuele weergave. {ERRORS}",
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        application = self.get_object()
        filename = f"{application.reference}.pdf"
        stored = next(iter(application.documents.all()), None) if application.status != Status.DRAFT else None
        if stored is not None:
            try:
                return private_file(stored.file.open("rb"), filename=filename, content_type="application/pdf")
            except OSError:
                pass  # the stored copy is missing: render it again below
        content = documents.render_application_pdf(application)
        return private_file(content, filename=filename, content_type="application/pdf")


def register(router) -> None:
    router.register("schemes", SchemeViewSet, basename="scheme")
    router.register("calls", CallViewSet, basename="call")
    router.register("applications", ApplicationViewSet, basename="application")
