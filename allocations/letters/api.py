"""API for award letters: per run (ministry), per application (the municipality the versions sent to it),
the PDF; preparing a run's letters with their send date and sending them, and a call's letter texts
(administrators).

Thin: the same selectors and services as the pages, so the rules and the audit are the same. Errors as
DESIGN.md §10: 400 with field errors, 403 for another role, 404 for an unknown run or call, 409 when the
batch's state (or the day) forbids the step.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_permissions import AdministratorsOnly, MinistryOnly, PortalAccess
from accounts.downloads import private_file
from accounts.permissions import require
from allocations.letters import batches, deadlines, selectors, services
from allocations.letters.models import LetterBatch
from allocations.letters.permissions import can_view_application_letters
from allocations.letters.serializers import BatchSerializer, LetterSerializer, LetterTextSerializer, PrepareSerializer
from allocations.runs.models import AllocationRun
from applications.models import Application, Call


class RunLettersView(APIView):
    permission_classes = [MinistryOnly]

    @extend_schema(
        responses={200: LetterSerializer(many=True)},
        description="De actuele brieven van een verdeling (alleen ministerie). 403 voor een gemeente.",
    )
    def get(self, request, pk: int):
        run = get_object_or_404(AllocationRun, pk=pk)
        letters = selectors.current_letters(run=run)
        return Response(LetterSerializer(letters, many=True, context={"request": request}).data)


class ApplicationLettersView(APIView):
    permission_classes = [PortalAccess]

    @extend_schema(
        responses={200: LetterSerializer(many=True)},
        description=(
            "De versies van de brief bij een aanvraag, nieuwste eerst. Het ministerie ziet elke versie; de "
            "gemeente alleen de versie die haar is verzonden (niets zolang de beschikking niet is verzonden). 404 "
            "voor een aanvraag buiten uw organisatie."
        ),
    )
    def get(self, request, pk: int):
        application = get_object_or_404(Application, pk=pk)
        require(can_view_application_letters.test(request.user, application), not_found=True)
        letters = selectors.letters_of_application(application, viewer=request.user)
        return Response(LetterSerializer(letters, many=True, context={"request": request}).data)


class LetterDetailView(APIView):
    permission_classes = [PortalAccess]

    @extend_schema(responses={200: LetterSerializer}, description="De gegevens van één brief.")
    def get(self, request, pk: int):
        letter = selectors.visible_letter(pk, viewer=request.user)
        return Response(LetterSerializer(letter, context={"request": request}).data)


class LetterPdfView(APIView):
    permission_classes = [PortalAccess]

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="De brief als PDF/A-2A.")
        },
        description="De brief als PDF; elke download komt in de audittrail.",
    )
    def get(self, request, pk: int):
        letter = selectors.visible_letter(pk, viewer=request.user)
        try:
            handle = services.open_letter(letter=letter, by=request.user, via="api")
        except FileNotFoundError as exc:
            raise Http404 from exc
        return private_file(
            handle, filename=f"{letter.decision.number}-v{letter.version}.pdf", content_type="application/pdf"
        )


# --- Preparing and sending a run's letters; a call's letter texts (administrators) ---------------------------
TAGS = ["beschikkingen"]
FORBIDDEN = OpenApiResponse(description="Uw rol mag dit niet (alleen beheerders van het ministerie).")
RUN_NOT_FOUND = OpenApiResponse(description="Onbekende verdeling.")
CALL_NOT_FOUND = OpenApiResponse(description="Onbekende aanvraagronde.")


def _batch_data(run: AllocationRun, batch: LetterBatch | None = None) -> dict:
    batch = batch or batches.batch_of(run)
    batch.objection_last_day = deadlines.objection_last_day(batch.send_on) if batch.send_on else None
    batch.progress = selectors.batch_progress(run).as_dict()
    batch.send_refusal = batches.send_refusal(run, batch)
    return BatchSerializer(batch).data


class _RunLettersView(APIView):
    permission_classes = [AdministratorsOnly]

    def run(self, pk: int) -> AllocationRun:
        return get_object_or_404(AllocationRun.objects.select_related("call"), pk=pk)


class BatchView(_RunLettersView):
    @extend_schema(
        tags=TAGS,
        responses={200: BatchSerializer, 403: FORBIDDEN, 404: RUN_NOT_FOUND},
        summary="De verzending van de brieven van een verdeling",
        description="Status (`new` zolang de brieven niet zijn voorbereid), verzenddatum, voortgang van het "
        "maken en, in `send_refusal`, waarom de batch nu niet als verzonden kan worden gemarkeerd.",
    )
    def get(self, request, pk: int):
        return Response(_batch_data(self.run(pk)))


class PrepareView(_RunLettersView):
    @extend_schema(
        tags=TAGS,
        request=PrepareSerializer,
        responses={
            200: OpenApiResponse(BatchSerializer, description="Alle brieven zijn gemaakt met deze datum."),
            202: OpenApiResponse(BatchSerializer, description="De brieven worden gemaakt; volg `progress`."),
            400: OpenApiResponse(description="`send_on` ontbreekt, ligt in het verleden of is geen werkdag."),
            403: FORBIDDEN,
            404: RUN_NOT_FOUND,
            409: OpenApiResponse(
                description="De verdeling is niet definitief, de brieven zijn al verzonden, of de brieven van "
                "een andere datum worden nog gemaakt."
            ),
        },
        summary="De brieven van een definitieve verdeling voorbereiden met hun verzenddatum",
        description="Maakt één brief per besluit, gedateerd op `send_on`: de dag van verzending, waarvan ook de "
        "bezwaartermijn telt. Een andere datum (voor verzending) maakt de brieven opnieuw met die datum; de "
        "oude versies worden vervangen. Dezelfde datum nog eens verandert niets.",
    )
    def post(self, request, pk: int):
        run = self.run(pk)
        serializer = PrepareSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        batch = batches.prepare_letters(run=run, send_on=serializer.validated_data["send_on"], by=request.user)
        data = _batch_data(run, batch)
        made = data["progress"]["finished"] and not data["progress"]["failed"]
        return Response(data, status=status.HTTP_200_OK if made else status.HTTP_202_ACCEPTED)


class SendView(_RunLettersView):
    @extend_schema(
        tags=TAGS,
        request=None,
        responses={
            200: BatchSerializer,
            403: FORBIDDEN,
            404: RUN_NOT_FOUND,
            409: OpenApiResponse(
                description="Niet voorbereid, nog niet alle brieven gemaakt, of vandaag is niet de dag waarop de "
                "brieven zijn gedateerd (wijzig eerst de datum); de melding zegt welke."
            ),
        },
        summary="De batch als verzonden markeren",
        description="Alleen op de verzenddatum en als alle brieven met die datum zijn gemaakt. De aanvragen "
        "krijgen de status ‘Beschikking verzonden’, de gemeenten een e-mail. Nog eens verzenden verandert niets.",
    )
    def post(self, request, pk: int):
        run = self.run(pk)
        batches.mark_batch_sent(run=run, by=request.user)
        return Response(_batch_data(run))


class LetterTextsView(APIView):
    permission_classes = [AdministratorsOnly]

    def call(self, pk: int) -> Call:
        return get_object_or_404(Call.objects.all(), pk=pk)

    @extend_schema(
        tags=TAGS,
        responses={200: LetterTextSerializer, 403: FORBIDDEN, 404: CALL_NOT_FOUND},
        summary="De teksten van de beschikkingen van een ronde (nieuwste versie)",
    )
    def get(self, request, pk: int):
        return Response(LetterTextSerializer(services.texts_for(self.call(pk))).data)

    @extend_schema(
        tags=TAGS,
        request=LetterTextSerializer,
        responses={
            200: LetterTextSerializer,
            400: OpenApiResponse(description="Een tekst is te lang of ongeldig."),
            403: FORBIDDEN,
            404: CALL_NOT_FOUND,
        },
        summary="De teksten van de beschikkingen wijzigen",
        description="Slaat een nieuwe versie op; eerdere versies blijven, want brieven verwijzen ernaar. Velden "
        "die u weglaat houden hun tekst. Een verzonden brief verandert niet: nieuwe teksten gelden voor brieven "
        "die nog worden gemaakt.",
    )
    def put(self, request, pk: int):
        call = self.call(pk)
        serializer = LetterTextSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        texts = services.save_letter_texts(call=call, by=request.user, data=dict(serializer.validated_data))
        return Response(LetterTextSerializer(texts).data)


urlpatterns = [
    path("allocation-runs/<int:pk>/letters/", RunLettersView.as_view(), name="api-run-letters"),
    path("allocation-runs/<int:pk>/letters/batch/", BatchView.as_view(), name="api-run-letters-batch"),
    path("allocation-runs/<int:pk>/letters/prepare/", PrepareView.as_view(), name="api-run-letters-prepare"),
    path("allocation-runs/<int:pk>/letters/send/", SendView.as_view(), name="api-run-letters-send"),
    path("applications/<int:pk>/letters/", ApplicationLettersView.as_view(), name="api-application-letters"),
    path("letters/<int:pk>/", LetterDetailView.as_view(), name="api-letter-detail"),
    path("letters/<int:pk>/pdf/", LetterPdfView.as_view(), name="api-letter-pdf"),
    path("calls/<int:pk>/letter-texts/", LetterTextsView.as_view(), name="api-call-letter-texts"),
]
