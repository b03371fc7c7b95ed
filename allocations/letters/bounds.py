"""Bounds on the free texts of a letter, so that a letter renders in bounded time whatever a text says.

A bound cuts the text and marks the cut with an ellipsis; control characters (other than newlines and tabs)
are removed, so bidirectional overrides cannot reorder what a letter prints.
"""

from __future__ import annotations

import enum

# Bounds on free texts, in characters.
SHORT = 200
LINE = 400
PARAGRAPH = 2_000
LONG = 6_000
MAX_ROWS = 200


def bounded(text: str | None, limit: int) -> str:
    """The text without control characters (other than newlines), cut to ``limit`` characters."""
    if not text:
        return ""
    cleaned = "".join(ch for ch in str(text) if ch in "\n\t" or ch.isprintable()).strip()
    if len(cleaned) <= limit:
        return cleaned
    return cleaned[: limit - 1].rstrip() + "…"


def bound_fields(instance, limits: dict[str, int] | None = None) -> None:
    """Bound every text field of a frozen dataclass (``LINE`` unless ``limits`` says otherwise), and every
    tuple of texts (at most twelve items of ``SHORT``)."""
    limits = limits or {}
    for name, value in vars(instance).items():
        if isinstance(value, str) and not isinstance(value, enum.Enum):
            object.__setattr__(instance, name, bounded(value, limits.get(name, LINE)))
        elif isinstance(value, tuple) and value and all(isinstance(item, str) for item in value):
            object.__setattr__(instance, name, tuple(bounded(item, SHORT) for item in value[:12]))
