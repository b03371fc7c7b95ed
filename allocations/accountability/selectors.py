"""What the accountability pages and the API read: the awards a person may account for or see, their
statements, and what is due, each list in a fixed number of queries."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, QuerySet

from accounts.permissions import is_ministry, is_officer
from allocations.accountability.deadlines import Due, dues
from allocations.accountability.models import Statement
from allocations.runs.models import Decision


def accountable_decisions(user) -> QuerySet[Decision]:
    """The sent awards with money that ``user`` may see the accountability of: ministry staff all, an officer
    those of their own municipality."""
    decisions = _accountable()
    if is_ministry(user):
        return decisions
    if is_officer(user) and user.municipality_id:
        return decisions.filter(application__municipality_id=user.municipality_id)
    return decisions.none()


def _accountable() -> QuerySet[Decision]:
    return (
        Decision.objects.filter(sent_at__isnull=False, amount__gt=0)
        .select_related("application__municipality", "run__call__scheme", "line")
        .prefetch_related(
            Prefetch("statements", queryset=Statement.objects.order_by("year")),
            "line__splits",
        )
        .order_by("number")
    )


def accountable_decisions_of_all() -> QuerySet[Decision]:
    """Every sent award with money, for the reminders (the system, not a person, reads them)."""
    return _accountable()


def decision_for(user, pk: int) -> Decision | None:
    return accountable_decisions(user).filter(pk=pk).first()


def dues_of(user, *, today: datetime.date) -> list[Due]:
    """Everything due that is not done, the overdue first and then by date."""
    open_dues = [due for due in dues(accountable_decisions(user)) if not due.done]
    return sorted(open_dues, key=lambda due: (due.due_on, due.decision.number, due.year))
