"""CSV, XLSX and JSON writers for decision exports: typed cells, constant memory, and safe text.

Every text cell goes through accounts/text_safety.py: hidden control and bidirectional characters are
removed (in all three formats), and in CSV and XLSX text that a spreadsheet would run as a formula is
prefixed with ``'``. Numbers are written as numbers and never touched, so a negative amount stays a negative
amount.

The writers take the columns once and the rows as an iterator of tuples, so an export of 100,000 lines
never holds more than a batch of them in memory. An export's summary (``Figure``: the run, its ceiling,
reserve and the amount distributed) is the JSON document's fields and the XLSX file's second sheet; CSV
stays one table.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any, Literal
from zoneinfo import ZoneInfo

import xlsxwriter
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from accounts.text_safety import BOM, DANGEROUS_FIRST, clean_text, safe_cell

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

Kind = Literal["text", "money", "integer", "decimal", "date", "datetime"]
Separator = Literal["comma", "semicolon"]
SEPARATORS: dict[str, tuple[str, str]] = {"comma": (",", "."), "semicolon": (";", ",")}
CSV_BATCH = 1_000


@dataclass(frozen=True)
class Column:
    """One column of an export: its header, what kind of value it holds, and whether it is totalled.

    The header may be lazy: it is put into words when the file is written, in the language active then."""

    key: str
    header: str | Promise
    kind: Kind = "text"
    total: bool = False
    width: int = 14


@dataclass(frozen=True)
class Figure:
    """One named value of an export's summary: a field of the JSON document, a row of the XLSX summary."""

    key: str
    label: str | Promise
    value: Any
    kind: Kind = "text"


def _local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(AMSTERDAM) if value.tzinfo else value


# ---------------------------------------------------------------------------------------------- CSV


def _csv_formatter(kind: Kind, decimal_mark: str) -> Callable[[Any], Any]:
    """A per-column function from a value to what the CSV cell holds, chosen once, not per cell."""
    comma = decimal_mark == ","

    def text(value: Any) -> Any:
        return "" if value is None else safe_cell(str(value))

    def money(value: Any) -> Any:
        if value is None:
            return ""
        out = str(value)
        if len(out) < 4 or out[-3] != ".":  # not already two decimals (as the database gives them)
            out = f"{Decimal(value):.2f}"
        return out.replace(".", ",") if comma else out

    def decimal(value: Any) -> Any:
        if value is None:
            return ""
        out = str(value)
        return out.replace(".", ",") if comma else out

    def integer(value: Any) -> Any:
        return "" if value is None else int(value)

    def date(value: Any) -> Any:
        return "" if value is None else value.isoformat()

    def datetime(value: Any) -> Any:
        return "" if value is None else _local(value).isoformat(timespec="seconds")

    return {
        "text": text,
        "money": money,
        "decimal": decimal,
        "integer": integer,
        "date": date,
        "datetime": datetime,
    }[kind]


def stream_csv(
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    separator: Separator = "comma",
    totals_label: str | None = None,
) -> Iterator[bytes]:
    """Yield the CSV in UTF-8 chunks (a BOM first, so Excel reads the accents), a batch of rows at a time.

    ``separator="semicolon"`` writes ``;`` between cells and a decimal comma, as Dutch Excel expects.
    With ``totals_label`` a last row holds the sum of every totalled column, computed exactly in Decimal.
    """
    delimiter, decimal_mark = SEPARATORS[separator]
    width = len(columns)
    formatters = [_csv_formatter(column.kind, decimal_mark) for column in columns]
    # The csv module already writes None as an empty cell and ints, dates and (with a decimal point)
    # Decimals as themselves, so only the other cells go through Python per row: text is made safe inline
    # (what text_safety.safe_cell does, without a call per cell: nearly every text is printable and
    # starts with a letter, and those two checks are all it costs).
    text_columns = [i for i, column in enumerate(columns) if column.kind == "text"]
    converted = [
        (i, formatters[i])
        for i, column in enumerate(columns)
        if column.kind in ("money", "datetime") or (column.kind == "decimal" and decimal_mark == ",")
    ]
    totalled = [i for i, column in enumerate(columns) if column.total]
    sums = {i: Decimal(0) for i in totalled}
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([safe_cell(str(column.header)) for column in columns])
    yield (BOM + buffer.getvalue()).encode("utf-8")
    batch: list[list[Any]] = []
    dangerous = DANGEROUS_FIRST
    for row in rows:
        out = list(row)
        if len(out) != width:
            raise ValueError(f"A row has {len(out)} cells for {width} columns.")
        for i in totalled:
            if out[i] is not None:
                sums[i] += out[i]
        for i in text_columns:
            value = out[i]
            if value is None or (value.__class__ is not str and not isinstance(value, str | Promise)):
                continue
            value = str(value)
            if not value.isprintable():
                value = clean_text(value)
            out[i] = "'" + value if value and value[0] in dangerous else value
        for i, fmt in converted:
            if out[i] is not None:
                out[i] = fmt(out[i])
        batch.append(out)
        if len(batch) >= CSV_BATCH:
            yield _flush(writer, buffer, batch)
            batch = []
    if totals_label is not None:
        total_row: list[Any] = [None] * width
        total_row[0] = totals_label
        for i in totalled:
            total_row[i] = sums[i]
        batch.append([fmt(value) for fmt, value in zip(formatters, total_row, strict=True)])
    if batch:
        yield _flush(writer, buffer, batch)


