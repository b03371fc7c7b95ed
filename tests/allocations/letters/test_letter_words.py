"""The amount in words: hand-checked cases against the Taalunie rules, and properties over random amounts.

The properties parse the speller's own output with a strict grammar written independently here (each
compound split into its parts from a fixed vocabulary), so a round trip proves the words say the number.
"""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allocations.letters.words import MAX_EUROS, amount_in_words, number_in_words

HAND_CHECKED = {
    0: "nul",
    1: "een",
    2: "twee",
    3: "drie",
    8: "acht",
    10: "tien",
    11: "elf",
    12: "twaalf",
    13: "dertien",
    14: "veertien",
    15: "vijftien",
    16: "zestien",
    17: "zeventien",
    18: "achttien",
    19: "negentien",
    20: "twintig",
    21: "eenentwintig",
    22: "tweeëntwintig",
    23: "drieëntwintig",
    24: "vierentwintig",
    33: "drieëndertig",
    45: "vijfenveertig",
    66: "zesenzestig",
    80: "tachtig",
    88: "achtentachtig",
    99: "negenennegentig",
    100: "honderd",
    101: "honderdeen",
    102: "honderdtwee",
    110: "honderdtien",
    122: "honderdtweeëntwintig",
    200: "tweehonderd",
    999: "negenhonderdnegenennegentig",
    1000: "duizend",
    1001: "duizend een",
    1100: "duizend honderd",
    1234: "duizend tweehonderdvierendertig",
    2000: "tweeduizend",
    2022: "tweeduizend tweeëntwintig",
    10_000: "tienduizend",
    22_000: "tweeëntwintigduizend",
    100_000: "honderdduizend",
    101_000: "honderdeenduizend",
    999_999: "negenhonderdnegenennegentigduizend negenhonderdnegenennegentig",
    1_000_000: "een miljoen",
    1_000_001: "een miljoen een",
    1_001_000: "een miljoen duizend",
    2_000_000: "twee miljoen",
    22_000_000: "tweeëntwintig miljoen",
    2_266_110: "twee miljoen tweehonderdzesenzestigduizend honderdtien",
    1_000_000_000: "een miljard",
    3_000_500_000: "drie miljard vijfhonderdduizend",
    999_999_999_999: (
        "negenhonderdnegenennegentig miljard negenhonderdnegenennegentig miljoen "
        "negenhonderdnegenennegentigduizend negenhonderdnegenennegentig"
    ),
}


@pytest.mark.parametrize(("number", "words"), HAND_CHECKED.items())
def test_hand_checked_numbers(number, words):
    assert number_in_words(number) == words


@pytest.mark.parametrize(
    ("cents", "words"),
    [
        (100_000_150, "een miljoen een euro en vijftig cent"),
        (226_611_022, "twee miljoen tweehonderdzesenzestigduizend honderdtien euro en tweeëntwintig cent"),
        (100, "een euro"),
        (101, "een euro en een cent"),
        (1, "nul euro en een cent"),
        (0, "nul euro"),
        (50, "nul euro en vijftig cent"),
        (
            123_456_789,
            "een miljoen tweehonderdvierendertigduizend vijfhonderdzevenenzestig euro en negenentachtig cent",
        ),
        (250_000_000, "twee miljoen vijfhonderdduizend euro"),
    ],
)
def test_amounts_in_euros_and_cents(cents, words):
    assert amount_in_words(cents) == words


@pytest.mark.parametrize("bad", [-1, 10**14, 1.5, "100", True, None])
def test_refuses_what_is_not_an_amount(bad):
    with pytest.raises((ValueError, TypeError)):
        amount_in_words(bad)


