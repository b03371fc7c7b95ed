"""Make the OpenAPI schema say which error answers an operation can give, with their shape.

Every error of the API has one of two shapes (accounts/api_errors.py): ``{"detail": "..."}`` for 401, 403,
404, 405, 409, 413, 415 and 429, and ``{"field": ["message", ...]}`` for 400 (nested for budget lines).
Which codes an operation can give follows from what it is: every operation needs a login (401) and a
role (403); one with an id in its path can miss (404); one that takes input or query parameters can
refuse it (400); one that changes something can meet a state that forbids it (409). A public operation (anyone
may call it: the published rules) has no role to miss, so no 403."""

from __future__ import annotations

import re

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "additionalProperties": True,
}
FIELD_ERRORS = {
    "type": "object",
    "description": "Per veld een lijst met meldingen; `non_field_errors` voor het geheel. Bij geneste "
    "velden (begrotingsregels) een lijst of object per regel.",
    "additionalProperties": True,
}
ANSWERS = {
    "400": ("Ongeldige invoer; er is niets gewijzigd.", "FieldErrors"),
    "401": ("Niet ingelogd of ongeldige sleutel.", "Error"),
    "403": ("Uw rol mag dit niet.", "Error"),
    "404": ("Niet gevonden, of niet van uw organisatie.", "Error"),
    "409": ("Niet toegestaan in de huidige status, of tegelijk gewijzigd.", "Error"),
    "413": ("Het verzoek is te groot.", "Error"),
    "415": ("Niet-ondersteund formaat van het verzoek.", "Error"),
    "429": ("Te veel verzoeken; probeer het later opnieuw.", "Error"),
}
WRITES = {"post", "put", "patch", "delete"}
# drf-spectacular's pattern for a decimal, ``^-?\d{0,W}(?:\.\d{0,D})?$``, also matches "", "-" and ".",
# which the API refuses (400); the pattern below needs at least one digit.
LOOSE_DECIMAL = re.compile(r"^\^-\?\\d\{0,(\d+)\}(?:\(\?:\\\.\\d\{0,(\d+)\}\)\?)?\$$")
PUBLIC = {"/api/v1/schema/"}


def _codes(path: str, method: str, operation: dict) -> list[str]:
    takes_input = method in WRITES or any(p.get("in") == "query" for p in operation.get("parameters", []))
    codes = ["400"] if takes_input else []
    public = any(not requirement for requirement in operation.get("security", [{"auth": []}]))
    codes += ["401", "429"] if public else ["401", "403", "429"]
    paged = any(p.get("in") == "query" and p.get("name") == "page" for p in operation.get("parameters", []))
    if "{" in path or paged:  # a page past the end is a 404 too
        codes.append("404")
    if method in WRITES:
        codes += ["409", "413", "415"]
    return codes


def _strict_decimal(pattern: str) -> str:
    match = LOOSE_DECIMAL.match(pattern)
    if not match:
        return pattern
    whole, decimals = match.group(1), match.group(2)
    if not decimals or decimals == "0":
        return rf"^-?\d{{1,{whole}}}$"
    return rf"^-?(?:\d{{1,{whole}}}(?:\.\d{{0,{decimals}}})?|\.\d{{1,{decimals}}})$"


def _tighten_decimals(node) -> None:
    """Every decimal in the document (request and response bodies, parameters) needs a digit."""
    if isinstance(node, dict):
        if node.get("format") == "decimal" and isinstance(node.get("pattern"), str):
            node["pattern"] = _strict_decimal(node["pattern"])
        for value in node.values():
            _tighten_decimals(value)
    elif isinstance(node, list):
        for value in node:
            _tighten_decimals(value)


def document_errors(result, generator, request, public):
    """drf-spectacular post-processing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", DETAIL)
    schemas.setdefault("FieldErrors", FIELD_ERRORS)
    for path, item in result.get("paths", {}).items():
        if path in PUBLIC:
            continue
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            documented = [code for code in operation["responses"] if code in ANSWERS]
            for code in dict.fromkeys([*_codes(path, method, operation), *documented]):
                description, component = ANSWERS[code]
                answer = operation["responses"].setdefault(code, {"description": description})
                # An error documented by the view with only a description gets the shape every error has.
                answer.setdefault(
                    "content", {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}}
                )
    _tighten_decimals(result)
    return result
