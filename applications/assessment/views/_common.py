"""Helpers shared by the assessment pages."""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from applications.models import (
    Review,
    ReviewAssignment,
    Status,
)

# The budget table and co-financing facts are the ones the application pages show.

REOPENABLE_STATES = (Status.IN_REVIEW, Status.REVIEWED)


LABEL_WITH_YEAR = re.compile(r"^(?P<name>.*) \((?P<year>\d{4})\)$")


def _points(value) -> str:
    """Points the Dutch way with two decimals (``46,50``), for messages built in Python."""
    return number_format(Decimal(value), decimal_pos=2, use_l10n=True)


def review_state(review: Review | None) -> str:
    if review is None:
        return _("Nog niet begonnen")
    if review.status == Review.Status.SUBMITTED:
        return _("Ingediend")
    return _("Concept (heropend)") if review.reopened_at else _("Concept")


def _review_of(assignment: ReviewAssignment) -> Review | None:
    return getattr(assignment, "review", None)  # a missing reverse one-to-one raises an AttributeError
