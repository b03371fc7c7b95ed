"""The letter's calendar, checked against a calendar: the last day to object (Awb 6:7, 6:8 with the Algemene
termijnenwet and the days equated with its holidays by decree), working days, and when instalments are paid."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from allocations.letters.compose import _payments
from allocations.letters.content import ThemeYearAmount, bounded
from allocations.letters.deadlines import (
    easter_sunday,
    instalment_due,
    is_working_day,
    next_working_day,
    objection_last_day,
    public_holidays,
)


@pytest.mark.parametrize(
    ("sent", "last"),
    [
        # An ordinary Tuesday: six weeks from the day after, so the same weekday six weeks on.
        (datetime.date(2026, 9, 1), datetime.date(2026, 10, 13)),
        # Ends on a Saturday: moves to Monday.
        (datetime.date(2026, 9, 5), datetime.date(2026, 10, 19)),
        # Ends on Monday 27 April 2026, Koningsdag: moves to Tuesday.
        (datetime.date(2026, 3, 16), datetime.date(2026, 4, 28)),
        # Ends on Friday 25 December 2026: Christmas, then the weekend, then Monday 28 December.
        (datetime.date(2026, 11, 13), datetime.date(2026, 12, 28)),
        # Ends on Goede Vrijdag 26 March 2027, then the weekend and tweede paasdag: Tuesday 30 March.
        (datetime.date(2027, 2, 12), datetime.date(2027, 3, 30)),
        # Ends on Hemelvaartsdag, Thursday 14 May 2026; Friday 15 May is equated by decree: Monday 18 May.
        (datetime.date(2026, 4, 2), datetime.date(2026, 5, 18)),
        # Ends on Friday 2 January 2026, equated by decree: Monday 5 January.
        (datetime.date(2025, 11, 21), datetime.date(2026, 1, 5)),
        # Ends on Hemelvaartsdag, Thursday 6 May 2027; Friday 7 May is equated by decree: Monday 10 May.
        (datetime.date(2027, 3, 25), datetime.date(2027, 5, 10)),
        # Ends on Hemelvaartsdag, Thursday 29 May 2025; Friday 30 May is equated by decree: Monday 2 June.
        (datetime.date(2025, 4, 17), datetime.date(2025, 6, 2)),
        # Ends on Tuesday 4 May 2027, a day before the fifth of May: stays.
        (datetime.date(2027, 3, 23), datetime.date(2027, 5, 4)),
        # Ends on 5 May 2026 (a Tuesday): Wednesday.
        (datetime.date(2026, 3, 24), datetime.date(2026, 5, 6)),
    ],
)
def test_objection_last_day(sent, last):
    assert objection_last_day(sent) == last


def test_easter_dates():
    assert [easter_sunday(y) for y in (2024, 2025, 2026, 2027, 2028)] == [
        datetime.date(2024, 3, 31),
        datetime.date(2025, 4, 20),
        datetime.date(2026, 4, 5),
        datetime.date(2027, 3, 28),
        datetime.date(2028, 4, 16),
    ]


def test_bounded_cuts_and_cleans():
    assert bounded("a\x00b\x1bc", 10) == "abc"
    assert bounded("regel 1\nregel 2", 100) == "regel 1\nregel 2"
    assert bounded("x" * 50, 10) == "x" * 9 + "…"
    assert bounded(None, 5) == ""


def test_days_equated_by_decree_are_holidays():
    for day in (
        datetime.date(2025, 5, 30),
        datetime.date(2026, 1, 2),
        datetime.date(2026, 5, 15),
        datetime.date(2027, 5, 7),
    ):
        assert day.weekday() < 5 and day in public_holidays(day.year) and not is_working_day(day)
    assert is_working_day(datetime.date(2027, 5, 4)) and not is_working_day(datetime.date(2027, 5, 5))
    assert next_working_day(datetime.date(2026, 5, 14)) == datetime.date(2026, 5, 18)
    assert next_working_day(datetime.date(2026, 5, 12)) == datetime.date(2026, 5, 12)


def test_an_instalment_of_a_december_letter_is_paid_inside_its_own_year():
    """Before, the 2026 instalment of a letter of 14 December 2026 read "uiterlijk 11 januari 2027"."""
    letter = datetime.date(2026, 12, 14)
    assert instalment_due(letter, 2026) == datetime.date(2026, 12, 31)
    assert instalment_due(letter, 2027) == datetime.date(2027, 2, 15)
    assert instalment_due(datetime.date(2026, 3, 16), 2026) == datetime.date(2026, 4, 13)  # four weeks
    assert instalment_due(datetime.date(2027, 3, 1), 2026) == datetime.date(2027, 3, 29)  # a year already past


@given(
    letter=st.dates(min_value=datetime.date(2024, 1, 1), max_value=datetime.date(2032, 12, 31)),
    years=st.lists(st.integers(min_value=2023, max_value=2033), min_size=1, max_size=5, unique=True),
    cents=st.lists(st.integers(min_value=1, max_value=10**11), min_size=5, max_size=5),
)
def test_instalments_are_paid_inside_their_year_and_add_up_to_the_award(letter, years, cents):
    amounts = [ThemeYearAmount("Veiligheid", year, amount) for year, amount in zip(years, cents, strict=False)]
    payments = _payments(amounts, letter)
    assert [p.year for p in payments] == sorted(years)
    assert sum(p.cents for p in payments) == sum(a.cents for a in amounts)
    for payment in payments:
        four_weeks = letter + datetime.timedelta(weeks=4)
        february = datetime.date(payment.year, 2, 15)
        if letter.year <= payment.year:
            assert february <= payment.on <= datetime.date(payment.year, 12, 31)  # inside its own year
            assert payment.on == min(max(four_weeks, february), datetime.date(payment.year, 12, 31))
        else:  # the letter comes after the year: paid within four weeks of it
            assert payment.on == four_weeks
        assert payment.on >= letter  # never due before the letter
