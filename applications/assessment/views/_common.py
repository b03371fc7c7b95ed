"""Helpers shared by the assessment pages."""

from __future__ import annotations

from django.utils.translation import gettext as _

from applications.models import (
    Review,
    ReviewAssignment,
    Status,
)

REOPENABLE_STATES = (Status.IN_REVIEW, Status.REVIEWED)


def review_state(review: Review | None, assignment: ReviewAssignment | None = None) -> str:
    if assignment is not None and assignment.conflict_declared_at is not None:
        return _("Belangenconflict gemeld")
    if review is None:
        return _("Nog niet begonnen")
    if review.status == Review.Status.SUBMITTED:
        return _("Ingediend")
    return _("Concept (heropend)") if review.reopened_at else _("Concept")


def _review_of(assignment: ReviewAssignment) -> Review | None:
    return getattr(assignment, "review", None)  # a missing reverse one-to-one raises an AttributeError
