"""When each sent award's accountability is due, as its letter says, and what is overdue."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from allocations.accountability.awards import needs_report
from allocations.runs.models import Decision

DUE_SOON_DAYS = 30


@dataclass(frozen=True)
class Due:
    decision: Decision
    year: int  # the spending year accounted for (an Awb subsidy: the last year, with the report)
    due_on: datetime.date
    done: bool


def dues(decisions: Iterable[Decision]) -> list[Due]:
    """What each sent award asks for and when, as its letter says: SPUK figures for every spending year by
    15 July of the year after (Regeling informatieverstrekking sisa, art. 2), an Awb subsidy's report by 15 July
    of the year after the period. ``decisions`` come with their statements prefetched."""
    out: list[Due] = []
    for decision in decisions:
        call = decision.run.call
        statements = {s.year: s for s in decision.statements.all()}
        final = any(s.final for s in statements.values())
        years = range(call.year_from, call.year_to + 1) if not needs_report(decision) else [call.year_to]
        for year in years:
            done = final or (year in statements and not needs_report(decision))
            out.append(Due(decision, year, datetime.date(year + 1, 7, 15), done))
    return out


def overdue(due: Due, today: datetime.date) -> bool:
    return not due.done and due.due_on < today


def due_soon(due: Due, today: datetime.date) -> bool:
    return not due.done and today <= due.due_on <= today + datetime.timedelta(days=DUE_SOON_DAYS)