def _flush(writer: Any, buffer: io.StringIO, batch: list[list[Any]]) -> bytes:
    buffer.seek(0)
    buffer.truncate()
    writer.writerows(batch)
    return buffer.getvalue().encode("utf-8")


# --------------------------------------------------------------------------------------------- XLSX

WORKBOOK_OPTIONS = {
    "constant_memory": True,  # rows go to a temporary file as they are written
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "remove_timezone": True,
    "default_date_format": "dd-mm-yyyy",
}
EURO_FORMAT = '"€" #,##0.00;"€" -#,##0.00'


def write_xlsx(
    target: str | IO[bytes],
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_name: str = "Export",
    totals_label: str | None = None,
    summary: Sequence[Figure] = (),
    summary_name: str | None = None,
    on_progress: Callable[[int], None] | None = None,
    progress_every: int = 5_000,
) -> dict[str, Decimal]:
    """Write a workbook with typed cells, a frozen header row, a filter and (optionally) a totals row, and
    with ``summary`` a second sheet that lists each figure: its label, its value and its field name.

    ``target`` should be a path or a real file: XlsxWriter gives up constant memory for in-memory output.
    Amounts are written as numbers in a euro format: a spreadsheet number is a binary double, exact to
    the cent far beyond any budget, and the totals are summed in Decimal here and written as the cached
    value of a SUM formula, so the sheet shows the exact total and still adds up when a line is edited.
    Returns the totals per column key.
    """
    workbook = xlsxwriter.Workbook(target, WORKBOOK_OPTIONS)
    try:
        sheet = workbook.add_worksheet(sheet_name[:31])
        bold = workbook.add_format({"bold": True, "bottom": 1})
        formats = {
            "money": workbook.add_format({"num_format": EURO_FORMAT}),
            "decimal": workbook.add_format({"num_format": "0.0#"}),
            "integer": workbook.add_format({"num_format": "0"}),
            "date": workbook.add_format({"num_format": "dd-mm-yyyy"}),
            "datetime": workbook.add_format({"num_format": "dd-mm-yyyy hh:mm"}),
        }
        total_money = workbook.add_format({"num_format": EURO_FORMAT, "bold": True, "top": 1})
        total_text = workbook.add_format({"bold": True, "top": 1})
        for i, column in enumerate(columns):
            sheet.set_column(i, i, column.width)
        for i, column in enumerate(columns):
            sheet.write_string(0, i, safe_cell(str(column.header)), bold)
        sheet.freeze_panes(1, 0)

        totalled = [i for i, column in enumerate(columns) if column.total]
        sums = {i: Decimal(0) for i in totalled}
        writers = [_xlsx_writer(sheet, column.kind, formats.get(column.kind)) for column in columns]
        number = 0
        for number, row in enumerate(rows, start=1):
            for i, (write, value) in enumerate(zip(writers, row, strict=True)):
                if value is None:
                    continue
                write(number, i, value)
            for i in totalled:
                if row[i] is not None:
                    sums[i] += row[i]
            if on_progress and number % progress_every == 0:
                on_progress(number)
        last = max(number, 1)
        sheet.autofilter(0, 0, last, len(columns) - 1)
        if totals_label is not None:
            sheet.write_string(number + 1, 0, safe_cell(totals_label), total_text)
            for i in totalled:
                cell_range = xlsxwriter.utility.xl_range(1, i, max(number, 1), i)
                value = sums[i]
                fmt = total_money if columns[i].kind == "money" else total_text
                sheet.write_formula(number + 1, i, f"=SUM({cell_range})", fmt, float(value))
        if summary:
            _write_summary(workbook.add_worksheet((summary_name or _("Samenvatting"))[:31]), summary, bold, formats)
    finally:
        workbook.close()
    return {columns[i].key: sums[i] for i in totalled}


