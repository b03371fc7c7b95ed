"""The calendar of a letter: which days count as working days, the last day to object, and when an instalment
is paid. One module, so the send date a person picks, the date a letter prints and the term it states all
follow the same calendar (Awb 6:7, 6:8 and the Algemene termijnenwet).
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# Days equated with the public holidays of the Algemene termijnenwet by decree (art. 3 lid 3), published
# in the Staatscourant, usually for three years at a time:
# - Besluit gelijkstelling van 28 april 2023, 19 mei 2023, 10 mei 2024, 27 december 2024 en 30 mei 2025
#   met een algemeen erkende feestdag;
# - Besluit gelijkstelling van 2 januari 2026, 15 mei 2026, 7 mei 2027, 28 april 2028 en 26 mei 2028
#   met een algemeen erkende feestdag.
# Add the days of the next decree here when it is published.
EQUATED_BY_DECREE = frozenset(
    {
        datetime.date(2023, 4, 28),
        datetime.date(2023, 5, 19),
        datetime.date(2024, 5, 10),
        datetime.date(2024, 12, 27),
        datetime.date(2025, 5, 30),
        datetime.date(2026, 1, 2),
        datetime.date(2026, 5, 15),
        datetime.date(2027, 5, 7),
        datetime.date(2028, 4, 28),
        datetime.date(2028, 5, 26),
    }
)

FIRST_PAYMENT_WEEKS = 4  # the first instalment within four weeks of the letter
LATER_PAYMENT_DAY = (2, 15)  # later instalments on 15 February of their year


def local_today(now: datetime.datetime | None = None) -> datetime.date:
    """Today in the Netherlands: a send date is a day there, whatever the server's clock says."""
    return (now or timezone.now()).astimezone(AMSTERDAM).date()


def easter_sunday(year: int) -> datetime.date:
    """Gregorian Easter (the anonymous Gregorian algorithm), for the movable public holidays."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


def public_holidays(year: int) -> set[datetime.date]:
    """The days the Algemene termijnenwet treats as holidays: art. 3 lid 1, Goede Vrijdag (lid 2) and the
    days equated with them by decree (lid 3)."""
    easter = easter_sunday(year)
    kings_day = datetime.date(year, 4, 27)
    if kings_day.weekday() == 6:  # on a Sunday, Koningsdag moves to the Saturday before
        kings_day -= datetime.timedelta(days=1)
    days = {
        datetime.date(year, 1, 1),
        easter - datetime.timedelta(days=2),  # Goede Vrijdag
        easter + datetime.timedelta(days=1),  # tweede paasdag
        kings_day,
        easter + datetime.timedelta(days=39),  # Hemelvaartsdag
        easter + datetime.timedelta(days=50),  # tweede pinksterdag
        datetime.date(year, 5, 5),  # de vijfde mei
        datetime.date(year, 12, 25),
        datetime.date(year, 12, 26),
    }
    return days | {day for day in EQUATED_BY_DECREE if day.year == year}


def is_working_day(day: datetime.date) -> bool:
    """Not a Saturday, a Sunday or a holiday of the Algemene termijnenwet."""
    return day.weekday() < 5 and day not in public_holidays(day.year)


def next_working_day(day: datetime.date) -> datetime.date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def objection_last_day(sent_on: datetime.date) -> datetime.date:
    """The last day to object: six weeks from the day after sending (Awb 6:7, 6:8), moved past a weekend
    or public holiday to the next working day (Algemene termijnenwet art. 1)."""
    return next_working_day(sent_on + datetime.timedelta(weeks=6))


def instalment_due(letter_date: datetime.date, year: int) -> datetime.date:
    """When the instalment of ``year`` is paid at the latest: four weeks after the letter, but not before
    15 February of its year, and inside its own year when the letter is dated in or before that year (a
    letter of late December pays that year's instalment by 31 December, not in January)."""
    due = max(letter_date + datetime.timedelta(weeks=FIRST_PAYMENT_WEEKS), datetime.date(year, *LATER_PAYMENT_DAY))
    if letter_date.year <= year:
        due = min(due, datetime.date(year, 12, 31))
    return due
