"""Text that people typed, made safe for a file another program opens: one place for every export.

Two dangers, each handled once here:
- **Hidden characters.** Bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C) make
  a text display in another order than it is stored: a title can show a different year, an
  amount or a name the reader never sees as typed. Other control and format characters (NUL, escape, zero
  width spaces, the soft hyphen) hide in a cell or break the program that reads it, and a lone surrogate
  cannot be written as UTF-8 at all. ``clean_text`` removes them; newlines and tabs stay.
- **Formulas.** A spreadsheet turns a cell that starts with ``=`` (and, depending on the program, ``+ - @``,
  a tab, a carriage return, ``|`` or ``%``) into a live formula, so a municipality that names its project
  ``=HYPERLINK(...)`` could plant a link in the ministry's finance sheet. ``neutralise`` prefixes such text
  with ``'`` (OWASP, "CSV injection"); numbers are never touched, so a negative amount stays a number.

``safe_cell`` does both, cleaning first: a bidi mark in front of ``=`` must not hide the formula from the
guard.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

BOM = "\ufeff"
# OWASP's list plus the pipe and percent sign (DDE and some locales); a line feed for good measure.
DANGEROUS_FIRST = frozenset("=+-@\t\r\n|%")
# Control (Cc), format (Cf: the bidirectional controls, zero-width characters, the soft hyphen, the BOM)
# and surrogate (Cs) characters are removed; a line or paragraph separator (Zl, Zp) becomes a newline.
REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
LINE_CATEGORIES = frozenset({"Zl", "Zp"})
KEPT = frozenset("\n\t")


def clean_text(value: str) -> str:
    """The text without control, format (bidirectional) and surrogate characters; newlines and tabs stay.

    Nearly every text is printable as it is: that is checked in C, and only the rest is walked.
    """
    if value.isprintable():
        return value
    return "".join(_kept(ch) for ch in value)


def _kept(ch: str) -> str:
    if ch in KEPT:
        return ch
    category = unicodedata.category(ch)
    if category in REMOVED_CATEGORIES:
        return ""
    if category in LINE_CATEGORIES:
        return "\n"
    return ch


def neutralise(value: Any) -> Any:
    """Make a text cell inert in a spreadsheet; leave anything that is not text alone."""
    if isinstance(value, str) and value and value[0] in DANGEROUS_FIRST:
        return "'" + value
    return value


def safe_cell(value: Any) -> Any:
    """A text cell cleaned of hidden characters and made inert; anything that is not text is left alone."""
    if isinstance(value, str):
        return neutralise(clean_text(value))
    return value


def stream_rows(header: Sequence[str], rows: Iterable[Sequence[Any]], *, batch: int = 500) -> Iterator[bytes]:
    """UTF-8 CSV in chunks (a BOM first, so Excel reads the accents), every text cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(str(cell)) for cell in header])
    yield (BOM + buffer.getvalue()).encode("utf-8")
    pending = []
    for row in rows:
        pending.append([safe_cell(cell) for cell in row])
        if len(pending) >= batch:
            yield _flush(writer, buffer, pending)
            pending = []
    if pending:
        yield _flush(writer, buffer, pending)


def _flush(writer: Any, buffer: io.StringIO, rows: list[list[Any]]) -> bytes:
    buffer.seek(0)
    buffer.truncate()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")
