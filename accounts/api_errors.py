"""API errors as DESIGN.md §10 promises: 400 with field errors, 404 outside the caller's organisation,
403 for a role that may not use an endpoint, 409 for a transition the current state forbids (``TransitionNotAllowed``,
with its details)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from accounts.workflow import TransitionNotAllowed

CONFLICT = OpenApiResponse(description="De huidige status laat dit niet toe.")


@dataclass(frozen=True)
class Nested:
    """Dotted service keys ``<prefix>.<id>.<field>`` shown nested, the way DRF reports a nested list:
    ``{under: {id: {field: [...]}}}``."""

    prefix: str
    under: str
    numbered: bool = False  # ids are list positions: digits only, keyed as numbers
    lone_field: str | None = None  # the field a two-part key ``<prefix>.<id>`` stands for (None: not nested)


def api_errors(exc: DjangoValidationError, *nested: Nested) -> dict:
    """A service's (or model's) ValidationError as the body of an API 400: the whole-request key as
    ``non_field_errors``, dotted keys nested as ``nested`` says, every other key as it is."""
    if not hasattr(exc, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: list(exc.messages)}
    rules = {n.prefix: n for n in nested}
    errors: dict = {}
    for key, messages in exc.message_dict.items():
        parts = key.split(".")
        rule = rules.get(parts[0]) if len(parts) in (2, 3) else None
        if rule is not None and len(parts) == 2 and rule.lone_field is None:
            rule = None
        if rule is not None and rule.numbered and not parts[1].isdigit():
            rule = None
        if rule is not None:
            index = int(parts[1]) if rule.numbered else parts[1]
            field = parts[2] if len(parts) == 3 else rule.lone_field
            errors.setdefault(rule.under, {}).setdefault(index, {}).setdefault(field, []).extend(messages)
        elif key == "__all__":
            errors.setdefault(api_settings.NON_FIELD_ERRORS_KEY, []).extend(messages)
        else:
            errors.setdefault(key, []).extend(messages)
    return errors


class ServiceErrorsMixin:
    """For viewsets: a service's ValidationError becomes a 400 shaped by ``api_errors`` with the view's
    ``nested_errors`` (``exception_handler`` below does the rest)."""

    nested_errors: tuple[Nested, ...] = ()

    def handle_exception(self, exc):
        if isinstance(exc, DjangoValidationError) and hasattr(exc, "error_dict"):
            exc = serializers.ValidationError(api_errors(exc, *self.nested_errors))
        return super().handle_exception(exc)  # type: ignore[misc]


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = as_serializer_error(exc)
        if "__all__" in detail:
            detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop("__all__")
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, TransitionNotAllowed):
        # Built here rather than as an APIException, whose details would all become strings.
        set_rollback()
        return Response({"detail": str(exc), **exc.details}, status=exc.status_code)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()  # Django's message names the model in English; this one is translated
    return drf_exception_handler(exc, context)
