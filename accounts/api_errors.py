"""API errors as DESIGN.md §10 promises: 400 with field errors, 404 outside the caller's organisation,
403 for a role that may not use an endpoint, 409 for a transition the current state forbids."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from accounts.workflow import TransitionNotAllowed


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = as_serializer_error(exc)
        if "__all__" in detail:
            detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop("__all__")
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, TransitionNotAllowed):
        exc = Conflict(detail=str(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()  # Django's message names the model in English; this one is translated
    return drf_exception_handler(exc, context)
