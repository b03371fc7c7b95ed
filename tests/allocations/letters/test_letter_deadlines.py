"""The last day to object (Awb 6:7, 6:8 with the Algemene termijnenwet), checked against a calendar."""

import datetime

import pytest

from allocations.letters.content import bounded, easter_sunday, objection_last_day


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
        # Ends on Hemelvaartsdag, Thursday 14 May 2026: Friday.
        (datetime.date(2026, 4, 2), datetime.date(2026, 5, 15)),
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
