"""The one text cleaner of the portal's files: hidden characters out, formulas made inert, text kept."""

import csv
import io

import pytest

from accounts.text_safety import clean_text, neutralise, safe_cell, stream_rows

BIDI = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
]


@pytest.mark.parametrize("char", BIDI)
def test_every_bidirectional_control_is_removed(char):
    assert clean_text(f"Wijk{char}plan 2026{char}") == "Wijkplan 2026"


@pytest.mark.parametrize(
    "char",
    ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\r", "\u200b", "\u00ad", "\ufeff", "\u2060", "\ud800", "\U000e0041"],
)
def test_other_control_and_format_characters_are_removed(char):
    assert clean_text(f"a{char}b") == "ab"


def test_newlines_tabs_and_real_text_stay():
    text = "Wijkaanpak Fryslân – fase 2:\n\tgroen & veilig, € 1.234,56 (100\u00a0%) 🏘️ ½ 北"
    assert clean_text(text) == text


def test_a_line_or_paragraph_separator_becomes_a_newline():
    assert clean_text("eerste\u2028tweede\u2029derde") == "eerste\ntweede\nderde"


def test_a_hidden_mark_cannot_hide_a_formula_from_the_guard():
    assert safe_cell("\u202e=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("\u200b@SUM(1)") == "'@SUM(1)"
    assert neutralise("\u202e=1") == "\u202e=1"  # why safe_cell cleans first
    assert safe_cell(-3) == -3 and safe_cell(None) is None


def test_the_audit_log_csv_is_cleaned_too():
    content = b"".join(stream_rows(["a"], [["\u202e=1+1"], ["ok\u2066"]])).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(content))) == [["a"], ["'=1+1"], ["ok"]]
