"""API for award letters: per run (ministry), per application (the municipality once sent), and the PDF.

Thin: the same selectors and services as the pages, so the rules and the audit are the same.
"""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.response import Response

from accounts.api_permissions import PortalAccess, roles_permission
from accounts.models import Role
from accounts.permissions import is_ministry, require
from allocations.letters import selectors, services
from allocations.letters.models import Letter
from allocations.letters.permissions import can_view_application_letters, can_view_letter
from allocations.letters.serializers import LetterSerializer
from allocations.runs.models import AllocationRun
from applications.models import Application

MinistryOnly = roles_permission(Role.REVIEWER, Role.ADMINISTRATOR)


@extend_schema(
    responses={200: LetterSerializer(many=True)},
    description="De actuele brieven van een verdeling (alleen ministerie). 403 voor een gemeente.",
)
@api_view(["GET"])
@permission_classes([MinistryOnly])
def run_letters(request, pk: int):
    run = get_object_or_404(AllocationRun, pk=pk)
    letters = selectors.current_letters(run=run)
    return Response(LetterSerializer(letters, many=True, context={"request": request}).data)


@extend_schema(
    responses={200: LetterSerializer(many=True)},
    description=(
        "Alle versies van de brief bij een aanvraag, nieuwste eerst. De gemeente ziet ze zodra de beschikking "
        "is verzonden; 404 voor een aanvraag buiten uw organisatie."
    ),
)
@api_view(["GET"])
@permission_classes([PortalAccess])
def application_letters(request, pk: int):
    application = get_object_or_404(Application, pk=pk)
    require(can_view_application_letters.test(request.user, application), not_found=True)
    letters = selectors.letters_of_application(application)
    if not is_ministry(request.user):
        letters = letters.filter(decision__sent_at__isnull=False)
    return Response(LetterSerializer(letters, many=True, context={"request": request}).data)


def _visible_letter(request, pk: int) -> Letter:
    letter = get_object_or_404(
        Letter.objects.select_related("decision__application__municipality", "decision__run"), pk=pk
    )
    require(can_view_letter.test(request.user, letter), not_found=True)
    return letter


@extend_schema(responses={200: LetterSerializer}, description="De gegevens van één brief.")
@api_view(["GET"])
@permission_classes([PortalAccess])
def letter_detail(request, pk: int):
    return Response(LetterSerializer(_visible_letter(request, pk), context={"request": request}).data)


@extend_schema(
    responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="De brief als PDF/A-2A.")},
    description="De brief als PDF; elke download komt in de audittrail.",
)
@api_view(["GET"])
@permission_classes([PortalAccess])
def letter_pdf(request, pk: int):
    letter = _visible_letter(request, pk)
    try:
        handle = services.open_letter(letter=letter, by=request.user, via="api")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{letter.decision.number}-v{letter.version}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
