"""The terms of an objection case, checked against a calendar of their own: the Algemene termijnenwet's holidays
for 2025–2035 written out below by hand (art. 3 lid 1, Goede Vrijdag under lid 2 and the days equated by decree
under lid 3), never derived from the code under test. The properties say what Awb 6:7–6:9 and 7:10 say; the
examples are days a lawyer would check by hand."""

import datetime

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from allocations.objections.deadlines import (
    MAX_POSTPONEMENT_WEEKS,
    Suspension,
    TimelinessCode,
    days_left,
    decision_term_end,
    is_timely,
    objection_term_end,
    timeliness,
)

D = datetime.date
DAY = datetime.timedelta(days=1)

# New Year, Good Friday, Easter Monday, King's Day (26 April when the 27th is a Sunday), 5 May, Ascension Day,
# Whit Monday, Christmas and Boxing Day, for each year.
HOLIDAYS = {
    D.fromisoformat(day)
    for day in (
        # 2025: Easter 20 April; 27 April is a Sunday, so Koningsdag is the 26th
        "2025-01-01", "2025-04-18", "2025-04-21", "2025-04-26", "2025-05-05", "2025-05-29", "2025-06-09", "2025-12-25", "2025-12-26",  # noqa: E501
        # 2026: Easter 5 April
        "2026-01-01", "2026-04-03", "2026-04-06", "2026-04-27", "2026-05-05", "2026-05-14", "2026-05-25", "2026-12-25", "2026-12-26",  # noqa: E501
        # 2027: Easter 28 March
        "2027-01-01", "2027-03-26", "2027-03-29", "2027-04-27", "2027-05-05", "2027-05-06", "2027-05-17", "2027-12-25", "2027-12-26",  # noqa: E501
        # 2028: Easter 16 April
        "2028-01-01", "2028-04-14", "2028-04-17", "2028-04-27", "2028-05-05", "2028-05-25", "2028-06-05", "2028-12-25", "2028-12-26",  # noqa: E501
        # 2029: Easter 1 April
        "2029-01-01", "2029-03-30", "2029-04-02", "2029-04-27", "2029-05-05", "2029-05-10", "2029-05-21", "2029-12-25", "2029-12-26",  # noqa: E501
        # 2030: Easter 21 April
        "2030-01-01", "2030-04-19", "2030-04-22", "2030-04-27", "2030-05-05", "2030-05-30", "2030-06-10", "2030-12-25", "2030-12-26",  # noqa: E501
        # 2031: Easter 13 April; 27 April is a Sunday, so Koningsdag is the 26th
        "2031-01-01", "2031-04-11", "2031-04-14", "2031-04-26", "2031-05-05", "2031-05-22", "2031-06-02", "2031-12-25", "2031-12-26",  # noqa: E501
        # 2032: Easter 28 March
        "2032-01-01", "2032-03-26", "2032-03-29", "2032-04-27", "2032-05-05", "2032-05-06", "2032-05-17", "2032-12-25", "2032-12-26",  # noqa: E501
        # 2033: Easter 17 April
        "2033-01-01", "2033-04-15", "2033-04-18", "2033-04-27", "2033-05-05", "2033-05-26", "2033-06-06", "2033-12-25", "2033-12-26",  # noqa: E501
        # 2034: Easter 9 April
        "2034-01-01", "2034-04-07", "2034-04-10", "2034-04-27", "2034-05-05", "2034-05-18", "2034-05-29", "2034-12-25", "2034-12-26",  # noqa: E501
        # 2035: Easter 25 March (Ascension Day 3 May)
        "2035-01-01", "2035-03-23", "2035-03-26", "2035-04-27", "2035-05-03", "2035-05-05", "2035-05-14", "2035-12-25", "2035-12-26",  # noqa: E501
        # Equated by decree (art. 3 lid 3): the decrees for 2023–2025 and 2026–2028; later ones are not yet out.
        "2025-05-30", "2026-01-02", "2026-05-15", "2027-05-07", "2028-04-28", "2028-05-26",
    )
}  # fmt: skip


