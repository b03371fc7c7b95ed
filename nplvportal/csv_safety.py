"""CSV that a spreadsheet cannot turn into a formula: one helper for every export of the portal.

A cell that starts with ``=``, ``+``, ``-``, ``@`` (and a few more) is read as a formula by Excel and
LibreOffice; prefixing a quote makes it plain text (OWASP, "CSV injection").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

BOM = "\ufeff"
# OWASP's list plus the pipe and percent sign (DDE and some locales); a line feed for good measure.
DANGEROUS_FIRST = frozenset("=+-@\t\r\n|%")


def neutralise(value: Any) -> Any:
    """Make a text cell inert in a spreadsheet; leave anything that is not text alone."""
    if isinstance(value, str) and value and value[0] in DANGEROUS_FIRST:
        return "'" + value
    return value


def stream_rows(header: Sequence[str], rows: Iterable[Sequence[Any]], *, batch: int = 500) -> Iterator[bytes]:
    """UTF-8 CSV in chunks (a BOM first, so Excel reads the accents), every text cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(str(cell)) for cell in header])
    yield (BOM + buffer.getvalue()).encode("utf-8")
    pending = []
    for row in rows:
        pending.append([neutralise(cell) for cell in row])
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
