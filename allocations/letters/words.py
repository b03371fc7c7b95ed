"""Amounts in Dutch words for award letters, following the Taalunie's spelling rules.

One word up to a thousand, a space after "duizend", "miljoen" and "miljard" as separate words, a trema
where vowels meet ("tweeëntwintig") and no accent on "een" ("honderdeen"). A general-purpose library gets
several of these wrong, and the amount in words is part of a legal decision, so it is spelled here.
"""

from __future__ import annotations

UNITS = (
    "nul",
    "een",
    "twee",
    "drie",
    "vier",
    "vijf",
    "zes",
    "zeven",
    "acht",
    "negen",
    "tien",
    "elf",
    "twaalf",
    "dertien",
    "veertien",
    "vijftien",
    "zestien",
    "zeventien",
    "achttien",
    "negentien",
)
TENS = ("", "", "twintig", "dertig", "veertig", "vijftig", "zestig", "zeventig", "tachtig", "negentig")

#: The largest amount in whole euros the speller writes out: 999 miljard and a bit.
MAX_EUROS = 10**12 - 1


def _below_hundred(number: int) -> str:
    if number < 20:
        return UNITS[number]
    tens, unit = divmod(number, 10)
    if unit == 0:
        return TENS[tens]
    unit_word = UNITS[unit]
    # "en" after a vowel gets a trema so the syllables stay apart: tweeëntwintig, drieëndertig.
    joiner = "ën" if unit_word.endswith("e") else "en"
    return f"{unit_word}{joiner}{TENS[tens]}"


def _below_thousand(number: int) -> str:
    """One word, as the Taalunie writes every number under a thousand; "honderd", never "eenhonderd"."""
    hundreds, rest = divmod(number, 100)
    if hundreds == 0:
        return _below_hundred(rest)
    head = "honderd" if hundreds == 1 else f"{UNITS[hundreds]}honderd"
    return head + (_below_hundred(rest) if rest else "")


def _below_million(number: int) -> str:
    thousands, rest = divmod(number, 1000)
    if thousands == 0:
        return _below_thousand(rest)
    head = "duizend" if thousands == 1 else f"{_below_thousand(thousands)}duizend"
    return f"{head} {_below_thousand(rest)}" if rest else head


def number_in_words(number: int) -> str:
    """A non-negative whole number in Dutch words: 2_266_110 -> "twee miljoen tweehonderdzesenzestigduizend
    honderdtien"."""
    if isinstance(number, bool) or not isinstance(number, int):
        raise TypeError("number_in_words takes an int")
    if number < 0 or number > MAX_EUROS:
        raise ValueError(f"number out of range: {number}")
    if number == 0:
        return UNITS[0]
    billions, rest = divmod(number, 10**9)
    millions, rest = divmod(rest, 10**6)
    parts = []
    if billions:
        parts.append(f"{_below_thousand(billions)} miljard")
    if millions:
        parts.append(f"{_below_thousand(millions)} miljoen")
    if rest:
        parts.append(_below_million(rest))
    return " ".join(parts)


def amount_in_words(cents: int) -> str:
    """An amount of integer cents in words: 100_000_150 -> "een miljoen een euro en vijftig cent".

    "euro" and "cent" do not take a plural. Whole amounts leave the cents out; an amount under one euro
    still names the euros ("nul euro en vijftig cent"), so the words always read as an amount of euros.
    """
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise TypeError("amount_in_words takes integer cents")
    if cents < 0:
        raise ValueError("an amount in words cannot be negative")
    euros, rest = divmod(cents, 100)
    text = f"{number_in_words(euros)} euro"
    if rest:
        text += f" en {number_in_words(rest)} cent"
    return text
