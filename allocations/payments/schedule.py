"""The payment schedule of an award, as plain values: one instalment per year that has money, the year's
total, due on the day the letter's calendar gives (``letters.deadlines.instalment_due``).

The letter prints this schedule and the stored instalments are made from it, so what the municipality reads
and what the ministry pays are one list. Pure: integer cents in, integer cents out.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from allocations.letters.deadlines import instalment_due


@dataclass(frozen=True)
class PlannedInstalment:
    sequence: int  # 1, 2, … in the order of the years
    year: int
    due_on: datetime.date
    cents: int


def payment_schedule(amounts: Iterable[tuple[int, int]], letter_date: datetime.date) -> tuple[PlannedInstalment, ...]:
    """The instalments of an award split as ``(year, cents)`` pairs (the line's splits per theme and year),
    for a letter dated ``letter_date``. A year whose amounts add up to nothing has no instalment; the
    instalments add up to the amounts, to the cent."""
    totals: dict[int, int] = defaultdict(int)
    for year, cents in amounts:
        if cents < 0:
            raise ValueError("an award is never split into a negative amount")
        totals[year] += cents
    years = sorted(year for year, total in totals.items() if total)
    return tuple(
        PlannedInstalment(sequence, year, instalment_due(letter_date, year), totals[year])
        for sequence, year in enumerate(years, start=1)
    )