def working(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in HOLIDAYS


def first_working_from(day: datetime.date) -> datetime.date:
    while not working(day):
        day += DAY
    return day


# Every term these tests count ends before 2036, where the calendar above stops: sending at the latest in March
# 2035 leaves 6 + 1 + 12 + 6 weeks and the longest suspension drawn below.
sent_days = st.dates(min_value=D(2025, 1, 1), max_value=D(2035, 3, 31))


def test_the_calendar_above_has_nine_holidays_a_year_plus_the_decrees():
    per_year = {year: sum(1 for day in HOLIDAYS if day.year == year) for year in range(2025, 2036)}
    assert per_year == {2025: 10, 2026: 11, 2027: 10, 2028: 11, **{year: 9 for year in range(2029, 2036)}}


# --- the objection term (Awb 6:7, 6:8, Algemene termijnenwet art. 1 and 3) ------------------------------------


@given(sent_days)
def test_the_objection_term_ends_on_the_first_working_day_from_six_weeks_after_sending(sent_on):
    end = objection_term_end(sent_on)
    six_weeks = sent_on + datetime.timedelta(weeks=6)  # the term starts the day after sending (6:8)
    assert end == first_working_from(six_weeks)
    assert working(end)
    assert all(not working(day) for day in _days(six_weeks, end))  # only non-working days were skipped


@pytest.mark.parametrize(
    ("sent_on", "last_day"),
    [
        (D(2026, 9, 1), D(2026, 10, 13)),  # Tuesday: six weeks on, the same weekday
        (D(2026, 9, 5), D(2026, 10, 19)),  # ends on a Saturday: Monday
        (D(2026, 3, 16), D(2026, 4, 28)),  # ends on Koningsdag, Monday 27 April 2026
        (D(2029, 3, 16), D(2029, 4, 30)),  # ends on Friday 27 April 2029 (Koningsdag): Monday 30 April
        (D(2031, 3, 15), D(2031, 4, 28)),  # ends on Saturday 26 April 2031 (Koningsdag moved back): Monday 28
        (D(2030, 3, 24), D(2030, 5, 6)),  # ends on Sunday 5 May 2030: Monday 6 May
        (D(2032, 3, 25), D(2032, 5, 7)),  # ends on Thursday 6 May 2032, Ascension Day: Friday 7 May
        (D(2033, 11, 14), D(2033, 12, 27)),  # ends on Monday 26 December 2033: Tuesday 27
        (D(2025, 4, 17), D(2025, 6, 2)),  # Ascension Day 29 May 2025, Friday 30 May by decree: Monday 2 June
        (D(2034, 2, 24), D(2034, 4, 11)),  # ends on Friday 7 April 2034, Good Friday, then Easter Monday: Tuesday
    ],
)
def test_the_objection_term_examples(sent_on, last_day):
    assert objection_term_end(sent_on) == last_day


# --- timeliness (Awb 6:9) -------------------------------------------------------------------------------------


@given(sent_days, st.integers(min_value=0, max_value=80))
def test_received_by_the_last_day_is_in_time_and_later_without_a_postmark_is_late(sent_on, after_days):
    received_on = sent_on + datetime.timedelta(days=after_days)
    last_day = first_working_from(sent_on + datetime.timedelta(weeks=6))
    result = timeliness(sent_on=sent_on, received_on=received_on)
    assert result.timely == (received_on <= last_day)
    assert result.code == (TimelinessCode.RECEIVED if received_on <= last_day else TimelinessCode.LATE)
    assert result.last_day == last_day


@given(sent_days, st.integers(min_value=-10, max_value=10), st.integers(min_value=-3, max_value=12))
def test_by_post_posted_in_time_and_received_within_a_week_after_the_term_is_in_time(sent_on, posted, received):
    last_day = first_working_from(sent_on + datetime.timedelta(weeks=6))
    posted_on = last_day + datetime.timedelta(days=posted)
    received_on = max(posted_on, last_day + datetime.timedelta(days=received))
    assume(received_on > sent_on)
    expected = received_on <= last_day or (posted_on <= last_day and received_on <= last_day + 7 * DAY)
    assert is_timely(sent_on=sent_on, received_on=received_on, posted_on=posted_on) == expected


def test_posted_on_the_last_day_and_received_a_week_later_is_in_time_a_day_more_is_late():
    sent_on = D(2026, 9, 1)  # last day Tuesday 13 October 2026
    result = timeliness(sent_on=sent_on, received_on=D(2026, 10, 20), posted_on=D(2026, 10, 13))
    assert (result.timely, result.code, result.post_until) == (True, TimelinessCode.POSTED, D(2026, 10, 20))
    assert not is_timely(sent_on=sent_on, received_on=D(2026, 10, 21), posted_on=D(2026, 10, 13))
    assert not is_timely(sent_on=sent_on, received_on=D(2026, 10, 15), posted_on=D(2026, 10, 14))  # posted late


def test_received_on_the_extended_last_day_is_in_time():
    # The six weeks end on Saturday 17 October 2026; the term runs to Monday 19 October.
    assert is_timely(sent_on=D(2026, 9, 5), received_on=D(2026, 10, 19))
    assert not is_timely(sent_on=D(2026, 9, 5), received_on=D(2026, 10, 20))


# --- the decision term (Awb 7:10, 7:13) -----------------------------------------------------------------------


@st.composite
def suspensions(draw, sent_on: datetime.date):
    """Up to two repair terms, each asked somewhere from the sending to twelve weeks after the objection term."""
    result = []
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        requested_on = sent_on + datetime.timedelta(days=draw(st.integers(min_value=1, max_value=42 + 84)))
        ended_on = requested_on + datetime.timedelta(days=draw(st.integers(min_value=0, max_value=28)))
        result.append(Suspension(requested_on=requested_on, ended_on=ended_on))
    return result


@given(st.data(), sent_days, st.booleans(), st.integers(min_value=0, max_value=MAX_POSTPONEMENT_WEEKS))
def test_the_decision_term_counts_from_the_objection_term_with_suspension_and_postponement(
    data, sent_on, committee, postponement
):
    repairs = data.draw(suspensions(sent_on))
    objection_end = first_working_from(sent_on + datetime.timedelta(weeks=6))
    # The term stands still from the day after a request up to the day the repair ended, once the term runs.
    still = {
        objection_end + datetime.timedelta(days=n)
        for repair in repairs
        for n in range(1, 400)
        if repair.requested_on < objection_end + datetime.timedelta(days=n) < repair.ended_on
    }
    weeks = (12 if committee else 6) + postponement
    expected = first_working_from(objection_end + datetime.timedelta(weeks=weeks, days=len(still)))
    end = decision_term_end(sent_on=sent_on, committee=committee, suspensions=repairs, postponement_weeks=postponement)
    assert end == expected
    assert working(end)


@given(sent_days, st.integers(min_value=0, max_value=MAX_POSTPONEMENT_WEEKS))
def test_a_committee_and_a_postponement_only_lengthen_the_term(sent_on, postponement):
    objection_end = objection_term_end(sent_on)
    plain = decision_term_end(sent_on=sent_on)
    postponed = decision_term_end(sent_on=sent_on, postponement_weeks=postponement)
    committee = decision_term_end(sent_on=sent_on, committee=True)
    assert plain >= objection_end + datetime.timedelta(weeks=6)
    assert postponed >= max(plain, objection_end + datetime.timedelta(weeks=6 + postponement))
    assert committee >= objection_end + datetime.timedelta(weeks=12) and committee > plain


@pytest.mark.parametrize(
    ("kwargs", "end"),
    [
        # Sent Tuesday 1 September 2026: objection term to Tuesday 13 October; six weeks on: 24 November.
        ({}, D(2026, 11, 24)),
        # Twelve weeks with an advisory committee (7:13): Tuesday 5 January 2027.
        ({"committee": True}, D(2027, 1, 5)),
        # Postponed by six weeks: Tuesday 5 January 2027 as well.
        ({"postponement_weeks": 6}, D(2027, 1, 5)),
        # Committee and four weeks' postponement: 16 weeks, Tuesday 2 February 2027.
        ({"committee": True, "postponement_weeks": 4}, D(2027, 2, 2)),
        # Repair asked Monday 19 October, repaired Thursday 29 October: 20–28 October, nine days, stand still.
        ({"suspensions": [Suspension(D(2026, 10, 19), D(2026, 10, 29))]}, D(2026, 12, 3)),
        # A repair asked and made while the objection term still ran moves nothing.
        ({"suspensions": [Suspension(D(2026, 9, 20), D(2026, 10, 1))]}, D(2026, 11, 24)),
        # A repair asked on the term's last day and made ten days later: 14–22 October, nine days.
        ({"suspensions": [Suspension(D(2026, 10, 13), D(2026, 10, 23))]}, D(2026, 12, 3)),
        # Two overlapping repair terms count their days once: 20 October to 3 November, fifteen days.
        (
            {
                "suspensions": [
                    Suspension(D(2026, 10, 19), D(2026, 10, 30)),
                    Suspension(D(2026, 10, 25), D(2026, 11, 4)),
                ]
            },
            D(2026, 12, 9),
        ),
    ],
)
def test_the_decision_term_examples(kwargs, end):
    assert decision_term_end(sent_on=D(2026, 9, 1), **kwargs) == end


def test_a_decision_term_that_ends_on_christmas_moves_past_the_holidays():
    # Sent Friday 2 October 2026: objection term to Friday 13 November; six weeks on is Friday 25 December.
    assert objection_term_end(D(2026, 10, 2)) == D(2026, 11, 13)
    assert decision_term_end(sent_on=D(2026, 10, 2)) == D(2026, 12, 28)


@pytest.mark.parametrize("weeks", [-1, 7])
def test_a_postponement_is_at_most_six_weeks(weeks):
    with pytest.raises(ValueError):
        decision_term_end(sent_on=D(2026, 9, 1), postponement_weeks=weeks)


def test_days_left_counts_calendar_days_and_goes_negative_when_overdue():
    assert days_left(D(2026, 11, 24), D(2026, 11, 20)) == 4
    assert days_left(D(2026, 11, 24), D(2026, 11, 24)) == 0
    assert days_left(D(2026, 11, 24), D(2026, 11, 27)) == -3


def _days(start: datetime.date, end: datetime.date):
    while start < end:
        yield start
        start += DAY
