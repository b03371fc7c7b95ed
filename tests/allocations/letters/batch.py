"""The day a letter test's run is sent. Its run is ``final_runs.letter_run``; ``prepare`` makes its letters the
way an administrator does, dated ``SEND_ON``, on that day (``SEND_DAY``); ``on_send_day`` sets the clock to that
day for pages, which read the clock themselves.
"""

from __future__ import annotations

import datetime

import time_machine

from accounts.models import User
from allocations.runs.models import AllocationRun

# The letters are sent on the Monday after: their date, and the day the objection term counts from.
SEND_ON = datetime.date(2027, 3, 15)
SEND_DAY = datetime.datetime(2027, 3, 15, 9, 0, tzinfo=datetime.UTC)  # 10:00 in Amsterdam


def prepare(run: AllocationRun, *, send_on: datetime.date = SEND_ON, by: User | None = None, now=SEND_DAY):
    """Prepare the run's letters with ``send_on`` as an administrator does (tasks queue after commit)."""
    from allocations.letters import batches

    return batches.prepare_letters(run=run, send_on=send_on, by=by or run.approved_by, now=now)


def on_send_day(moment: datetime.datetime = SEND_DAY):
    """The clock at ``moment`` (it keeps ticking), for code that reads it: pages, services called without
    ``now``. Use as a context manager."""
    return time_machine.travel(moment, tick=True)
