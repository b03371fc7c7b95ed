"""Request bodies the API accepts: JSON, forms and multipart, parsed so that bad input is a 400.

A body that does not parse, nests deeper than any of our resources, or carries a NUL character
(PostgreSQL cannot store one in text, so it would fail deep inside a query) is refused before a serializer
sees it, with a message in the request's language.
"""

from __future__ import annotations

import codecs
import json

from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers
from rest_framework.settings import api_settings

# No resource of the API nests deeper than a few levels; anything far beyond is an attack or a mistake.
MAX_DEPTH = 32


def nul_message() -> str:
    return _("Tekst mag geen NUL-teken (\\u0000) bevatten.")


def _field_of(key) -> str:
    return key if isinstance(key, str) and "\x00" not in key else api_settings.NON_FIELD_ERRORS_KEY


def check_values(data) -> None:
    """Refuse NUL characters in any key or string and nesting beyond MAX_DEPTH, without recursion."""
    if isinstance(data, dict):
        roots = [(_field_of(key), key, value) for key, value in data.items()]
    else:
        roots = [(api_settings.NON_FIELD_ERRORS_KEY, "", data)]
    errors: dict[str, list[str]] = {}
    for field, key, value in roots:
        if isinstance(key, str) and "\x00" in key:
            errors.setdefault(field, [nul_message()])
            continue
        stack = [(value, 1)]
        while stack:
            item, depth = stack.pop()
            if depth > MAX_DEPTH:
                raise exceptions.ParseError(
                    _("De JSON in het verzoek is te diep genest (meer dan %(max)s niveaus).") % {"max": MAX_DEPTH}
                )
            if isinstance(item, str):
                if "\x00" in item:
                    errors.setdefault(field, [nul_message()])
            elif isinstance(item, dict):
                for inner_key, inner in item.items():
                    if "\x00" in inner_key:
                        errors.setdefault(field, [nul_message()])
                    stack.append((inner, depth + 1))
            elif isinstance(item, list):
                stack.extend((inner, depth + 1) for inner in item)
    if errors:
        raise exceptions.ValidationError(errors)


class PortalJSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        try:
            data = json.load(codecs.getreader(encoding)(stream), parse_constant=_refuse_constant)
        except RecursionError as exc:
            raise exceptions.ParseError(
                _("De JSON in het verzoek is te diep genest (meer dan %(max)s niveaus).") % {"max": MAX_DEPTH}
            ) from exc
        except json.JSONDecodeError as exc:
            raise exceptions.ParseError(
                _("De inhoud van het verzoek is geen geldige JSON (regel %(line)s, kolom %(column)s).")
                % {"line": exc.lineno, "column": exc.colno}
            ) from exc
        except ValueError as exc:  # a character set that does not decode, NaN or Infinity
            raise exceptions.ParseError(_("De inhoud van het verzoek is geen geldige JSON.")) from exc
        check_values(data)
        return data


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


class PortalFormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        check_values(_plain(data))
        return data


class PortalMultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            result = super().parse(stream, media_type, parser_context)
        except exceptions.ParseError as exc:
            raise exceptions.ParseError(_("Het formulier in het verzoek kon niet worden gelezen.")) from exc
        check_values(_plain(result.data))
        return result


def _plain(data: QueryDict) -> dict:
    return {key: data.getlist(key) for key in data}
