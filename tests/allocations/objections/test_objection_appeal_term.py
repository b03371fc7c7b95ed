"""The appeal term of a decision on an objection (Awb 6:7, 6:8 apply to beroep as to bezwaar): six weeks from the
day after sending, to the first working day of the Algemene termijnenwet; property-tested against the
independent calendar of the deadline tests, 2025–2035."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from allocations.objections.deadlines import appeal_term_end
from tests.allocations.objections.test_objection_deadlines import first_working_from, working

SIX_WEEKS = datetime.timedelta(weeks=6)


@given(st.dates(min_value=datetime.date(2025, 1, 1), max_value=datetime.date(2035, 10, 31)))
def test_the_appeal_term_ends_on_the_first_working_day_from_six_weeks_after_sending(sent_on):
    last = appeal_term_end(sent_on)
    assert last == first_working_from(sent_on + SIX_WEEKS)
    assert working(last) and last >= sent_on + SIX_WEEKS
    # Every day between six weeks and the last day is a weekend day or a holiday: the term moved no further.
    day = sent_on + SIX_WEEKS
    while day < last:
        assert not working(day)
        day += datetime.timedelta(days=1)


def test_the_appeal_term_examples():
    # Sent on Tuesday 20 April 2027: six weeks later is Tuesday 1 June, a working day.
    assert appeal_term_end(datetime.date(2027, 4, 20)) == datetime.date(2027, 6, 1)
    # Sent on Friday 13 November 2026: six weeks later is Christmas Day, then Boxing Day and a Sunday.
    assert appeal_term_end(datetime.date(2026, 11, 13)) == datetime.date(2026, 12, 28)
    # Sent on Friday 26 March 2027: six weeks later is Friday 7 May 2027, equated with a holiday by decree.
    assert appeal_term_end(datetime.date(2027, 3, 26)) == datetime.date(2027, 5, 10)
