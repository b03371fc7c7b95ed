"""The terms of an objection case: the last day to object, whether an objection came in time, and the last day
to decide on it. Built on the letters' calendar (``allocations.letters.deadlines``), so the term a letter
prints and the term a case counts are the same days.

Pure functions over dates, no database: the case, its page, the deadline board and the API all read them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from allocations.letters.deadlines import next_working_day, objection_last_day

ONE_DAY = datetime.timedelta(days=1)
#: Awb 6:9 lid 2: an objection posted in time still counts when it arrives within a week after the term.
POST_GRACE = datetime.timedelta(weeks=1)
#: Awb 7:10 lid 1: six weeks, or twelve when an advisory committee (7:13) is heard.
DECISION_WEEKS = 6
DECISION_WEEKS_WITH_COMMITTEE = 12
#: Awb 7:10 lid 3: one postponement of at most six weeks.
MAX_POSTPONEMENT_WEEKS = 6


def objection_term_end(sent_on: datetime.date) -> datetime.date:
    """The last day to object against a decision sent on ``sent_on``: six weeks (Awb 6:7) from the day after
    sending (6:8), to the next working day when it ends on a weekend or holiday (Algemene termijnenwet art. 1
    and 3). The same function the letter prints its term with."""
    return objection_last_day(sent_on)


class TimelinessCode:
    RECEIVED = "received"  # received on or before the last day (6:9 lid 1)
    POSTED = "posted"  # posted in time and received within a week after the term (6:9 lid 2)
    LATE = "late"


@dataclass(frozen=True)
class Timeliness:
    timely: bool
    code: str
    last_day: datetime.date  # the last day of the objection term
    post_until: datetime.date  # the last day a posted objection may still arrive


def timeliness(
    *, sent_on: datetime.date, received_on: datetime.date, posted_on: datetime.date | None = None
) -> Timeliness:
    """Whether an objection came in time (Awb 6:9).

    Received before the end of the term (on its last day at the latest) is in time. By post (``posted_on``, the
    postmark) it is also in time when it was posted on or before the last day and received no later than a week
    after it. The week of lid 2 is counted from the term's (already extended) last day and is not extended
    itself: it is not a term within which anyone must act, so the Algemene termijnenwet does not move it.
    """
    last_day = objection_term_end(sent_on)
    post_until = last_day + POST_GRACE
    if received_on <= last_day:
        return Timeliness(True, TimelinessCode.RECEIVED, last_day, post_until)
    if posted_on is not None and posted_on <= last_day and received_on <= post_until:
        return Timeliness(True, TimelinessCode.POSTED, last_day, post_until)
    return Timeliness(False, TimelinessCode.LATE, last_day, post_until)


def is_timely(*, sent_on: datetime.date, received_on: datetime.date, posted_on: datetime.date | None = None) -> bool:
    return timeliness(sent_on=sent_on, received_on=received_on, posted_on=posted_on).timely


@dataclass(frozen=True)
class Suspension:
    """A repair term (Awb 6:6) that suspends the decision term (7:10 lid 2): ``requested_on`` the day the
    objector was asked to repair, ``ended_on`` the day the repair came in or, when it did not, the last day of
    the repair term."""

    requested_on: datetime.date
    ended_on: datetime.date


def suspended_days(suspensions: Iterable[Suspension], *, after: datetime.date) -> set[datetime.date]:
    """The days the decision term stands still: from the day after each request up to (not including) the day
    it ended, "vanaf de dag na die waarop ... tot de dag waarop" (7:10 lid 2), counted once where two overlap.

    Only days after ``after`` (the last day of the objection term) count: a term that has not started cannot
    stand still, so a repair asked and made while the objection term still ran moves nothing. Both readings
    choose the earlier last day where the text leaves room, so the board never shows a day too late."""
    days: set[datetime.date] = set()
    for suspension in suspensions:
        day = max(suspension.requested_on, after) + ONE_DAY
        while day < suspension.ended_on:
            days.add(day)
            day += ONE_DAY
    return days


def decision_term_end(
    *,
    sent_on: datetime.date,
    committee: bool = False,
    suspensions: Iterable[Suspension] = (),
    postponement_weeks: int = 0,
) -> datetime.date:
    """The last day to decide on the objection (Awb 7:10): six weeks, twelve with an advisory committee (7:13),
    from the day after the objection term ended; longer by the days a repair term suspended it (lid 2) and by a
    postponement of at most six weeks (lid 3). The Algemene termijnenwet applies to the term as it finally
    runs: the end moves once, to the next working day."""
    if not 0 <= postponement_weeks <= MAX_POSTPONEMENT_WEEKS:
        raise ValueError(f"a postponement is 0 to {MAX_POSTPONEMENT_WEEKS} weeks, not {postponement_weeks}")
    objection_end = objection_term_end(sent_on)
    weeks = DECISION_WEEKS_WITH_COMMITTEE if committee else DECISION_WEEKS
    end = objection_end + datetime.timedelta(weeks=weeks + postponement_weeks)
    end += datetime.timedelta(days=len(suspended_days(suspensions, after=objection_end)))
    return next_working_day(end)


def appeal_term_end(sent_on: datetime.date) -> datetime.date:
    """The last day to appeal (beroep) to the district court against a decision on an objection sent on
    ``sent_on``: six weeks (Awb 6:7) from the day after sending (6:8), to the next working day when it ends on a
    weekend or holiday (Algemene termijnenwet art. 1 and 3). The terms of objection and appeal are the same term
    of the Awb, so it is the same calendar."""
    return objection_last_day(sent_on)


def days_left(deadline: datetime.date, today: datetime.date) -> int:
    """Calendar days from ``today`` to ``deadline``: 0 on the day itself, negative once it has passed."""
    return (deadline - today).days