# --- an independent strict parser of the output -------------------------------------------------------
_UNIT = {
    "een": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9,
}  # fmt: skip
_TEEN = {
    "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15, "zestien": 16,
    "zeventien": 17, "achttien": 18, "negentien": 19,
}  # fmt: skip
_TENS = {
    "twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60, "zeventig": 70,
    "tachtig": 80, "negentig": 90,
}  # fmt: skip
_alt = "|".join
_BELOW_HUNDRED = (
    f"(?:(?P<u>{_alt(_UNIT)})(?P<j>en|ën)(?P<t1>{_alt(_TENS)})|(?P<t2>{_alt(_TENS)})"
    f"|(?P<teen>{_alt(_TEEN)})|(?P<u2>{_alt(_UNIT)}))"
)
_BELOW_THOUSAND = re.compile(
    f"^(?:(?P<h>{_alt(k for k in _UNIT if k != 'een')})?(?P<hundred>honderd))?{_BELOW_HUNDRED}?$"
)
VOCABULARY = {*_UNIT, *_TEEN, *_TENS, "honderd", "duizend", "miljoen", "miljard", "en", "ën", "nul"}


def _parse_below_thousand(word: str) -> int:
    match = _BELOW_THOUSAND.match(word)
    assert match and word, f"not a number word: {word!r}"
    value = 0
    if match["hundred"]:
        value += 100 * (_UNIT[match["h"]] if match["h"] else 1)
    if match["u"]:
        # The trema belongs exactly where a vowel meets "en".
        assert (match["j"] == "ën") == match["u"].endswith("e"), word
        value += _UNIT[match["u"]] + _TENS[match["t1"]]
    value += _TENS.get(match["t2"] or "", 0) + _TEEN.get(match["teen"] or "", 0) + _UNIT.get(match["u2"] or "", 0)
    return value


def parse_number(text: str) -> int:
    if text == "nul":
        return 0
    tokens = text.split(" ")
    total = 0
    for scale_word, scale in (("miljard", 10**9), ("miljoen", 10**6)):
        if scale_word in tokens:
            at = tokens.index(scale_word)
            assert at == 1, text  # one group word before each scale, and scales in descending order
            group = _parse_below_thousand(tokens[0])
            assert 0 < group < 1000
            total += group * scale
            tokens = tokens[2:]
    if tokens and tokens[0].endswith("duizend"):
        head = tokens.pop(0).removesuffix("duizend")
        group = _parse_below_thousand(head) if head else 1
        assert head != "een" and 0 < group < 1000, text  # "duizend", never "eenduizend"
        total += group * 1000
    if tokens:
        word = tokens.pop(0)
        rest = _parse_below_thousand(word)
        assert 0 < rest < 1000
        total += rest
    assert not tokens, text
    return total


def parse_amount(text: str) -> int:
    match = re.fullmatch(r"(?P<euros>.+?) euro(?: en (?P<cents>.+) cent)?", text)
    assert match, text
    cents = parse_number(match["cents"]) if match["cents"] else 0
    assert match["cents"] is None or 0 < cents < 100
    return parse_number(match["euros"]) * 100 + cents


def test_parser_agrees_with_the_hand_checked_cases():
    for number, words in HAND_CHECKED.items():
        assert parse_number(words) == number


@settings(max_examples=400, deadline=None)
@given(st.integers(min_value=0, max_value=MAX_EUROS * 100 + 99))
def test_words_round_trip_to_the_amount(cents):
    words = amount_in_words(cents)
    assert parse_amount(words) == cents
    assert "éé" not in words and "één" not in words
    assert "  " not in words and words == words.strip()
    assert not re.search(r"(^|\s)een(honderd|duizend)", words), "honderd and duizend take no 'een'"
    pieces = re.findall(
        f"{_alt(sorted(VOCABULARY | {'euro', 'cent'}, key=len, reverse=True))}|\\s+",
        words,
    )
    assert "".join(pieces) == words, "a word outside the vocabulary"


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1001, max_value=999_999).filter(lambda n: n % 1000))
def test_a_space_follows_duizend_and_nothing_else_splits_below_a_million(number):
    words = number_in_words(number)
    assert words.count(" ") == 1 and words.split(" ")[0].endswith("duizend")
