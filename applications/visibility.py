"""What a person may see of an application's status (DESIGN.md §4): the municipality learns its outcome from
the letter, so until the letter is sent a decided application reads "Besluit in voorbereiding" for it, in
every list, header, PDF, API answer, filter and history. Ministry staff see the status as it is.

One definition, read by the pages (``{% status_badge %}``), the API serializers and filters, the history and
the application's PDF.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.permissions import is_ministry
from applications.models import Status
from applications.transitions import DECIDED_STATES

StrOrPromise = str | Promise

# The status a decided application shows the municipality until its letter is sent.
DECISION_PENDING = "decision_pending"
DECISION_PENDING_LABEL = _("Besluit in voorbereiding")


def sees_outcome(viewer) -> bool:
    """Whether ``viewer`` sees a decision's outcome before its letter is sent: ministry staff only."""
    return viewer is not None and is_ministry(viewer)


def outcome_is_visible(viewer, application) -> bool:
    """Whether ``viewer`` may know how ``application`` was decided: at once for the ministry, for everyone
    else (the municipality) once the letter is sent and the status has moved on."""
    return sees_outcome(viewer) or application.status not in DECIDED_STATES


def shown_status(status: str, viewer) -> str:
    """The status code ``viewer`` sees."""
    if status in DECIDED_STATES and not sees_outcome(viewer):
        return DECISION_PENDING
    return status


def shown_status_label(status: str, viewer) -> str:
    """The status ``viewer`` sees, in words."""
    code = shown_status(status, viewer)
    if code == DECISION_PENDING:
        return str(DECISION_PENDING_LABEL)
    try:
        return str(Status(code).label)
    except ValueError:
        return code


def status_choices(viewer=None) -> list[tuple[str, StrOrPromise]]:
    """Every status ``viewer`` can meet, in lifecycle order; without a viewer, every status anyone can
    (the API schema's enum)."""
    choices: list[tuple[str, StrOrPromise]] = []
    for value, label in Status.choices:
        if value in DECIDED_STATES and viewer is not None and not sees_outcome(viewer):
            continue
        choices.append((value, label))
        if value == DECIDED_STATES[-1]:
            choices.append((DECISION_PENDING, DECISION_PENDING_LABEL))
    return choices


# Every status a reader of the API can meet (the schema's enum of ``status``).
STATUS_CHOICES = status_choices()


def filter_by_shown_status(queryset: QuerySet, status: str, viewer) -> QuerySet:
    """The applications whose status, as ``viewer`` sees it, is ``status``: "decision_pending" stands for
    the three outcomes; an outcome the viewer cannot see matches nothing."""
    if status == DECISION_PENDING:
        return queryset.filter(status__in=DECIDED_STATES)
    if status in DECIDED_STATES and not sees_outcome(viewer):
        return queryset.none()
    return queryset.filter(status=status)