def _write_summary(sheet: Any, summary: Sequence[Figure], bold: Any, formats: dict[str, Any]) -> None:
    """One row per figure: what it is, its value (typed, as in the lines), and its name in the JSON export."""
    sheet.set_column(0, 0, 36)
    sheet.set_column(1, 1, 24)
    sheet.set_column(2, 2, 14)
    for i, header in enumerate((_("Omschrijving"), _("Waarde"), _("Veld"))):
        sheet.write_string(0, i, header, bold)
    for number, figure in enumerate(summary, start=1):
        sheet.write_string(number, 0, safe_cell(str(figure.label)))
        if figure.value is not None:
            _xlsx_writer(sheet, figure.kind, formats.get(figure.kind))(number, 1, figure.value)
        sheet.write_string(number, 2, figure.key)


def _xlsx_writer(sheet: Any, kind: Kind, fmt: Any) -> Callable[[int, int, Any], Any]:
    if kind == "text":
        return lambda r, c, v: sheet.write_string(r, c, safe_cell(str(v)))
    if kind in ("money", "decimal", "integer"):
        return lambda r, c, v: sheet.write_number(r, c, float(v), fmt)
    if kind == "date":
        return lambda r, c, v: sheet.write_datetime(r, c, v, fmt)
    return lambda r, c, v: sheet.write_datetime(r, c, _local(v).replace(tzinfo=None), fmt)


# --------------------------------------------------------------------------------------------- JSON


def _json_value(kind: Kind, value: Any) -> Any:
    """Money as a string with two decimals and points as strings (DESIGN.md §10): never a float."""
    if value is None:
        return None
    if kind == "money":
        return f"{Decimal(value):.2f}"
    if kind == "decimal":
        return str(value)
    if kind == "integer":
        return int(value)
    if kind == "date":
        return value.isoformat()
    if kind == "datetime":
        return _local(value).isoformat(timespec="seconds")
    return clean_text(str(value))  # JSON is no spreadsheet: hidden characters go, no quote is added


def stream_json(
    columns: Sequence[Column], rows: Iterable[Sequence[Any]], *, summary: Sequence[Figure] = ()
) -> Iterator[bytes]:
    """Yield ``{...summary, "lines": [...], "totals": {...}}`` in chunks; the totals are summed as the lines
    pass. The summary's figures are fields of the document, typed as the lines are."""
    import json

    totalled = [i for i, column in enumerate(columns) if column.total]
    sums = {i: Decimal(0) for i in totalled}
    meta = {figure.key: _json_value(figure.kind, figure.value) for figure in summary}
    head = json.dumps(meta, ensure_ascii=False)
    yield (head[:-1] + (", " if meta else "") + '"lines": [').encode("utf-8")
    batch: list[str] = []
    first = True
    for row in rows:
        for i in totalled:
            if row[i] is not None:
                sums[i] += row[i]
        item = {column.key: _json_value(column.kind, value) for column, value in zip(columns, row, strict=True)}
        batch.append(("" if first else ",") + json.dumps(item, ensure_ascii=False))
        first = False
        if len(batch) >= CSV_BATCH:
            yield "".join(batch).encode("utf-8")
            batch = []
    totals = {columns[i].key: f"{sums[i]:.2f}" for i in totalled}
    batch.append('], "totals": ' + json.dumps(totals) + "}")
    yield "".join(batch).encode("utf-8")
