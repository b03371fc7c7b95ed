"""More work for a reviewer's queue from the money side (a reopened scoring of an objection), without intake
importing it: that side registers a source at start-up (allocations/apps.py), as it does its part of the
published rules. Each source answers the rows of one reviewer, scoped by its own selector."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from accounts.models import User


@dataclass(frozen=True)
class QueueRow:
    """One piece of work as the queue shows it: what it is, where to do it, and how far it is."""

    reference: str
    title: str
    municipality: str
    call: str
    url: str
    status: str
    kind: str


_SOURCES: list[Callable[[User], list[QueueRow]]] = []


def register_source(source: Callable[[User], list[QueueRow]]) -> None:
    """Add a source of queue rows (once, from an AppConfig.ready)."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def extra_rows(reviewer: User) -> list[QueueRow]:
    """Every registered source's rows for ``reviewer``, in the order the sources were registered."""
    return [row for source in _SOURCES for row in source(reviewer)]
