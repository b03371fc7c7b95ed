"""The rules document of a call: everything that decides how its ceiling is divided, as canonical JSON.

The intake half is built here (the ceiling, the minimums, the criteria with their weights and scales, the
need bands with their indicators and reference year, the bonus rules). The division half (reserve, pots,
reservations, method, cap, tie rule) belongs to the money side, which imports this module and registers
its part at start-up (allocations/apps.py): imports keep flowing ``applications`` ← ``allocations``, and the
document is still one, with one hash.

Canonical means: keys sorted, no spaces, UTF-8, money as integer cents, points and thresholds as strings
with fixed decimals, lists in a fixed order. The same configuration always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from decimal import Decimal

from accounts.money import cents
from applications.models import AssessmentSettings, BonusRule, Call, Criterion, NeedBand

SCHEMA = 1

# name -> builder of that part of the document, and the reader that gives its words for the public page;
# filled by the apps that own the part (see module docstring).
_PARTS: dict[str, Callable[[Call], dict]] = {}
_READERS: dict[str, Callable[[dict], dict]] = {}


def register_part(name: str, builder: Callable[[Call], dict], reader: Callable[[dict], dict]) -> None:
    """Add a part to every call's rules document, under ``name`` (done once, from an AppConfig.ready);
    ``reader`` turns that part of a stored document into what the public page shows (labels, names)."""
    _PARTS[name] = builder
    _READERS[name] = reader


def read_parts(document: dict) -> dict[str, dict]:
    """Each registered part of a stored document, as its reader puts it for the page."""
    return {name: reader(document[name]) for name, reader in _READERS.items() if document.get(name) is not None}


def points_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def canonical(document: dict) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def intake_part(call: Call) -> dict:
    """The ceiling and the assessment rules, in four queries."""
    settings = AssessmentSettings.objects.filter(call=call).first() or AssessmentSettings(call=call)
    criteria = Criterion.objects.filter(call=call).order_by("order", "pk")
    bands = NeedBand.objects.filter(call=call).select_related("indicator").order_by("indicator__code", "threshold")
    bonus_rules = BonusRule.objects.filter(call=call).select_related("network").order_by("pk")
    return {
        "ceiling": cents(call.budget),
        "minimums": {
            "reviewer_score": points_text(settings.min_reviewer_score),
            "total_points": points_text(settings.min_total_points),
        },
        "criteria": [
            {
                "name": criterion.name,
                "scale": [criterion.scale_min, criterion.scale_max],
                "weight": f"{criterion.weight:.2f}",
                "required": criterion.required,
            }
            for criterion in criteria
        ],
        "need": {
            "reference_year": settings.need_reference_year,
            "bands": [
                {"indicator": band.indicator.code, "from": f"{band.threshold:.3f}", "points": points_text(band.points)}
                for band in bands
            ],
        },
        "bonus_rules": [
            {
                "kind": rule.kind,
                "network": rule.network.code if rule.network is not None else None,
                "label": rule.label,
                "points": points_text(rule.points),
                "min_reviewer_score": points_text(rule.min_reviewer_score),
            }
            for rule in bonus_rules
        ],
    }


def build(call: Call) -> dict:
    """The whole rules document of ``call`` as it stands in the database now."""
    document = {"schema": SCHEMA, "call": call.pk, **intake_part(call)}
    for name, builder in sorted(_PARTS.items()):
        document[name] = builder(call)
    return document


def current_hash(call: Call) -> str:
    """The SHA-256 of the rules as configured now: what a run applies."""
    return sha256_of(canonical(build(call)))
